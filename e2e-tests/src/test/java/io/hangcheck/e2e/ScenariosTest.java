package io.hangcheck.e2e;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatTopicRecord;
import io.hangcheck.events.IngestHealth;
import io.hangcheck.events.Tick;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.Topics;
import io.hangcheck.events.kafka.HeartbeatTopicRecordSerde;
import io.hangcheck.events.kafka.LivenessEventSerde;
import io.hangcheck.testing.KafkaProcess;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure scenarios of the design, end to end on real processes: ingest, evaluator and executor as child
 * JVMs, a real Kafka broker in a child JVM (so it can be stopped), a PostgreSQL cluster of this class alone (so
 * it can be stopped), hosts posting over HTTP with a new connection per heartbeat, and a Redfish BMC that
 * really reboots them. One stack serves every scenario; each scenario starts by waiting for a healthy fleet
 * (every host UP, fleet NORMAL, everything running) and puts back what it broke, so none depends on another's
 * order. Each writes its figures to {@code target/e2e-results.txt} (false reboots, duplicate reboots,
 * acknowledged heartbeats lost, true hangs missed, notifications where counted).
 */
class ScenariosTest {
    private static final int HOSTS = 24;
    private static final int BUDGET = 16;
    /** The stack's hang-after (the {@link Stack} default) and the executor's re-check timing, as set below. */
    private static final Duration HANG_AFTER = Duration.ofSeconds(4);
    private static final Duration RECHECK_INTERVAL = Duration.ofSeconds(2);
    private static final Duration RECHECK_AFTER = Duration.ofSeconds(5);
    /** Ingest's producer delivery timeout (its default): an outage longer than it fails every send in flight. */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(8);

    private static KafkaProcess kafka;
    private static PrivatePostgres pg;
    private static String dbUrl;
    private static TestBmc bmc;
    private static Fleet fleet;
    private static Stack stack;
    /** Hosts a scenario hung on purpose: a reboot of any other host is a false reboot. */
    private static final Set<String> hungOnPurpose = new HashSet<>();
    private static int nextVictim;

    private final List<Socket> leaked = new ArrayList<>();
    private Instant scenarioStart;
    private String scenario;

    @BeforeAll
    static void startStack() throws Exception {
        kafka = new KafkaProcess().start();
        KafkaTool.createContractTopics(kafka.bootstrapServers());
        pg = new PrivatePostgres().start();
        dbUrl = pg.database("hangcheck");
        bmc = new TestBmc(1500);
        stack = Stack.builder("scenarios")
                .kafka(kafka.bootstrapServers())
                .database(dbUrl)
                .ingest("HANGCHECK_INGEST_CONNECTION_BUDGET", Integer.toString(BUDGET))
                .evaluator("HANGCHECK_EVALUATOR_BOOT_GRACE", "2s")
                .evaluator("HANGCHECK_EVALUATOR_STALE_AFTER", "3s")
                .evaluator("HANGCHECK_EVALUATOR_NO_TICKS_FREEZE_AFTER", "8s")
                .evaluator("HANGCHECK_EVALUATOR_FLEET_THAW_AFTER", "3s")
                .evaluator("HANGCHECK_EVALUATOR_FLEET_STORM_WINDOW", "10s")
                .executor("HANGCHECK_EXECUTOR_REDFISH_USERNAME", "e2e")
                .executor("HANGCHECK_EXECUTOR_REDFISH_PASSWORD", "e2e-bmc-password")
                .executor("HANGCHECK_EXECUTOR_LIMITS_FLEET_SHARE_PER_HOUR", "0.5")
                .executor("HANGCHECK_EXECUTOR_CONFIRMATION_BOOT_TIMEOUT", "60s")
                .executor("HANGCHECK_EXECUTOR_RECHECK_INTERVAL", RECHECK_INTERVAL.toSeconds() + "s")
                .executor("HANGCHECK_EXECUTOR_RECHECK_AFTER", RECHECK_AFTER.toSeconds() + "s")
                .start();
        fleet = new Fleet(stack.ingest, "e2e", HOSTS).newConnectionPerBeat();
        bmc.serve(fleet);
        for (String host : fleet.hosts()) {
            stack.inventory(host, "{\"driver\":\"redfish\",\"params\":{\"bmc\":\"" + bmc.url()
                    + "\",\"systemId\":\"" + host + "\"},\"labels\":{\"pool\":\"e2e\"},\"enabled\":true,\"author\":\"e2e\"}");
        }
        fleet.start(Duration.ofMillis(500));
    }

