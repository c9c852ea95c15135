package io.hangcheck.e2e;

import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.Topics;
import io.hangcheck.events.kafka.LivenessEventSerde;
import io.hangcheck.testing.TestPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rack cut off by its switch, with real processes: six simulated hosts in their own network namespace (their own
 * subnet, as a rack behind its top-of-rack switch) and 80 on this machine, all sending UDP heartbeats to one ingest.
 * An nftables rule drops everything the namespace sends, and at the same moment one host on this machine hangs.
 *
 * <p>What must happen: the six are HELD, never HUNG, with the reason naming their source network
 * ({@code group net=10.x.y.0/24 FROZEN: 6 of 6 silent}), the executor resets none of them, the fleet stays NORMAL
 * (7 of 86 down), and the true hang elsewhere is HUNG and reset. Only the {@code net} group key is on here, so the
 * subnet alone holds the rack (its hosts carry no rack label). Needs root, {@code ip} and {@code nft}, as the chaos
 * test's partition scenario.
 */
class RackPartitionTest {
    private static final int LAB_HOSTS = 80;
    private static final int RACK_HOSTS = 6;
    private static final Pattern HOST_ID = Pattern.compile("\"hostId\"\\s*:\\s*\"([^\"]+)\"");

    private static Stack stack;
    private static NetworkPartition partition;
    private static ServiceProcess lab;

    @BeforeAll
    static void start() throws Exception {
        String unavailable = NetworkPartition.unavailableBecause();
        if (unavailable != null && List.of(System.getenv().getOrDefault("HANGCHECK_REQUIRE_TOOLS", "").split("\\s*,\\s*"))
                .contains("nft")) {
            // CI installs iproute2 and nftables (.ci/run): there the rack partition must run, not skip
            throw new AssertionError("rack partition: " + unavailable + "; HANGCHECK_REQUIRE_TOOLS forbids skipping it");
        }
        Assumptions.assumeTrue(unavailable == null, unavailable);
        stack = Stack.builder("rack")
                // hosts beat every second; the thresholds leave room for a loaded machine (a host a few seconds late
                // must not look silent), and hang-after − interval ≥ suspect-after holds (the group counts a rack
                // silent before any of it can be judged)
                .evaluator("HANGCHECK_EVALUATOR_EXPECTED_INTERVAL", "1s")
                .evaluator("HANGCHECK_EVALUATOR_SUSPECT_AFTER", "5s")
                .evaluator("HANGCHECK_EVALUATOR_HANG_AFTER", "10s")
                .evaluator("HANGCHECK_EVALUATOR_ACCEPTABLE_PAUSE", "2s")
                .evaluator("HANGCHECK_EVALUATOR_FLEET_STORM_MIN_HOSTS", "30")
                .evaluator("HANGCHECK_EVALUATOR_GROUPS_KEYS", "net")
                .evaluator("HANGCHECK_EVALUATOR_GROUPS_THAW_AFTER", "3s")
                .evaluator("HANGCHECK_EVALUATOR_FLEET_THAW_AFTER", "3s")
                .start();
        int port = stack.ingest.port();
        partition = new NetworkPartition();
        partition.addNamespace(0);
        partition.startIn(0, "sim-rack", List.of(ServiceProcess.javaBin(), "-Xmx64m", "-XX:+UseSerialGC", "-jar",
                Stack.simulatorJar().toString(), "--pools", "rack:" + RACK_HOSTS, "--interval", "1s", "--transport", "udp",
                "--ingest", partition.machineAddress(0) + ":" + port, "--control-bind", partition.namespaceAddress(0),
                "--control-port", "0", "--status-every", "30s", "--quiet"));
        int control = ServiceProcess.freePort();
        lab = ServiceProcess.jar("sim-lab", Stack.simulatorJar(), List.of("--pools", "lab:" + LAB_HOSTS, "--interval", "1s",
                "--transport", "udp", "--ingest", "127.0.0.1:" + port, "--control-port", Integer.toString(control),
                "--status-every", "30s", "--quiet"), Map.of(), control).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> lab.get("/status").statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        Stack.closeAll(partition, lab, stack);
    }

