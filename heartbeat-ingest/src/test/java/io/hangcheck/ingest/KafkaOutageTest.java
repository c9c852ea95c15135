package io.hangcheck.ingest;

import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.Topics;
import io.hangcheck.testing.KafkaProcess;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Kafka stops: 503 with Retry-After and readiness DOWN; Kafka returns: 202 again; nothing acknowledged is missing. */
@QuarkusTest
@TestProfile(KafkaOutageTest.FastTimeouts.class)
@QuarkusTestResource(value = KafkaProcessResource.class, restrictToAnnotatedClass = true)
class KafkaOutageTest {

    public static class FastTimeouts extends IngestProfile {
        public FastTimeouts() {
            super("ingest-outage",
                    "hangcheck.ingest.publish.request-timeout-ms", "1500",
                    "hangcheck.ingest.publish.delivery-timeout-ms", "3000",
                    "hangcheck.ingest.publish.probe-interval", "300ms",
                    "hangcheck.ingest.publish.probe-timeout", "1s");
        }
    }

    KafkaProcess broker; // injected by KafkaProcessResource

    private final String host = Fixtures.uniqueHost("outage");
    private final Set<Long> acknowledged = new TreeSet<>();
    private long seq;

    private int postNext() {
        long s = ++seq;
        Response r = given().contentType("application/json").body(Fixtures.json(Fixtures.heartbeat(host, s))).post("/v1/heartbeats");
        if (r.statusCode() == 202) {
            acknowledged.add(s);
        } else {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("5");
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
        return r.statusCode();
    }

    @Test
    void stoppedKafkaGives503AndRestartedKafkaLosesNothingAcknowledged() {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        for (int i = 0; i < 20; i++) {
            assertThat(postNext()).isEqualTo(202);
        }

        broker.stop();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> postNext() == 503);
        await().atMost(Duration.ofSeconds(15)).until(() -> given().get("/q/health/ready").statusCode() == 503);
        for (int i = 0; i < 5; i++) {
            assertThat(postNext()).isEqualTo(503); // still down: refused at once, nothing half-taken
        }

        broker.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> postNext() == 202);
        for (int i = 0; i < 20; i++) {
            assertThat(postNext()).isEqualTo(202);
        }
        given().get("/q/health/ready").then().statusCode(200);

        Set<Long> onTopic = TopicReader.await(broker.bootstrapServers(), Topics.HEARTBEATS, r -> host.equals(r.key()),
                        acknowledged.size(), Duration.ofSeconds(30)).stream()
                .map(r -> EventCodec.fromBytes(r.value(), Heartbeat.class).seq()).collect(Collectors.toSet());
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(41);
        assertThat(onTopic).containsAll(acknowledged);
    }
}