    @AfterAll
    static void stopStack() throws Exception {
        Stack.closeAll(fleet, stack, bmc, kafka, pg);
    }

    @BeforeEach
    void healthyFleet(TestInfo info) throws Exception {
        scenario = info.getTestMethod().orElseThrow().getName();
        repair();
        Facts.steadyFleet(stack, () -> assertThat(stack.evaluator.get("/v1/hosts?state=UP&limit=1000").body())
                .as("every host UP").satisfies(b -> assertThat(countHosts(b)).isEqualTo(HOSTS)), Duration.ofSeconds(120));
        scenarioStart = Instant.now();
    }

    @AfterEach
    void putBack() throws Exception {
        repair();
    }

    /** Whatever a scenario broke, mended: leak closed, broker and database up, evaluator running, hosts beating. */
    private void repair() throws Exception {
        for (Socket s : leaked) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        leaked.clear();
        if (!kafka.isRunning()) {
            kafka.start();
        }
        if (!pg.running()) {
            pg.start();
        }
        if (!stack.evaluator.alive()) {
            stack.evaluator.start().awaitReady(Duration.ofMinutes(2));
        }
        for (String h : fleet.hosts()) {
            if (fleet.isHung(h)) {
                fleet.reboot(h);
            }
        }
    }

    // ---- scenarios ---------------------------------------------------------------------------------------------