    @Test
    void aRackCutOffByItsSwitchIsHeldByItsSubnetWhileAHangElsewhereIsReset() throws Exception {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(hosts("UP")).hasSize(LAB_HOSTS + RACK_HOSTS);
            assertThat(stack.evaluator.get("/v1/fleet").body()).contains("\"NORMAL\"");
        });
        Set<String> rack = new TreeSet<>();
        Set<String> labHosts = new TreeSet<>();
        for (String h : hosts("UP")) {
            (h.startsWith("rack-") ? rack : labHosts).add(h);
            stack.inventory(h, "{\"driver\":\"dry-run\",\"labels\":{\"pool\":\"e2e\"},\"enabled\":true,\"author\":\"e2e\"}");
        }
        assertThat(rack).hasSize(RACK_HOSTS);
        String hung = labHosts.iterator().next();
        String subnet = partition.machineAddress(0).replaceAll("\\.[0-9]+$", ".0/24");

        Instant cut = Instant.now();
        partition.cut(0);
        lab.send(HttpRequest.newBuilder(lab.uri("/hang?hosts=" + hung)).POST(HttpRequest.BodyPublishers.noBody()));

        // the true hang is HUNG and reset (dry-run driver) ...
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(executed(List.of(hung), cut)).as("reset of " + hung).isEqualTo(1));
        Duration caught = Duration.between(cut, Instant.now());
        // ... while the rack is held, every host of it
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(hosts("HELD")).containsAll(rack));
        String fleet = stack.evaluator.get("/v1/fleet").body();
        long dropped = partition.dropped(0);

        partition.heal(0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(hosts("UP")).containsAll(rack));

        List<LivenessEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, LivenessEvent> r : KafkaTool.readAll(stack.bootstrap, Topics.LIVENESS_EVENTS, new LivenessEventSerde())) {
            if (r.value() != null && !r.value().at().isBefore(cut.minusSeconds(5))) {
                events.add(r.value());
            }
        }
        Set<String> hungHosts = new HashSet<>();
        Set<String> heldReasons = new TreeSet<>();
        for (LivenessEvent e : events) {
            if (e.type() == LivenessEventType.HUNG) {
                hungHosts.add(e.hostId());
            }
            if (e.type() == LivenessEventType.HELD && rack.contains(e.hostId())) {
                heldReasons.addAll(e.reasons());
            }
        }
        int rackResets = executed(new ArrayList<>(rack), cut);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("hosts", LAB_HOSTS + " on this machine, " + RACK_HOSTS + " in a namespace (" + subnet + ") cut by nftables");
        r.put("resets of the rack's hosts", rackResets);
        r.put("HUNG verdicts", hungHosts);
        r.put("cut -> reset of the true hang (s)", caught.toSeconds());
        r.put("packets dropped by the rule", dropped);
        r.put("HELD reasons of the rack", heldReasons);
        Matcher m = Pattern.compile("\"mode\"\\s*:\\s*\"([A-Z]+)\"").matcher(fleet); // the first is the fleet's own
        String fleetMode = m.find() ? m.group(1) : "?";
        r.put("fleet mode while the rack was held", fleetMode);
        record(r);

        assertThat(rackResets).as("resets of hosts whose subnet was cut off").isZero();
        assertThat(hungHosts).as("HUNG verdicts: the true hang only").containsExactly(hung);
        assertThat(heldReasons).anySatisfy(x -> assertThat(x).startsWith("group net=" + subnet + " FROZEN: 6 of 6 silent"));
        // 7 of 86 down: NORMAL; on a loaded machine a few late hosts may be SUSPECT for a moment (DEGRADED), but the
        // rack alone never freezes the fleet: it is its own group's outage
        assertThat(fleetMode).as("fleet mode (%s)", fleet).isIn("NORMAL", "DEGRADED");
        assertThat(fleet).contains("\"group\":\"net=" + subnet + "\"");
        assertThat(fleet.substring(fleet.indexOf("\"group\":\"net=" + subnet))).as("the rack's group").contains("FROZEN");
        assertThat(dropped).as("the rule dropped the rack's heartbeats").isPositive();
    }

    private static Set<String> hosts(String state) {
        Set<String> out = new HashSet<>();
        Matcher m = HOST_ID.matcher(stack.evaluator.get("/v1/hosts?state=" + state + "&limit=1000").body());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static int executed(List<String> hosts, Instant from) throws Exception {
        try (Connection c = DriverManager.getConnection(stack.dbUrl, TestPostgres.user(), TestPostgres.password());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM ledger WHERE decision = 'EXECUTED' AND host_id = ANY (?) AND at >= ?")) {
            ps.setArray(1, c.createArrayOf("text", hosts.toArray()));
            ps.setTimestamp(2, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void record(Map<String, ?> figures) throws IOException {
        Stack.recordResult("e2e-results.txt", Instant.now() + " RackPartitionTest: " + figures);
    }
}
