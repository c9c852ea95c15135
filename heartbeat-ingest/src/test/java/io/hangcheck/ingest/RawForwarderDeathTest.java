package io.hangcheck.ingest;

import io.hangcheck.ingest.messaging.RawForwarder;
import io.hangcheck.ingest.messaging.RawForwarderAccess;
import io.hangcheck.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * A consumer loop that stops anyway (here: its thread is killed) turns readiness DOWN with the reason, instead of
 * leaving an instance that looks healthy while the raw topic's hosts go silent. Its own application (it kills it).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class RawForwarderDeathTest {

    @Inject
    RawForwarder forwarder;

    @Test
    @SuppressWarnings({"deprecation", "removal"})
    void aKilledForwarderThreadTurnsReadinessDownWithTheReason() {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 200);

        Thread loop = RawForwarderAccess.thread(forwarder);
        loop.stop(); // ThreadDeath at whatever point the loop is: the "stops anyway" case no catch can prevent

        // the ThreadDeath ends that thread uncaught, as a real death would: not this test's failure
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503)
                .body(containsString("raw-forwarder")).body(containsString("raw-topic forwarder stopped")));
    }
}
