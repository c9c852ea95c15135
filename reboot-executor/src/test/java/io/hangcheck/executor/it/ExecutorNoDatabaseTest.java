package io.hangcheck.executor.it;

import io.hangcheck.events.FleetMode;
import io.hangcheck.events.Topics;
import io.hangcheck.executor.driver.FakeBmc;
import io.hangcheck.testing.KafkaTestResource;
import io.hangcheck.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

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
    void noDatabaseMeansNotReadyNoLeaderAndNoReboot() {
        // it tried to take the leader lock and could not: no leader, so nobody consumes the liveness events
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().when().get("/q/health/ready").then().statusCode(503)
                .body(containsString("database unavailable, nothing is rebooted"))
                .body(containsString("standby: cannot lead, database unavailable")));
        it.fleet(FleetMode.NORMAL);
        it.state("nodb-1", io.hangcheck.events.HostStatus.HUNG, "nodb-1/b1/1", "b1", 1);
        var hung = ItSupport.event(io.hangcheck.events.LivenessEventType.HUNG, "nodb-1", "b1", 1, null);
        it.send(NoDatabaseResource.TOPIC, "nodb-1", hung, io.hangcheck.events.EventType.LIVENESS_EVENT, hung.eventId());
        it.flush();
        // the HUNG waits in its topic for a leader with a database: neither acted on nor dead-lettered
        assertThat(TestKafka.shared().drain(Topics.dlq(Topics.LIVENESS_EVENTS), Duration.ofSeconds(3), new ByteArrayDeserializer()))
                .noneMatch(r -> "nodb-1".equals(r.key()));
        assertThat(TestKafka.shared().drain(NoDatabaseResource.TOPIC, Duration.ofSeconds(3), new ByteArrayDeserializer()))
                .anyMatch(r -> "nodb-1".equals(r.key()));
        assertThat(bmc.calls()).isZero();
        given().header("Authorization", "Bearer " + PeersResource.OPERATOR_TOKEN).when().get("/v1/pause")
                .then().statusCode(503).contentType("application/problem+json");
        String metrics = given().when().get("/metrics").then().extract().asString();
        assertThat(metrics).contains("hangcheck_executor_leader 0.0");
    }
}
