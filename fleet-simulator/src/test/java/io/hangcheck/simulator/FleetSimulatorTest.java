package io.hangcheck.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hangcheck.agent.Log;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.wire.UdpLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class FleetSimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private DatagramSocket udp;

    record Received(long atNanos, Heartbeat hb) {
    }

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

    /** A UDP socket of this test whose datagrams are parsed and kept. */
    private void startReceiver() throws Exception {
        udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        udp.setReceiveBufferSize(4 << 20);
        toClose.add(udp);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!udp.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    udp.receive(p);
                    received.add(new Received(System.nanoTime(), UdpLine.parse(p.getData(), p.getLength()).heartbeat()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** A simulator sending to this test's UDP socket (unless the flags say otherwise). */
    private FleetSimulator simulator(String... flags) throws Exception {
        if (udp == null) {
            startReceiver();
        }
        List<String> args = new ArrayList<>(List.of("--control-port", "0", "--status-every", "0",
                "--tick", "10ms", "--seed", "1"));
        if (!List.of(flags).contains("--ingest")) {
            args.addAll(List.of("--ingest", "127.0.0.1:" + udp.getLocalPort()));
        }
        args.addAll(List.of(flags));
        FleetSimulator sim = new FleetSimulator(SimConfig.from(args.toArray(String[]::new), Map.of()), Clock.systemUTC());
        toClose.add(sim);
        sim.start();
        return sim;
    }

    private HttpResponse<String> post(FleetSimulator sim, String pathAndQuery, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.controlPort() + pathAndQuery))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(FleetSimulator sim, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.controlPort() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Heartbeats of {@code hostId} sent (by their own {@code sentAt}) after {@code afterMillis}. */
    private List<Heartbeat> from(String hostId, long afterMillis) {
        return received.stream().map(Received::hb)
                .filter(h -> h.hostId().equals(hostId) && h.sentAt().toEpochMilli() > afterMillis).toList();
    }

    /** Heartbeats of nightly-004 from a boot other than {@code oldBootId}, in the order received. */
    private List<Heartbeat> newBoot(String oldBootId) {
        return received.stream().map(Received::hb)
                .filter(h -> h.hostId().equals("nightly-004") && !h.bootId().equals(oldBootId)).toList();
    }

    /** Waits up to 10 s for {@code condition} (a loaded machine may be slow; never a timing claim). */
    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void everyHostSendsOncePerIntervalWithItsPoolLabels() throws Exception {
        simulator("--pools", "nightly:40,changelist:10:os=windows", "--interval", "500ms", "--jitter", "0.1");
        Thread.sleep(600);
        long from = System.currentTimeMillis();
        long to = from + 3_000;
        Thread.sleep(3_500); // the window, and time for its last datagrams to arrive
        List<Heartbeat> window = received.stream().map(Received::hb)
                .filter(h -> h.sentAt().toEpochMilli() > from && h.sentAt().toEpochMilli() <= to).toList();
        // 50 hosts × 3 s / 0.5 s = 300 expected; loose bounds (a shared 2-core machine), no timing claims
        assertThat(window.size()).isBetween(240, 360);
        assertThat(window.stream().map(Heartbeat::hostId).distinct()).hasSize(50);
        Heartbeat cl = window.stream().filter(h -> h.hostId().equals("changelist-001")).findFirst().orElseThrow();
        assertThat(cl.labels()).containsEntry("pool", "changelist").containsEntry("os", "windows");
        Map<String, List<Long>> seqs = new HashMap<>();
        window.forEach(h -> seqs.computeIfAbsent(h.hostId(), k -> new ArrayList<>()).add(h.seq()));
        assertThat(seqs.values()).allSatisfy(l -> assertThat(l).isSorted().doesNotHaveDuplicates());
    }

    @Test
    void hangSilencesExactlyTheChosenHosts() throws Exception {
        FleetSimulator sim = simulator("--pools", "nightly:20", "--interval", "300ms");
        Thread.sleep(500);
        HttpResponse<String> r = post(sim, "/hang?pool=nightly&count=2", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("hosts").toString()).isEqualTo("[\"nightly-001\",\"nightly-002\"]");
        long hungAt = System.currentTimeMillis();
        Thread.sleep(1_200);
        assertThat(from("nightly-001", hungAt)).isEmpty();
        assertThat(from("nightly-002", hungAt)).isEmpty();
        assertThat(from("nightly-003", hungAt)).hasSizeGreaterThanOrEqualTo(3);
        JsonNode status = get(sim, "/status");
        assertThat(status.get("pools").get("nightly").get("hung").asInt()).isEqualTo(2);
        assertThat(status.get("silent").get("hung").toString()).contains("nightly-001", "nightly-002");
        assertThat(post(sim, "/hang?hosts=nightly-999", null).statusCode()).isEqualTo(400);
    }

    @Test
    void aCutRackLosesItsHeartbeatsUntilUncutAndComesBackWithItsBootAndCount() throws Exception {
        FleetSimulator sim = simulator("--pools", "r01:5:rack=r01+pool=nightly,r02:5:rack=r02+pool=nightly",
                "--interval", "200ms", "--boot-time", "300ms");
        await(() -> from("r01-001", 0).size() >= 2 && !from("r01-002", 0).isEmpty() && !from("r02-001", 0).isEmpty());
        assertThat(from("r01-001", 0).get(0).labels()).containsEntry("rack", "r01").containsEntry("pool", "nightly");
        assertThat(from("r02-001", 0).get(0).labels()).containsEntry("rack", "r02").containsEntry("pool", "nightly");

        HttpResponse<String> r = post(sim, "/cut?pool=r01", null); // applied on the simulator thread before it answers
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("count").asInt()).isEqualTo(5);
        long cutAt = System.currentTimeMillis();
        List<Heartbeat> beforeCut = from("r01-001", 0);
        Heartbeat lastBefore = beforeCut.get(beforeCut.size() - 1);
        String boot2 = from("r01-002", 0).get(0).bootId();
        // a reset does not mend the network: r01-002 boots and stays cut off
        assertThat(post(sim, "/redfish/v1/Systems/r01-002/Actions/ComputerSystem.Reset", "{\"ResetType\":\"ForceRestart\"}")
                .statusCode()).isEqualTo(204);
        await(() -> {
            try {
                return get(sim, "/status").get("silent").path("cut").toString().contains("r01-002");
            } catch (Exception e) {
                return false;
            }
        });
        long bootedAt = System.currentTimeMillis();
        await(() -> from("r02-001", bootedAt).size() >= 3); // the other rack kept sending meanwhile
        assertThat(from("r02-001", bootedAt)).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 1; i <= 5; i++) {
            assertThat(from("r01-00" + i, cutAt)).as("r01-00%d after the cut", i).isEmpty();
        }
        JsonNode status = get(sim, "/status");
        assertThat(status.get("pools").get("r01").get("cut").asInt()).isEqualTo(5);
        assertThat(status.get("pools").get("r02").get("cut").asInt()).isZero();
        assertThat(status.get("heartbeats").get("lostToCut").asLong()).isPositive();

        assertThat(post(sim, "/uncut?pool=r01", null).statusCode()).isEqualTo(200);
        long uncutAt = System.currentTimeMillis();
        await(() -> !from("r01-001", uncutAt).isEmpty() && !from("r01-002", uncutAt).isEmpty());
        Heartbeat back = from("r01-001", uncutAt).get(0);
        assertThat(back.bootId()).as("the host ran on: same boot").isEqualTo(lastBefore.bootId());
        assertThat(back.seq()).as("the heartbeats lost in the cut were counted").isGreaterThan(lastBefore.seq() + 1);
        assertThat(from("r01-002", uncutAt).get(0).bootId()).as("r01-002 was reset while cut off").isNotEqualTo(boot2);
        assertThat(get(sim, "/status").get("pools").get("r01").get("cut").asInt()).isZero();
    }

    @Test
    void redfishResetRebootsAHungHostWhichReturnsWithANewBootId() throws Exception {
        FleetSimulator sim = simulator("--pools", "nightly:10", "--interval", "200ms", "--boot-time", "800ms");
        await(() -> !from("nightly-004", 0).isEmpty());
        Heartbeat before = from("nightly-004", 0).get(0);
        post(sim, "/hang?hosts=nightly-004", null); // applied on the simulator thread before it answers
        long hungAt = System.currentTimeMillis();

        HttpResponse<String> reset = post(sim, "/redfish/v1/Systems/nightly-004/Actions/ComputerSystem.Reset",
                "{\"ResetType\":\"ForceRestart\"}");
        assertThat(reset.statusCode()).isEqualTo(204);
        // Facts, not durations: heartbeats received before the BMC still says Starting must be none of the new
        // boot (a booting host is silent), and the hung host sent nothing after its hang was applied.
        List<Heartbeat> beforeLook = newBoot(before.bootId());
        JsonNode system = get(sim, "/redfish/v1/Systems/nightly-004");
        assertThat(system.get("PowerState").asText()).isEqualTo("On");
        assertThat(system.get("Oem").get("Hangcheck").get("Resets").asInt()).isEqualTo(1);
        if (system.get("Status").get("State").asText().equals("Starting")) {
            assertThat(beforeLook).as("silent while booting").isEmpty();
        }
        await(() -> !newBoot(before.bootId()).isEmpty());
        List<Heartbeat> after = newBoot(before.bootId());
        assertThat(after).isNotEmpty();
        assertThat(after.get(0).bootId()).isNotEqualTo(before.bootId());
        assertThat(after.get(0).seq()).as("a fresh boot counts from 0").isZero();
        assertThat(after.get(0).uptimeSeconds()).isLessThanOrEqualTo(2L);
        assertThat(from("nightly-004", hungAt)).as("nothing of the old boot after the hang")
                .allSatisfy(h -> assertThat(h.bootId()).isNotEqualTo(before.bootId()));

        JsonNode status = get(sim, "/status");
        assertThat(status.get("resets").get("byHost").get("nightly-004").asInt()).isEqualTo(1);
        assertThat(status.get("resets").get("total").asInt()).isEqualTo(1);
        assertThat(post(sim, "/redfish/v1/Systems/nightly-404/Actions/ComputerSystem.Reset",
                "{\"ResetType\":\"ForceRestart\"}").statusCode()).isEqualTo(404);
        assertThat(post(sim, "/redfish/v1/Systems/nightly-004/Actions/ComputerSystem.Reset",
                "{\"ResetType\":\"Explode\"}").statusCode()).isEqualTo(400);
        assertThat(post(sim, "/redfish/v1/Systems/nightly-004/Actions/ComputerSystem.Reset", "{}").statusCode())
                .isEqualTo(400);
    }

    /**
     * The lab's BMC we did not write: OpenStack sushy-tools' emulator (vendored in third_party/sushy-tools) powers
     * bmc-001 through --follow-bmc. A ForceRestart sent to the emulator (with its basic auth) turns the host off and,
     * when the emulator applies On, boots it with a new boot id — the simulated host does what the emulator says.
     */
    @Test
    void aHostWhoseBmcIsTheSushyEmulatorBootsAnewWhenTheEmulatorRestartsIt() throws Exception {
        Path run = SushyProcess.script();
        String uuid = "27946b59-9e44-4fa7-8e91-f3527a1ef094";
        int sushyPort = freePort();
        String system = "/redfish/v1/Systems/" + uuid;
        FleetSimulator sim = simulator("--pools", "sim:10,bmc:1", "--interval", "200ms", "--boot-time", "300ms",
                "--follow-bmc", "bmc-001=http://lab:lab-pw@127.0.0.1:" + sushyPort + system);
        try (SushyProcess sushy = SushyProcess.start(run, java.nio.file.Files.createTempDirectory("sushy-follow"), sushyPort,
                "{'uuid': '" + uuid + "', 'name': 'bmc-001', 'power_state': 'On', 'external_notifier': True, "
                        + "'nics': [{'mac': '00:5c:52:31:3a:9c', 'ip': '127.0.0.1'}]}",
                "http://127.0.0.1:" + sim.controlPort() + "/bmc-notify", "lab", "lab-pw")) {
            await(() -> !from("bmc-001", 0).isEmpty());
            String oldBoot = from("bmc-001", 0).get(0).bootId();
            await(() -> powerSeen(sim).equals("On"));
            assertThat(powerSeen(sim)).as("the follower reads the system's PowerState").isEqualTo("On");

            HttpResponse<String> reset = http.send(HttpRequest.newBuilder(URI.create(sushy.url() + system + "/Actions/ComputerSystem.Reset"))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("lab:lab-pw".getBytes()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"ResetType\":\"ForceRestart\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reset.statusCode()).as(reset.body()).isEqualTo(204);

            // the emulator applies On 1..11 s after the restart, on a read (the follower's poll reads every second)
            long deadline = System.nanoTime() + 40_000_000_000L;
            while (received.stream().map(Received::hb).noneMatch(h -> h.hostId().equals("bmc-001") && !h.bootId().equals(oldBoot))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Heartbeat first = received.stream().map(Received::hb)
                    .filter(h -> h.hostId().equals("bmc-001") && !h.bootId().equals(oldBoot)).findFirst().orElseThrow(
                            () -> new AssertionError("bmc-001 did not come back with a new boot; emulator log: " + sushy.log()));
            assertThat(first.seq()).isZero();
            assertThat(get(sim, "/status").get("resets").get("byHost").get("bmc-001").asInt()).isEqualTo(1);
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(sushy.url() + system))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("lab:lab-pw".getBytes()))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(after.body()).get("PowerState").asText()).isEqualTo("On");
            // the emulator told the simulator (its external notifier), not only answered the follower's reads
            assertThat(get(sim, "/status").get("followBmc").get("notifications").asLong()).isPositive();
        }
    }

    private String powerSeen(FleetSimulator sim) {
        try {
            return get(sim, "/status").path("followBmc").path("hosts").path("bmc-001").path("power").asText();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void forceOffSilencesUntilOnAndSkewShiftsTheSendTime() throws Exception {
        FleetSimulator sim = simulator("--pools", "nightly:5", "--interval", "200ms", "--boot-time", "100ms");
        post(sim, "/skew?hosts=nightly-002&seconds=3600", null);
        assertThat(post(sim, "/redfish/v1/Systems/nightly-001/Actions/ComputerSystem.Reset",
                "{\"ResetType\":\"ForceOff\"}").statusCode()).isEqualTo(204);
        long offAt = System.currentTimeMillis();
        Thread.sleep(700);
        assertThat(from("nightly-001", offAt)).isEmpty();
        assertThat(get(sim, "/redfish/v1/Systems/nightly-001").get("PowerState").asText()).isEqualTo("Off");
        await(() -> !from("nightly-002", offAt).isEmpty());
        Heartbeat skewed = from("nightly-002", offAt).get(0);
        assertThat(skewed.sentAt()).isAfter(java.time.Instant.now().plusSeconds(3000));
        post(sim, "/redfish/v1/Systems/nightly-001/Actions/ComputerSystem.Reset", "{\"ResetType\":\"On\"}");
        await(() -> !from("nightly-001", offAt).isEmpty());
        assertThat(from("nightly-001", offAt)).isNotEmpty();
    }

    @Test
    void leakOpensExactlyTheConfiguredConnectionsFromItsOwnAddressAndStopClosesThem() throws Exception {
        FleetSimulator sim = simulator("--pools", "nightly:5,changelist:3", "--interval", "1s");
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        ServerSocket target = new ServerSocket();
        target.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 100);
        toClose.add(target);
        Thread acceptor = new Thread(() -> {
            while (!target.isClosed()) {
                try {
                    accepted.add(target.accept());
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        toClose.add(() -> accepted.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // test cleanup
            }
        }));

        HttpResponse<String> r = post(sim, "/leak?pool=changelist&rate=100&max=15&target=127.0.0.1:" + target.getLocalPort(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (accepted.size() < 15 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(500); // would it open more?
        assertThat(accepted).hasSize(15);
        assertThat(accepted).allSatisfy(s -> assertThat(s.getInetAddress().getHostAddress()).isEqualTo("127.0.0.2"));
        assertThat(get(sim, "/status").get("leak").get("open").asInt()).isEqualTo(15);

        r = post(sim, "/leak/stop", null);
        assertThat(JSON.readTree(r.body()).get("closed").asInt()).isEqualTo(15);
        for (Socket s : accepted) {
            s.setSoTimeout(2_000);
            try {
                assertThat(s.getInputStream().read()).as("the leaked connection was closed").isEqualTo(-1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("a leaked connection is still open", e);
            }
        }
        assertThat(get(sim, "/status").get("leak").get("open").asInt()).isZero();
    }

    @Test
    void anHttpLeakSendsOneRequestPerConnectionSoTheServerCountsItThenNothingMore() throws Exception {
        FleetSimulator sim = simulator("--pools", "changelist:3", "--interval", "1s");
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        ServerSocket target = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        toClose.add(target);
        Thread acceptor = new Thread(() -> {
            while (!target.isClosed()) {
                try {
                    accepted.add(target.accept());
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        toClose.add(() -> {
            for (Socket s : accepted) {
                s.close();
            }
        }); // the simulator closes its ends when it closes

        HttpResponse<String> r = post(sim, "/leak?rate=100&max=4&mode=http&target=127.0.0.1:" + target.getLocalPort(), null);
        assertThat(JSON.readTree(r.body()).get("status").get("mode").asText()).isEqualTo("http");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (accepted.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(accepted).hasSize(4);
        for (Socket s : accepted) {
            s.setSoTimeout(2_000);
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
            assertThat(in.readLine()).isEqualTo("GET /q/health/live HTTP/1.1");
            String line;
            while (!(line = in.readLine()).isEmpty()) {
                assertThat(line).doesNotStartWith("Connection: close");
            }
            s.setSoTimeout(300);
            assertThatNothingMoreArrives(s);
        }
        assertThat(post(sim, "/leak?mode=tcp", null).statusCode()).isEqualTo(400);
    }

    private static void assertThatNothingMoreArrives(Socket s) throws IOException {
        try {
            int b = s.getInputStream().read();
            throw new AssertionError("the leaker sent more, or closed: " + b);
        } catch (SocketTimeoutException expected) {
            // silent and open: a leak
        }
    }

    @Test
    void flapAlternatesSilenceAndLifeAndSlowStretchesTheInterval() throws Exception {
        FleetSimulator sim = simulator("--pools", "nightly:4", "--interval", "100ms", "--jitter", "0");
        post(sim, "/flap?hosts=nightly-001&up=400ms&down=400ms", null);
        post(sim, "/slow?hosts=nightly-002&factor=4", null);
        long t0 = System.currentTimeMillis();
        Thread.sleep(2_000);
        long t1 = t0 + 2_000;
        int flapping = (int) from("nightly-001", t0).stream().filter(h -> h.sentAt().toEpochMilli() <= t1).count();
        int slow = (int) from("nightly-002", t0).stream().filter(h -> h.sentAt().toEpochMilli() <= t1).count();
        int normal = (int) from("nightly-003", t0).stream().filter(h -> h.sentAt().toEpochMilli() <= t1).count();
        assertThat(normal).isBetween(14, 24);
        assertThat(flapping).isBetween(normal / 4, normal * 3 / 4);
        assertThat(slow).isBetween(normal / 8, normal / 2);
        assertThat(get(sim, "/status").get("flapping").toString()).contains("nightly-001");
    }

    @Test
    void httpTransportSendsBatchesOverAFewConnections() throws Exception {
        try (io.hangcheck.agent.TestHttpServer ingest = new io.hangcheck.agent.TestHttpServer(
                r -> io.hangcheck.agent.TestHttpServer.Answer.of(202))) {
            startReceiver();
            FleetSimulator sim = simulator("--pools", "nightly:30:transport=http,changelist:5", "--interval", "300ms",
                    "--ingest", "127.0.0.1:" + ingest.port(), "--udp", "127.0.0.1:" + udp.getLocalPort(),
                    "--batch", "10", "--http-connections", "2");
            Thread.sleep(1_500);
            java.util.Set<String> hosts = new java.util.HashSet<>();
            for (io.hangcheck.agent.TestHttpServer.Request r : ingest.requests()) {
                JsonNode body = JSON.readTree(r.body());
                if (body.isArray()) {
                    assertThat(body.size()).isBetween(1, 10);
                    body.forEach(h -> hosts.add(h.get("hostId").asText()));
                } else {
                    hosts.add(body.get("hostId").asText());
                }
            }
            assertThat(hosts).hasSize(30).allMatch(h -> h.startsWith("nightly-"));
            assertThat(ingest.accepted()).isLessThanOrEqualTo(2);
            assertThat(received.stream().map(x -> x.hb().hostId()).distinct()).allMatch(h -> h.startsWith("changelist-"));
            assertThat(sim.counters().httpAccepted.get()).isPositive();
            assertThat(sim.counters().httpFailed.get()).isZero();
        }
    }

    @Test
    void aPerHeartbeatPoolPostsEachHeartbeatAloneOnANewConnectionWhileABatchedPoolSharesAFew() throws Exception {
        try (io.hangcheck.agent.TestHttpServer ingest = new io.hangcheck.agent.TestHttpServer(
                r -> io.hangcheck.agent.TestHttpServer.Answer.of(202))) {
            FleetSimulator sim = simulator("--pools", "seed:10:transport=http-per-heartbeat,batched:10", "--interval",
                    "300ms", "--transport", "http", "--ingest", "127.0.0.1:" + ingest.port(), "--batch", "10",
                    "--http-connections", "2");
            Thread.sleep(1_500);
            sim.close(); // every POST answered or failed before the counts are read
            int single = 0;
            for (io.hangcheck.agent.TestHttpServer.Request r : ingest.requests()) {
                JsonNode body = JSON.readTree(r.body());
                if (body.isArray()) { // a batch of one is sent as one object, so only a seed host's is counted
                    body.forEach(h -> assertThat(h.get("hostId").asText()).startsWith("batched-"));
                } else if (body.get("hostId").asText().startsWith("seed-")) {
                    single++;
                }
            }
            // 10 hosts × about 5 intervals: one POST each, each on its own connection (+ at most 2 batched ones)
            assertThat(single).isGreaterThanOrEqualTo(30);
            assertThat(ingest.accepted()).isBetween(single, single + 2);
            assertThat(sim.counters().httpFailed.get()).isZero();
        }
    }
}
