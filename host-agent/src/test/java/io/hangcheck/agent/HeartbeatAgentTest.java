package io.hangcheck.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.hangcheck.agent.TestHttpServer.Answer;
import io.hangcheck.agent.config.AgentConfig;
import io.hangcheck.agent.host.BootInfo;
import io.hangcheck.agent.transport.Backoff;
import io.hangcheck.agent.transport.HttpOutcome;
import io.hangcheck.agent.transport.OneConnectionHttpClient;
import io.hangcheck.agent.transport.UdpSender;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.wire.UdpLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatAgentTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Duration> sleeps = new ArrayList<>();

    @BeforeAll
    static void quiet() {
        Log.quiet(true);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private HeartbeatAgent agent(String... flags) {
        return agent(Map.of(), flags);
    }

    private HeartbeatAgent agent(Map<String, String> env, String... flags) {
        AgentConfig c = AgentConfig.from(flags, env);
        Random random = new Random(7);
        HeartbeatAgent a = new HeartbeatAgent(c, BootInfo.detect(c.hostId(), Clock.systemUTC()), Clock.systemUTC(),
                c.mode().udp() ? new UdpSender(c.udpTarget()) : null,
                c.mode().http() ? new OneConnectionHttpClient(c.ingest(), c.connectTimeout(), c.readTimeout(), null) : null,
                new Backoff(c.backoffInitial(), c.backoffMax(), c.maxAttempts(), random::nextLong),
                sleeps::add, random::nextLong, HeartbeatAgent.DEFAULT_KEEP_ALIVE);
        toClose.add(a);
        return a;
    }

    private TestHttpServer server(Answer answer) throws Exception {
        TestHttpServer s = new TestHttpServer(r -> answer);
        toClose.add(s);
        return s;
    }

    @Test
    void udpDatagramParsesBackAndVerifiesWithTheFleetKey() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            receiver.setSoTimeout(5_000);
            HeartbeatAgent agent = agent("--mode", "udp", "--ingest", "127.0.0.1:" + receiver.getLocalPort(),
                    "--host-id", "lab-win-007", "--labels", "pool=changelist,os=windows", "--hmac-key", "hex:0a0b0c",
                    "--interval", "5s");
            for (int i = 0; i < 3; i++) {
                agent.beat();
            }
            List<UdpLine.Parsed> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                receiver.receive(p);
                got.add(UdpLine.parse(p.getData(), p.getLength()));
            }
            Heartbeat first = got.get(0).heartbeat();
            assertThat(first.hostId()).isEqualTo("lab-win-007");
            assertThat(first.bootId()).isEqualTo(agent.boot().bootId());
            assertThat(first.labels()).containsEntry("pool", "changelist").containsEntry("os", "windows");
            assertThat(first.uptimeSeconds()).isNotNull();
            assertThat(got).allSatisfy(p -> assertThat(UdpLine.verify(p, new byte[]{10, 11, 12})).isTrue());
            assertThat(UdpLine.verify(got.get(0), new byte[]{1})).isFalse();
            assertThat(got.stream().map(p -> p.heartbeat().seq()).toList())
                    .containsExactly(first.seq(), first.seq() + 1, first.seq() + 2);
            assertThat(agent.stats().udpSent.get()).isEqualTo(3);
        }
    }

    @Test
    void theCredentialsLabCredentialsHandsOutAreUsedFromTheEnvironmentAsIngestChecksThem() throws Exception {
        // Given: the host's environment file as `./lab credentials lab-lnx-042` prints it (derived from the lab secret)
        byte[] secret = "the-lab-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Map<String, String> env = Map.of(
                "HANGCHECK_TOKEN", io.hangcheck.events.wire.HostCredentials.httpToken(secret, "lab-lnx-042"),
                "HANGCHECK_HMAC_KEY", "hex:" + java.util.HexFormat.of().formatHex(io.hangcheck.events.wire.HostCredentials.udpKey(secret, "lab-lnx-042")));
        TestHttpServer s = server(Answer.of(202));
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            receiver.setSoTimeout(5_000);
            HeartbeatAgent agent = agent(env, "--mode", "udp+http", "--ingest", "127.0.0.1:" + s.port(),
                    "--udp", "127.0.0.1:" + receiver.getLocalPort(), "--host-id", "lab-lnx-042", "--http-every", "2", "--interval", "5s");
            agent.beat();
            agent.beat();
            // Then: the datagram verifies under the host's own key, as ingest verifies it, and under no other host's
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            receiver.receive(p);
            UdpLine.Parsed line = UdpLine.parse(p.getData(), p.getLength());
            assertThat(line.signature()).isNotNull();
            assertThat(UdpLine.verify(line, io.hangcheck.events.wire.HostCredentials.udpKey(secret, "lab-lnx-042"))).isTrue();
            assertThat(UdpLine.verify(line, io.hangcheck.events.wire.HostCredentials.udpKey(secret, "lab-lnx-043"))).isFalse();
            // And: the HTTP beat carries the host's own token
            assertThat(s.requests()).hasSize(1);
            assertThat(s.requests().get(0).headers()).containsEntry("authorization",
                    "Bearer " + io.hangcheck.events.wire.HostCredentials.httpToken(secret, "lab-lnx-042"));
        }
    }

    @Test
    void httpModeSendsTheContractJsonWithTheBearerToken() throws Exception {
        TestHttpServer s = server(Answer.of(202));
        HeartbeatAgent agent = agent("--mode", "http", "--ingest", "127.0.0.1:" + s.port(), "--host-id", "lab-001",
                "--labels", "pool=nightly", "--token", "s3cret", "--interval", "5s");
        agent.beat();
        assertThat(s.requests()).hasSize(1);
        TestHttpServer.Request r = s.requests().get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/v1/heartbeats");
        assertThat(r.headers()).containsEntry("content-type", "application/json")
                .containsEntry("authorization", "Bearer s3cret");
        JsonNode json = EventCodec.mapper().readTree(r.body());
        assertThat(json.get("hostId").asText()).isEqualTo("lab-001");
        assertThat(json.get("labels").get("pool").asText()).isEqualTo("nightly");
        Heartbeat hb = EventCodec.fromBytes(r.body(), Heartbeat.class);
        assertThat(hb.bootId()).isEqualTo(agent.boot().bootId());
        assertThat(agent.stats().httpAccepted.get()).isEqualTo(1);
    }

    @Test
    void udpFailureFallsBackToHttpForThatBeat() throws Exception {
        TestHttpServer s = server(Answer.of(202));
        int closedPort;
        try (DatagramSocket d = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = d.getLocalPort(); // nothing listens there once closed: the kernel answers port-unreachable
        }
        HeartbeatAgent agent = agent("--mode", "udp+http", "--http-every", "0", "--ingest", "127.0.0.1:" + s.port(),
                "--udp", "127.0.0.1:" + closedPort, "--interval", "5s");
        for (int i = 0; i < 4; i++) {
            agent.beat();
            Thread.sleep(50); // let the ICMP error arrive before the next send
        }
        assertThat(agent.stats().udpErrors.get()).isGreaterThanOrEqualTo(1);
        assertThat(s.requests()).hasSize((int) agent.stats().udpErrors.get());
        assertThat(agent.stats().lost.get()).isZero();
    }

    @Test
    void everyNthBeatGoesOverHttpInUdpPlusHttpMode() throws Exception {
        TestHttpServer s = server(Answer.of(202));
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            HeartbeatAgent agent = agent("--mode", "udp+http", "--http-every", "5", "--ingest", "127.0.0.1:" + s.port(),
                    "--udp", "127.0.0.1:" + receiver.getLocalPort(), "--interval", "5s");
            for (int i = 0; i < 10; i++) {
                agent.beat();
            }
            assertThat(s.requests()).hasSize(2);
            assertThat(agent.stats().udpSent.get()).isEqualTo(8);
        }
    }

    @Test
    void manyHeartbeatsUseOneTcpConnection() throws Exception {
        TestHttpServer s = server(Answer.of(202));
        HeartbeatAgent agent = agent("--mode", "http", "--ingest", "127.0.0.1:" + s.port(), "--interval", "5s");
        for (int i = 0; i < 200; i++) {
            agent.beat();
        }
        assertThat(s.requests()).hasSize(200);
        assertThat(s.accepted()).as("TCP connections accepted by the server").isEqualTo(1);
        assertThat(agent.stats().httpAccepted.get()).isEqualTo(200);
    }

    @Test
    void aServerThatClosesConnectionsNeverSeesTwoAtOnce() throws Exception {
        AtomicInteger n = new AtomicInteger();
        TestHttpServer s = new TestHttpServer(r -> new Answer(202, Map.of(), "", n.incrementAndGet() % 10 == 0));
        toClose.add(s);
        HeartbeatAgent agent = agent("--mode", "http", "--ingest", "127.0.0.1:" + s.port(), "--interval", "5s");
        for (int i = 0; i < 100; i++) {
            agent.beat();
        }
        assertThat(agent.stats().httpAccepted.get()).isEqualTo(100);
        assertThat(s.accepted()).isEqualTo(10);
        assertThat(s.maxOpen()).as("connections open at the same time").isEqualTo(1);
    }

    @Test
    void longIntervalsCloseTheConnectionAfterEachBeat() throws Exception {
        TestHttpServer s = server(Answer.of(202));
        HeartbeatAgent agent = agent("--mode", "http", "--ingest", "127.0.0.1:" + s.port(), "--interval", "60s");
        for (int i = 0; i < 3; i++) {
            agent.beat();
            Thread.sleep(100); // the server notices the close (EOF) before the next beat
        }
        assertThat(s.accepted()).isEqualTo(3);
        assertThat(s.maxOpen()).as("each beat's connection was closed before the next opened").isEqualTo(1);
    }

    @Test
    void unavailableIsRetriedAFewTimesWithGrowingBackoffThenGivenUp() throws Exception {
        TestHttpServer s = server(new Answer(503, Map.of("Retry-After", "0"), "{\"title\":\"kafka down\"}", false));
        HeartbeatAgent agent = agent("--mode", "http", "--ingest", "127.0.0.1:" + s.port(), "--interval", "60s",
                "--max-attempts", "4", "--backoff", "1s", "--backoff-max", "10s");
        assertThat(agent.sendHttp(agent.nextHeartbeat())).isEqualTo(HttpOutcome.FAILED);
        assertThat(s.requests()).hasSize(4);
        assertThat(sleeps).hasSize(3);
        // equal jitter: retry n waits within [ceiling/2, ceiling], ceilings 1s, 2s, 4s
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(sleeps.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(sleeps.get(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
        // the same heartbeat each time
        assertThat(s.requests().stream().map(TestHttpServer.Request::bodyText).distinct()).hasSize(1);
    }

    @Test
    void retryAfterIsHonouredUpToTheBackoffCeiling() throws Exception {
        TestHttpServer s = server(new Answer(503, Map.of("Retry-After", "3600"), "", false));
        HeartbeatAgent agent = agent("--mode", "http", "--ingest", "127.0.0.1:" + s.port(), "--interval", "60s",
                "--max-attempts", "2", "--backoff", "2s", "--backoff-max", "10s");
        agent.sendHttp(agent.nextHeartbeat());
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void retriesNeverOutlastHalfAnInterval() throws Exception {
        TestHttpServer s = server(Answer.of(503));
        HeartbeatAgent agent = agent("--mode", "http", "--ingest", "127.0.0.1:" + s.port(), "--interval", "2s",
                "--max-attempts", "10", "--backoff", "2s", "--backoff-max", "10s");
        assertThat(agent.sendHttp(agent.nextHeartbeat())).isEqualTo(HttpOutcome.FAILED);
        assertThat(s.requests()).hasSize(1); // a 1-2 s wait would pass the 1 s budget
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        TestHttpServer s = server(new Answer(400, Map.of("Content-Type", "application/problem+json"),
                "{\"field\":\"labels.pool\"}", false));
        HeartbeatAgent agent = agent("--mode", "http", "--ingest", "127.0.0.1:" + s.port(), "--interval", "60s");
        assertThat(agent.sendHttp(agent.nextHeartbeat())).isEqualTo(HttpOutcome.REJECTED);
        assertThat(s.requests()).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void ingestDownFailsWithinTheAttempts() throws Exception {
        int port;
        try (var ss = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        HeartbeatAgent agent = agent("--mode", "http", "--ingest", "127.0.0.1:" + port, "--interval", "60s",
                "--max-attempts", "3");
        agent.beat();
        assertThat(agent.stats().httpAttempts.get()).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
        assertThat(agent.stats().lost.get()).isEqualTo(1);
    }

    @Test
    void seqStartsAtTheUptimeSoItKeepsGrowingAcrossAgentRestarts() {
        HeartbeatAgent agent = agent("--mode", "udp", "--interval", "5s");
        Long uptime = agent.boot().uptimeSeconds();
        Heartbeat first = agent.nextHeartbeat();
        assertThat(uptime).isNotNull(); // Linux: /proc/uptime
        assertThat(first.seq()).isBetween(uptime, uptime + 1);
        assertThat(agent.nextHeartbeat().seq()).isEqualTo(first.seq() + 1);
    }
}
