package io.hangcheck.e2e;

import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.events.Topics;
import io.hangcheck.events.kafka.LivenessEventSerde;
import io.hangcheck.events.kafka.RebootRecordSerde;
import io.hangcheck.testing.RequiredTools;
import io.hangcheck.testing.TestPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The walking skeleton, end to end on real processes, a real broker and a real PostgreSQL: HTTP heartbeats
 * reach the topic, the evaluator tracks the hosts, one host falls silent and is declared HUNG, the executor
 * records a dry-run reboot in its ledger and publishes it on {@code hangcheck.reboots.v1} — once. It runs on the
 * {@link SharedStack}; its hosts are {@code skel-*}.
 */
@Order(2)
class WalkingSkeletonTest {
    private static final String PREFIX = "skel";

    private static Stack stack;
    private static Fleet fleet;
    private static ServiceProcess sockets;

    @BeforeAll
    static void start() throws Exception {
        SharedStack shared = SharedStack.get();
        stack = shared.stack;
        sockets = shared.sockets;
        fleet = shared.fleet(PREFIX, 12);
        for (String host : fleet.hosts()) {
            stack.inventory(host, "{\"driver\":\"dry-run\",\"labels\":{\"pool\":\"e2e\"},\"enabled\":true,\"author\":\"e2e\"}");
        }
    }

    @AfterAll
    static void putBack() {
        SharedStack.putBack(fleet);
    }

    @Test
    void aSilentHostIsHungAndGetsExactlyOneDryRunReboot() throws Exception {
        String victim = fleet.hosts().get(3);
        // Given every host is tracked and UP
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(stack.evaluator.get("/v1/hosts/" + victim).body()).contains("\"UP\""));

        // When it falls silent
        fleet.hang(victim);

        // Then the evaluator emits HUNG for it (and for no other host)
        List<LivenessEvent> hung = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            hung.clear();
            for (ConsumerRecord<String, LivenessEvent> r : stack.kafka.drain(Topics.LIVENESS_EVENTS, Duration.ofSeconds(2), new LivenessEventSerde())) {
                if (r.value() != null && r.value().type() == LivenessEventType.HUNG && r.value().hostId().startsWith(PREFIX + "-")) {
                    hung.add(r.value());
                }
            }
            assertThat(hung).extracting(LivenessEvent::hostId).containsExactly(victim);
        });

        // And the executor's ledger holds one executed dry-run reset for that incident
        String incident = hung.get(0).incidentId();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(executedRows(incident)).isEqualTo(1));

        // And the decision is on hangcheck.reboots.v1, following from the ledger
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<RebootRecord> executed = new ArrayList<>();
            for (ConsumerRecord<String, RebootRecord> r : stack.kafka.drain(Topics.REBOOTS, Duration.ofSeconds(2), new RebootRecordSerde())) {
                if (r.value() != null && incident.equals(r.value().incidentId()) && r.value().decision() == RebootDecision.EXECUTED) {
                    executed.add(r.value());
                }
            }
            assertThat(executed).hasSize(1);
            assertThat(executed.get(0).driver()).isEqualTo("dry-run");
            assertThat(executed.get(0).hostId()).isEqualTo(victim);
        });

        // And every host of the fleet that kept beating got no reboot at all
        assertThat(executedHosts(PREFIX + "-")).containsExactly(victim);
        assertThat(fleet.refused()).isZero();
        for (ServiceProcess p : List.of(stack.ingest, stack.evaluator, stack.executor)) {
            HttpResponse<String> metrics = p.get("/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("hangcheck_");
        }
    }

    /**
     * What the deploy module's rules and dashboards query must exist in the live /metrics of the four
     * services, and that output must pass {@code promtool check metrics}: deploy/check-metrics.sh does both.
     */
    @Test
    void rulesAndDashboardsNameOnlyMetricsTheLiveServicesExport() throws Exception {
        RequiredTools.require("promtool", "the live metric names' check (WalkingSkeletonTest)", "apt-get install -y prometheus");
        // Let every service have done some work, so labelled series exist: the socket monitor has scanned the
        // sockets and read PostgreSQL's pg_stat_activity.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(sockets.get("/v1/sockets").statusCode()).isEqualTo(200);
            assertThat(sockets.get("/metrics").body()).as("a PostgreSQL scan's series").contains("hangcheck_sockets_pg_used_connections{");
        });
        List<String> cmd = new ArrayList<>(List.of(ServiceProcess.ROOT.resolve("deploy/check-metrics.sh").toString()));
        for (ServiceProcess p : List.of(stack.ingest, stack.evaluator, stack.executor, sockets)) {
            cmd.add(p.uri("/metrics").toString());
        }
        Process check = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes());
        assertThat(check.waitFor()).as(out).isZero();
    }

    private static int executedRows(String incident) throws Exception {
        try (Connection c = DriverManager.getConnection(stack.dbUrl, TestPostgres.user(), TestPostgres.password());
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ledger WHERE incident_id = ? AND decision = 'EXECUTED'")) {
            ps.setString(1, incident);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Hosts whose id starts with {@code prefix} that have an executed reset in the ledger. */
    private static List<String> executedHosts(String prefix) throws Exception {
        List<String> hosts = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(stack.dbUrl, TestPostgres.user(), TestPostgres.password());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT DISTINCT host_id FROM ledger WHERE decision = 'EXECUTED' AND starts_with(host_id, ?) ORDER BY host_id")) {
            ps.setString(1, prefix);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hosts.add(rs.getString(1));
                }
            }
        }
        return hosts;
    }
}
