package io.hangcheck.ingest;

import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Tick;
import io.hangcheck.events.Topics;
import io.hangcheck.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/** Filling the connection budget: the next connection is closed at once, and the ticks say DEGRADED until it drains. */
@QuarkusTest
@TestProfile(ConnectionBudgetTest.SmallBudget.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class ConnectionBudgetTest {

    static final int BUDGET = 4;

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "hangcheck.ingest.instance-id", "ingest-budget",
                    "hangcheck.ingest.connection-budget", String.valueOf(BUDGET),
                    "hangcheck.ingest.ticks.interval", "300ms",
                    "hangcheck.ingest.raw.enabled", "false");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void fillingTheBudgetRefusesTheNextConnectionAndTurnsTicksDegraded() throws Exception {
        // Every request of this test closes its connection, so none of the budget is held by a pooled client
        // connection: wait until the server counts only the request asking.
        await().atMost(Duration.ofSeconds(30)).until(() -> given().header("Connection", "close").get("/q/health/ready").statusCode() == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> openConnections() <= 1);
        Instant before = Instant.now();
        List<Socket> held = new ArrayList<>();
        try {
            // Given: the budget filled with idle connections (a pooled client connection may hold a slot already)
            // When: one more connects
            // Then: that one is closed at once, while the others stay open
            boolean refused = false;
            for (int i = 0; i <= BUDGET && !refused; i++) {
                Socket s = connect();
                if (closedByPeer(s, 500)) {
                    refused = true;
                    s.close();
                } else {
                    held.add(s);
                }
            }
            assertThat(refused).isTrue();
            assertThat(held.size()).isBetween(BUDGET - 1, BUDGET);

            List<ConsumerRecord<String, byte[]>> degraded = TopicReader.await(bootstrap, Topics.HEARTBEATS,
                    r -> isTick(r, before) && tick(r).health().degraded()
                            && String.join(";", tick(r).health().reasons()).contains("accept errors"), 1, Duration.ofSeconds(20));
            assertThat(degraded).isNotEmpty();
            Tick t = tick(degraded.get(0));
            assertThat(t.health().openConnections()).isEqualTo(BUDGET);
            assertThat(t.health().connectionBudget()).isEqualTo(BUDGET);
            assertThat(t.health().acceptErrors()).isGreaterThanOrEqualTo(1);
            assertThat(t.health().reasons()).anyMatch(r -> r.startsWith("connections 4/4"));
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        // And: once the connections are gone, the instance is OK again
        Instant after = Instant.now().plusMillis(500);
        assertThat(TopicReader.await(bootstrap, Topics.HEARTBEATS,
                r -> isTick(r, after) && !tick(r).health().degraded(), 1, Duration.ofSeconds(20))).isNotEmpty();
        given().get("/metrics").then()
                .body(containsString("hangcheck_ingest_connections_refused_total"))
                .body(containsString("hangcheck_ingest_connection_budget 4.0"));
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 2000);
        return s;
    }

    private static boolean closedByPeer(Socket s, int waitMillis) throws IOException {
        s.setSoTimeout(waitMillis);
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    private static boolean isTick(ConsumerRecord<String, byte[]> r, Instant notBefore) {
        return "tick:ingest-budget".equals(r.key()) && tick(r).at().isAfter(notBefore);
    }

    private static Tick tick(ConsumerRecord<String, byte[]> r) {
        return EventCodec.fromBytes(r.value(), Tick.class);
    }

    private static double openConnections() {
        String metrics = given().header("Connection", "close").get("/metrics").asString();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("hangcheck_ingest_open_connections ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.MAX_VALUE;
    }
}
