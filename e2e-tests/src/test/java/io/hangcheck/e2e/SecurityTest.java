package io.hangcheck.e2e;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.EventType;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.Topics;
import io.hangcheck.events.kafka.LivenessEventSerde;
import io.hangcheck.events.wire.UdpLine;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault matrix row 11 on the running stack: the admin API without, with a wrong, and with a viewer's token;
 * ingest's HTTP path without or with a wrong token; forged, unsigned and tampered UDP datagrams when signatures
 * are required; and a HUNG forged on the liveness topic for a host the evaluator believes UP. It runs on the
 * {@link SharedStack} (whose ingest wants tokens and signatures); its hosts are {@code sec-*}.
 */
@Order(4)
class SecurityTest {
    private static final String FLEET_KEY = SharedStack.FLEET_KEY;
    private static final String INGEST_TOKEN = SharedStack.INGEST_TOKEN;
    private static final String VIEWER_TOKEN = SharedStack.VIEWER_TOKEN;
    private static final List<String> HOSTS = List.of("sec-1", "sec-2", "sec-3");
    private static final Duration RECHECK_INTERVAL = SharedStack.RECHECK_INTERVAL;
    private static final Duration RECHECK_AFTER = SharedStack.RECHECK_AFTER;

    private static Stack stack;
    private static DatagramSocket udp;
    private static final AtomicLong seq = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        SharedStack shared = SharedStack.get();
        stack = shared.stack;
        udp = shared.keep(new DatagramSocket());
        // the fleet: signed heartbeats over UDP every 500 ms, until the shared stack stops (hosts falling silent at
        // the end of this class would be hung on a stack later classes use)
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        shared.keep(beats::shutdownNow);
        beats.scheduleAtFixedRate(() -> {
            long s = seq.incrementAndGet();
            for (String h : HOSTS) {
                send(UdpLine.format(Heartbeat.fromHost(h, "boot-" + h, s, Instant.now(), Map.of(), null),
                        FLEET_KEY.getBytes(StandardCharsets.UTF_8)));
            }
        }, 0, 500, TimeUnit.MILLISECONDS);
        for (String h : HOSTS) {
            stack.inventory(h, "{\"driver\":\"dry-run\",\"enabled\":true,\"author\":\"e2e\"}");
        }
        for (String h : HOSTS) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(stack.evaluator.get("/v1/hosts/" + h).body()).contains("\"UP\""));
        }
    }

    @Test
    void theAdminApiWantsAnOperatorsTokenToWriteAndATokenToRead() {
        assertThat(call("GET", "/v1/ledger", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/v1/ledger", "not-a-token", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/v1/ledger", VIEWER_TOKEN, null).statusCode()).isEqualTo(200);
        String pause = "{\"reason\":\"forged\",\"author\":\"mallory\"}";
        assertThat(call("POST", "/v1/pause", null, pause).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/v1/pause", "not-a-token", pause).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/v1/pause", VIEWER_TOKEN, pause).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/v1/hosts/sec-3/reboot", VIEWER_TOKEN, "{\"force\":true,\"reason\":\"x\"}").statusCode()).isEqualTo(403);
        assertThat(call("GET", "/v1/pause", VIEWER_TOKEN, null).body()).contains("\"paused\":false");
        // probes and metrics stay open
        assertThat(call("GET", "/q/health/ready", null, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/metrics", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void ingestsHttpPathRefusesMissingAndWrongTokens() {
        String body = "{\"hostId\":\"sec-http\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"" + Instant.now() + "\"}";
        assertThat(post(null, body).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = post("not-the-token", body);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Authorization", "bearer token");
        assertThat(post(INGEST_TOKEN, body).statusCode()).isEqualTo(202);
    }

    @Test
    void forgedUnsignedAndTamperedDatagramsAreDroppedCountedAndNeverReachTheEvaluator() throws Exception {
        double badBefore = rejected("bad_signature");
        double unsignedBefore = rejected("unsigned");
        byte[] wrongKey = "not-the-fleet-key".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 1000; i++) {
            send(UdpLine.format(Heartbeat.fromHost("sec-forged-" + (i % 10), "b1", i, Instant.now(), Map.of(), null), wrongKey));
        }
        for (int i = 0; i < 100; i++) {
            send(UdpLine.format(Heartbeat.fromHost("sec-unsigned-" + (i % 10), "b1", i, Instant.now(), Map.of(), null), null));
        }
        // a real host's signed line, replayed with another sequence number
        String signed = new String(UdpLine.format(Heartbeat.fromHost("sec-1", "boot-sec-1", 999_999, Instant.now(), Map.of(), null),
                FLEET_KEY.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertThat(signed).contains(" seq=999999 ");
        for (int i = 0; i < 100; i++) {
            send(signed.replace(" seq=999999 ", " seq=" + (1_000_000 + i) + " ").getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(rejected("bad_signature") - badBefore).isEqualTo(1100);
            assertThat(rejected("unsigned") - unsignedBefore).isEqualTo(100);
        });
        // the fleet's own beats sent after the forged ones have gone through ingest and the evaluator
        long after = seq.get() + 1;
        for (String h : HOSTS) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                    lastSeq(stack.evaluator.get("/v1/hosts/" + h).body()) >= after);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(stack.evaluator.get("/v1/hosts/sec-forged-" + i).statusCode()).isEqualTo(404);
            assertThat(stack.evaluator.get("/v1/hosts/sec-unsigned-" + i).statusCode()).isEqualTo(404);
        }
        assertThat(stack.evaluator.get("/v1/hosts/sec-1").body()).contains("\"UP\"").doesNotContain("1000099");
        System.out.printf("FIGURE row 11 (UDP): 1,100 forged or tampered datagrams dropped as bad_signature, 100 unsigned; 0 reached the evaluator%n");
    }

    @Test
    void aHungForgedOnTheTopicForALiveHostIsNeitherActedOnNorTakenUpByTheRecheck() throws Exception {
        String host = "sec-2";
        String incident = LivenessEvent.incidentId(host, "boot-" + host, 5);
        Instant now = Instant.now();
        LivenessEvent forged = new LivenessEvent(LivenessEvent.eventId(incident, LivenessEventType.HUNG), LivenessEventType.HUNG,
                host, incident, "boot-" + host, null, 5, now.minusSeconds(600), now, 600_000, 16.0, "ingest-security",
                List.of(), Map.of(), "evaluator-security");
        byte[] value = new LivenessEventSerde().serialize(Topics.LIVENESS_EVENTS, forged);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(stack.kafka.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.LIVENESS_EVENTS, host, value);
            CloudEvents.apply(r.headers(), forged.eventId(), EventType.LIVENESS_EVENT, "mallory", now);
            p.send(r).get();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(ledger(host)).contains("SKIPPED NOT_CORROBORATED"));
        // two re-checks (every 1 s) since: the host's state is UP, so none takes it up
        Facts.recheckLooked(stack.executor, 2, 0, Instant.now(), RECHECK_AFTER, RECHECK_INTERVAL);
        assertThat(ledger(host)).containsExactly("SKIPPED NOT_CORROBORATED");
        assertThat(stack.evaluator.get("/v1/hosts/" + host).body()).contains("\"UP\"");
        System.out.printf("FIGURE row 11 (forged HUNG): ledger %s, resets 0%n", ledger(host));
    }

    // ---- helpers ----

    private static long lastSeq(String hostJson) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"lastSeq\"\\s*:\\s*(\\d+)").matcher(hostJson);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void send(byte[] datagram) {
        try {
            udp.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), stack.ingest.port()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double rejected(String reason) {
        return stack.ingest.metric("hangcheck_ingest_rejected_total", "transport=\"udp\",reason=\"" + reason + "\"");
    }

    private static HttpResponse<String> post(String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(stack.ingest.uri("/v1/heartbeats"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return stack.ingest.send(b);
    }

    private static HttpResponse<String> call(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(stack.executor.uri(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return stack.executor.send(b);
    }

    private static List<String> ledger(String host) throws Exception {
        return stack.ledger(host);
    }
}
