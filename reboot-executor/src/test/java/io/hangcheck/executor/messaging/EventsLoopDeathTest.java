package io.hangcheck.executor.messaging;

import io.hangcheck.executor.it.PeersResource;
import io.hangcheck.testing.KafkaTestResource;
import io.hangcheck.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * A leader whose liveness events loop stops anyway (here: its thread is killed) turns readiness DOWN with the reason,
 * instead of holding the events topic's partitions while it acts on no HUNG. Its own application (it kills the loop).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "database", value = "hangcheck_test_executor_loop"), @ResourceArg(name = "recreate", value = "true")})
@QuarkusTestResource(value = PeersResource.class, restrictToAnnotatedClass = true)
class EventsLoopDeathTest {

    @Inject
    LivenessEventsLoop loop;

    @Test
    @SuppressWarnings({"deprecation", "removal"})
    void aKilledEventsLoopThreadTurnsTheLeadersReadinessDownWithTheReason() {
        // Given: this process leads, and its loop runs
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body(containsString("liveness-events-loop")).body(containsString("\"role\": \"leader\"")));
        await().atMost(Duration.ofSeconds(10)).until(() -> loop.thread() != null && loop.thread().isAlive());

        // When: the loop's thread dies (ThreadDeath at whatever point it is: the "stops anyway" no catch prevents)
        loop.thread().stop();

        // Then: readiness is DOWN and says why
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready")
                .then().statusCode(503).body(containsString("liveness-events-loop"))
                .body(containsString("liveness events loop stopped")));
    }
}
