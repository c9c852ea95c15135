package io.hangcheck.sockets;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.EventType;
import io.hangcheck.events.LeakAlert;
import io.hangcheck.events.SocketSnapshot;
import io.hangcheck.events.Topics;
import io.hangcheck.events.kafka.LeakAlertSerde;
import io.hangcheck.events.kafka.SocketSnapshotSerde;
import io.hangcheck.testing.KafkaTestResource;
import io.hangcheck.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

/**
 * The service against the real broker and the real PostgreSQL: it scans this machine every second (test
 * profile), publishes snapshots and, since the test profile's table budget of 10 sockets is always exceeded,
 * opens a USAGE_WARNING alert after three scans.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class SocketMonitorServiceTest {
    private static final String MONITOR = "socket-monitor-test";

    @Test
    void snapshotsReachTheTopicWithCloudEventsHeadersAndRestAnswers() {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/v1/sockets").statusCode() == 200);

        given().get("/v1/sockets").then().statusCode(200)
                .body("monitorId", equalTo(MONITOR))
                .body("total", greaterThan(0))
                .body("limit", equalTo(10))
                .body("byState.LISTEN", greaterThan(0));

        // Snapshots come every second, so the topic never falls quiet: look again until this monitor's is there
        // (a drain of the whole window would always take all of it).
        ConsumerRecord<String, SocketSnapshot> r = await().atMost(Duration.ofSeconds(30)).until(() ->
                TestKafka.shared().drain(Topics.SOCKETS, Duration.ofSeconds(3), new SocketSnapshotSerde()).stream()
                        .filter(x -> MONITOR.equals(x.key())).findFirst(), Optional::isPresent).orElseThrow();
        assertThat(r.value().monitorId()).isEqualTo(MONITOR);
        assertThat(r.value().total()).isPositive();
        assertThat(CloudEvents.header(r.headers(), CloudEvents.TYPE)).contains(EventType.SOCKET_SNAPSHOT.ceType());
        assertThat(CloudEvents.header(r.headers(), CloudEvents.SOURCE)).contains("/hangcheck/socket-monitor/" + MONITOR);
        assertThat(CloudEvents.header(r.headers(), CloudEvents.ID)).isPresent();
        // the scheduler starts with the application and fires every second here: no scan may have failed
        // (one firing before the service was initialised used to fail with a NullPointerException)
        given().get("/metrics").then().statusCode(200)
                .body(containsString("hangcheck_sockets_scan_errors_total 0.0"));
    }

    @Test
    void aBudgetPastItsWarningShareOpensOneAlertOnTheTopicAndOnRest() {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                given().get("/v1/sockets/alerts").jsonPath().getList("kind").contains("USAGE_WARNING"));

        given().get("/v1/sockets/alerts").then().statusCode(200)
                .body("[0].monitorId", equalTo(MONITOR))
                // OPENED, or UPDATED when another peer of this shared machine started growing since
                .body("[0].status", org.hamcrest.Matchers.oneOf("OPENED", "UPDATED"));

        List<ConsumerRecord<String, LeakAlert>> alerts =
                TestKafka.shared().drain(Topics.SOCKET_ALERTS, Duration.ofSeconds(20), new LeakAlertSerde());
        List<ConsumerRecord<String, LeakAlert>> ours = alerts.stream()
                .filter(a -> MONITOR.equals(a.key()) && a.value().kind() == LeakAlert.Kind.USAGE_WARNING
                        && a.value().summary().startsWith("The socket table")
                        && a.value().status() != LeakAlert.Status.UPDATED).toList();
        assertThat(ours).as("opened once, never flapping while usage stays above the budget").hasSize(1);
        assertThat(ours.get(0).value().status()).isEqualTo(LeakAlert.Status.OPENED);
        assertThat(ours.get(0).value().summary()).contains("of 10 sockets");
        assertThat(CloudEvents.header(ours.get(0).headers(), CloudEvents.TYPE)).contains(EventType.LEAK_ALERT.ceType());
    }

    @Test
    void metricsCarryTheBoundedLabelsAndPostgresFigures() {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                given().get("/metrics").asString().contains("hangcheck_sockets_pg_max_connections{"));

        given().get("/metrics").then().statusCode(200)
                .body(containsString("hangcheck_sockets_sockets{state=\"LISTEN\",}"))
                .body(containsString("hangcheck_sockets_port_sockets{port=\"5432\""))
                .body(containsString("hangcheck_sockets_limit_sockets{budget=\"table\",} 10.0"))
                .body(containsString("hangcheck_sockets_scans_total"))
                .body(containsString("hangcheck_sockets_pg_connections{server=\"127.0.0.1:5432/postgres\""))
                .body(containsString("application=\"hangcheck-socket-monitor\""));
        given().get("/q/health/ready").then().statusCode(200);
    }
}