    @Test
    void aTrueHangInANormalFleetIsResetOnceThroughRedfishAndConfirmedByANewBootId() throws Exception {
        String victim = victim();
        String bootBefore = fleet.bootId(victim);

        fleet.hang(victim);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(ledger("CONFIRMED", victim)).isEqualTo(1));
        assertThat(fleet.bootId(victim)).isNotEqualTo(bootBefore);
        assertThat(bmc.resetsOf(victim)).isEqualTo(1);
        assertThat(ledger("EXECUTED", victim)).isEqualTo(1);
        assertThat(executedDriver(victim)).isEqualTo("redfish");
        assertThat(falseReboots()).isZero();
        record(Map.of("false reboots", falseReboots(), "duplicate reboots", duplicateReboots(),
                "true hangs missed", ledger("CONFIRMED", victim) == 1 ? 0 : 1, "BMC resets", bmc.resetsOf(victim)));
    }

    @Test
    void aConnectionLeakThatExhaustsIngestsBudgetRebootsNothingAndTheFleetRecoversWithoutABurst() throws Exception {
        long resetsBefore = bmc.resets().size();

        // the changelist boxes: connections from 127.0.0.2, one request each, then never read, written or closed
        for (int i = 0; i < BUDGET + 4; i++) {
            leak();
        }
        // hosts that open a connection per heartbeat can no longer check in; ingest says DEGRADED in its ticks
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(stack.ingest.metric("hangcheck_ingest_connections_refused_total", "")).isPositive();
        });
        long refusedAtFull = fleet.refused();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> fleet.refused() > refusedAtFull + 10);
        // the evaluator holds or freezes: nothing reaches HUNG
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            String fleetHealth = stack.evaluator.get("/v1/fleet").body();
            int held = countHosts(stack.evaluator.get("/v1/hosts?state=HELD&limit=1000").body());
            assertThat(fleetHealth.contains("\"FROZEN\"") || held > 0).as(fleetHealth + " held=" + held).isTrue();
        });
        // the outage lasts: every host silent for twice hang-after on the evaluator's own clock
        Facts.allSilentFor(stack.evaluator, "", HOSTS, HANG_AFTER.multipliedBy(2), Duration.ofSeconds(60));
        assertThat(countHosts(stack.evaluator.get("/v1/hosts?state=HUNG&limit=1000").body())).isZero();
        List<String> degradedReasons = new ArrayList<>();
        for (ConsumerRecord<String, HeartbeatTopicRecord> r : KafkaTool.readAll(kafka.bootstrapServers(), Topics.HEARTBEATS, new HeartbeatTopicRecordSerde())) {
            if (r.value() instanceof Tick t && t.at().isAfter(scenarioStart) && t.health().state() == IngestHealth.State.DEGRADED) {
                degradedReasons.addAll(t.health().reasons());
            }
        }
        assertThat(degradedReasons).as("ingest's ticks say DEGRADED, naming its connections").isNotEmpty()
                .anyMatch(reason -> reason.contains("connection"));

        // the leak stops: the fleet thaws with fresh grace
        Instant leakStopped = Instant.now();
        for (Socket s : leaked) {
            s.close();
        }
        leaked.clear();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(countHosts(stack.evaluator.get("/v1/hosts?state=UP&limit=1000").body())).isEqualTo(HOSTS);
            assertThat(stack.evaluator.get("/v1/fleet").body()).contains("\"NORMAL\"");
        });
        long recovered = Duration.between(leakStopped, Instant.now()).toSeconds();
        // a burst after the thaw would come within hang-after of it: the evaluator reads that far and more
        Facts.partitionClocksAdvanced(stack.evaluator, HANG_AFTER.plusSeconds(1), Duration.ofSeconds(60));

        List<LivenessEvent> hung = hungEventsSince(scenarioStart);
        assertThat(hung).as("HUNG verdicts during or after the outage").isEmpty();
        assertThat(ledgerSince("EXECUTED", scenarioStart)).isZero();
        assertThat(bmc.resets().size()).isEqualTo(resetsBefore);
        record(Map.of("false reboots", ledgerSince("EXECUTED", scenarioStart), "HUNG verdicts", hung.size(),
                "ingest DEGRADED reasons", new java.util.TreeSet<>(degradedReasons).stream().map(x -> x.replaceAll("[0-9]+", "N")).distinct().toList(),
                "held/refused heartbeat POSTs", fleet.refused() - refusedAtFull,
                "recovery after leak stop (s)", recovered));
    }

    @Test
    void kafkaStoppedAndRestartedRebootsNothingAndLosesNoAcknowledgedHeartbeat() throws Exception {
        long resetsBefore = bmc.resets().size();
        Set<String> ackedBefore = fleet.acknowledgedIds();

        kafka.stop();
        Instant stopped = Instant.now();
        long refusedAtStop = fleet.refused();
        // the outage lasts until ingest has noticed it (its probe finds Kafka unreachable, it refuses heartbeats with
        // 503) and longer than ingest's delivery timeout, so every send in flight at the stop has failed
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(stack.ingest.metric("hangcheck_ingest_kafka_reachable", "")).as("ingest's Kafka probe").isZero();
            assertThat(fleet.refused() - refusedAtStop).as("heartbeats refused since the stop").isPositive();
            assertThat(Duration.between(stopped, Instant.now())).as("outage").isGreaterThan(DELIVERY_TIMEOUT.plusSeconds(2));
        });
        long refusedDuring = fleet.refused() - refusedAtStop;
        kafka.start();

        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(countHosts(stack.evaluator.get("/v1/hosts?state=UP&limit=1000").body())).isEqualTo(HOSTS);
            assertThat(stack.evaluator.get("/v1/fleet").body()).contains("\"NORMAL\"");
        });
        // verdicts the outage might have caused come when the partition clocks move on: read past hang-after
        Facts.partitionClocksAdvanced(stack.evaluator, HANG_AFTER.plusSeconds(1), Duration.ofSeconds(60));

        Set<String> acked = new HashSet<>(fleet.acknowledgedIds());
        Set<String> inTopic = new HashSet<>();
        for (ConsumerRecord<String, HeartbeatTopicRecord> r : KafkaTool.readAll(kafka.bootstrapServers(), Topics.HEARTBEATS, new HeartbeatTopicRecordSerde())) {
            if (r.value() instanceof Heartbeat hb) {
                inTopic.add(hb.hostId() + "/" + hb.bootId() + "/" + hb.seq());
            }
        }
        Set<String> lost = new HashSet<>(acked);
        lost.removeAll(inTopic);
        assertThat(refusedDuring).as("ingest refused (503) while Kafka was down").isPositive();
        assertThat(lost).as("acknowledged (202) but not on the topic").isEmpty();
        assertThat(ledgerSince("EXECUTED", scenarioStart)).isZero();
        assertThat(hungEventsSince(scenarioStart)).isEmpty();
        assertThat(bmc.resets().size()).isEqualTo(resetsBefore);
        record(Map.of("false reboots", ledgerSince("EXECUTED", scenarioStart), "acknowledged heartbeats lost", lost.size(),
                "acknowledged heartbeats checked", acked.size(), "acknowledged during scenario", acked.size() - ackedBefore.size(),
                "POSTs refused while down", refusedDuring));
    }

    @Test
    void anEvaluatorKilledWithSigkillAndRestartedCausesNoSecondReboot() throws Exception {
        String victim = victim();
        fleet.hang(victim);
        // the moment the verdict is out, the evaluator dies
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                hungEventsSince(scenarioStart).stream().anyMatch(e -> e.hostId().equals(victim)));
        stack.evaluator.kill();
        assertThat(stack.evaluator.alive()).isFalse();
        stack.evaluator.start().awaitReady(Duration.ofMinutes(2));

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(ledger("CONFIRMED", victim)).isEqualTo(1));
        // a second reboot could come from a HUNG the restarted evaluator sends again or from the re-check: the
        // evaluator reads past hang-after and the re-check runs twice before we count
        Facts.Recheck recheck = Facts.recheck(stack.executor);
        Facts.partitionClocksAdvanced(stack.evaluator, HANG_AFTER.plusSeconds(1), Duration.ofSeconds(60));
        recheck.looked(2, 0, Instant.now(), RECHECK_AFTER, RECHECK_INTERVAL);
        List<LivenessEvent> hung = hungEventsSince(scenarioStart).stream().filter(e -> e.hostId().equals(victim)).toList();
        assertThat(ledger("EXECUTED", victim)).isEqualTo(1);
        assertThat(bmc.resetsOf(victim)).isEqualTo(1);
        assertThat(duplicateReboots()).isZero();
        assertThat(falseReboots()).isZero();
        record(Map.of("false reboots", falseReboots(), "duplicate reboots", duplicateReboots(),
                "HUNG events for the victim", hung.size(), "BMC resets of the victim", bmc.resetsOf(victim),
                "true hangs missed", ledger("CONFIRMED", victim) == 1 ? 0 : 1));
    }

    @Test
    void withoutItsDatabaseTheExecutorRebootsNothingSaysWhyAndAnswersTheHangOnceItIsBack() throws Exception {
        pg.stop();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            HttpResponse<String> ready = stack.executor.get("/q/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("DOWN", "reason");
        });
        String why = stack.executor.get("/q/health/ready").body();

        String first = victim();
        fleet.hang(first);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                hungEventsSince(scenarioStart).stream().anyMatch(e -> e.hostId().equals(first)));
        // without its database no executor leads (the leader lock lives in it): the HUNG waits in its topic
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(stack.executor.metric("hangcheck_executor_leader", "")).isZero());
        // HUNG longer than recheck.after and two re-check intervals (evaluator's clock): nothing may answer it yet
        Facts.hungFor(stack.evaluator, first, RECHECK_AFTER.plus(RECHECK_INTERVAL.multipliedBy(2)), Duration.ofSeconds(60));
        assertThat(bmc.resetsOf(first)).isZero();

        pg.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(stack.executor.get("/q/health/ready").statusCode()).isEqualTo(200));
        // the HUNG that came while the database was down waited in its topic; the executor that leads again
        // reads it (or the re-check of unanswered hangs, as the evaluator still reports the host HUNG) and answers
        // it now, once
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(ledger("CONFIRMED", first)).isEqualTo(1));

        // and the next true hang is handled as usual
        String second = victim();
        fleet.hang(second);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(ledger("CONFIRMED", second)).isEqualTo(1));
        Facts.recheckLooked(stack.executor, 2, 0, Instant.now(), RECHECK_AFTER, RECHECK_INTERVAL);
        assertThat(bmc.resetsOf(first)).isEqualTo(1);
        assertThat(bmc.resetsOf(second)).isEqualTo(1);
        assertThat(ledger("EXECUTED", first)).isEqualTo(1);
        assertThat(falseReboots()).isZero();
        assertThat(duplicateReboots()).isZero();
        record(Map.of("false reboots", falseReboots(), "duplicate reboots", duplicateReboots(),
                "reboots while the database was down", 0,
                "true hangs missed (the one dead-lettered while down, answered by the re-check)", ledger("CONFIRMED", first) == 1 ? 0 : 1,
                "true hangs missed after the database returned", ledger("CONFIRMED", second) == 1 ? 0 : 1,
                "readiness while down", why.replaceAll("\\s+", " ")));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A host no scenario has hung before (host cool-down and per-host limits never interfere). */
    private static synchronized String victim() {
        String v = fleet.hosts().get(1 + (nextVictim++ * 3) % (HOSTS - 1));
        hungOnPurpose.add(v);
        return v;
    }

    private void leak() throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
        s.connect(new InetSocketAddress("127.0.0.1", stack.ingest.port()), 2000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /q/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        s.setSoTimeout(3000);
        InputStream in = s.getInputStream();
        try {
            in.read(new byte[4096]); // the answer; then silence
        } catch (IOException ignored) {
            // a refused one is closed by the server: still a leaked socket on our side
        }
        leaked.add(s);
    }

    private static int countHosts(String json) {
        int n = 0;
        for (int i = json.indexOf("\"hostId\""); i >= 0; i = json.indexOf("\"hostId\"", i + 1)) {
            n++;
        }
        return n;
    }

    private List<LivenessEvent> hungEventsSince(Instant from) {
        List<LivenessEvent> out = new ArrayList<>();
        for (ConsumerRecord<String, LivenessEvent> r : KafkaTool.readAll(kafka.bootstrapServers(), Topics.LIVENESS_EVENTS, new LivenessEventSerde())) {
            LivenessEvent e = r.value();
            if (e != null && e.type() == LivenessEventType.HUNG && !e.at().isBefore(from.minusSeconds(1))) {
                out.add(e);
            }
        }
        return out;
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(dbUrl, "postgres", "");
    }

    private static int ledger(String decision, String host) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM ledger WHERE decision = ? AND host_id = ?")) {
            ps.setString(1, decision);
            ps.setString(2, host);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int ledgerSince(String decision, Instant from) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM ledger WHERE decision = ? AND at >= ?")) {
            ps.setString(1, decision);
            ps.setTimestamp(2, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static String executedDriver(String host) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "SELECT driver FROM ledger WHERE decision = 'EXECUTED' AND host_id = ?")) {
            ps.setString(1, host);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** EXECUTED rows for hosts no scenario hung. */
    private static int falseReboots() throws Exception {
        int n = 0;
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement("SELECT host_id FROM ledger WHERE decision = 'EXECUTED'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (!hungOnPurpose.contains(rs.getString(1))) {
                    n++;
                }
            }
        }
        return n;
    }

    /** EXECUTED rows beyond the first of each incident. */
    private static int duplicateReboots() throws Exception {
        return Stack.duplicateReboots(db());
    }

    private void record(Map<String, ?> figures) throws IOException {
        Stack.recordResult("e2e-results.txt", Instant.now() + " " + scenario + " ("
                + Duration.between(scenarioStart, Instant.now()).toSeconds() + " s): " + new java.util.TreeMap<>(figures));
    }

}
