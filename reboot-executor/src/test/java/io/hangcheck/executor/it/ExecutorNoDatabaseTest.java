package io.hangcheck.executor.it;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.DeadLetter;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.Topics;
import io.hangcheck.executor.driver.FakeBmc;
import io.hangcheck.testing.KafkaTestResource;
import io.hangcheck.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/** Without its database the executor starts, says why it is not ready, and reboots nothing. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PeersResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = NoDatabaseResource.class, restrictToAnnotatedClass = true)
class ExecutorNoDatabaseTest {
    static FakeBmc bmc;
    static ItSupport it;

    @BeforeAll
    static void peers() throws Exception {
        bmc = new FakeBmc("admin", "s3cret", Integer.getInteger(PeersResource.BMC_PORT));
        it = new ItSupport();
    }

    @AfterAll
    static void stop() {
        it.close();
        bmc.close();
    }

    @Test
    void noDatabaseMeansNotReadyAndNoReboot() {
        given().when().get("/q/health/ready").then().statusCode(503)
                .body(containsString("database unavailable, nothing is rebooted"));
        it.fleet(FleetMode.NORMAL);
        it.state("nodb-1", io.hangcheck.events.HostStatus.HUNG, "nodb-1/b1/1", "b1", 1);
        var hung = ItSupport.event(io.hangcheck.events.LivenessEventType.HUNG, "nodb-1", "b1", 1, null);
        it.send(NoDatabaseResource.TOPIC, "nodb-1", hung, io.hangcheck.events.EventType.LIVENESS_EVENT, hung.eventId());
        await().atMost(Duration.ofSeconds(40)).until(() -> TestKafka.shared()
                .drain(Topics.dlq(Topics.LIVENESS_EVENTS), Duration.ofSeconds(2), new ByteArrayDeserializer()).stream()
                .anyMatch(r -> "nodb-1".equals(r.key())));
        List<ConsumerRecord<String, byte[]>> dlq = TestKafka.shared()
                .drain(Topics.dlq(Topics.LIVENESS_EVENTS), Duration.ofSeconds(2), new ByteArrayDeserializer());
        ConsumerRecord<String, byte[]> dead = dlq.stream().filter(r -> "nodb-1".equals(r.key())).findFirst().orElseThrow();
        assertThat(CloudEvents.header(dead.headers(), DeadLetter.REASON)).isPresent();
        assertThat(bmc.calls()).isZero();
        given().header("Authorization", "Bearer " + PeersResource.OPERATOR_TOKEN).when().get("/v1/pause")
                .then().statusCode(503).contentType("application/problem+json");
        String metrics = given().when().get("/metrics").then().extract().asString();
        assertThat(metrics).contains("hangcheck_executor_rejected_events_total{topic=\"hangcheck.liveness.events.v1\",cause=\"database_unavailable\",}");
    }
}
