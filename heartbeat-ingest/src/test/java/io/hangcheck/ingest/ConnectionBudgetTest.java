package io.hangcheck.ingest;

import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Tick;
import io.hangcheck.events.Topics;
import io.hangcheck.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

    public static class SmallBudget extends IngestProfile {
        public SmallBudget() {
            super("ingest-budget",
                    "hangcheck.ingest.connection-budget", String.valueOf(BUDGET),
                    "hangcheck.ingest.ticks.interval", "300ms");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void fillingTheBudgetRefusesTheNextConnectionAndTurnsTicksDegraded() throws Exception {
        // Every request of this test closes its connection, so none of the budget is held by a pooled client
        // connection: wait until the server counts only the request asking.
        await().atMost(Duration.ofSeconds(30)).until(() -> given().header("Connection", "close").get("/q/health/ready").statusCode() == 200);
        // every HTTP call of these tests says Connection: close (a kept-alive RestAssured connection stays open until
        // its client is garbage collected, 25 s here): the connections of the other test are gone within a second
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> openConnections() <= 1);
        Instant before = Instant.now();
        List<Socket> held = new ArrayList<>();
        try {
            // Given: the budget filled with idle kept-alive connections, each after one request as the seed's leaking
            // clients did (a pooled client connection may hold a slot already; a connection that never sends a
            // request is cut at the header timeout)
            // When: one more connects
            // Then: that one is closed at once, while the others stay open
            boolean refused = false;
            for (int i = 0; i <= BUDGET && !refused; i++) {
                Socket s = connect();
                if (!answered(s)) {
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
        given().header("Connection", "close").get("/metrics").then()
                .body(containsString("hangcheck_ingest_connections_refused_total"))
                .body(containsString("hangcheck_ingest_connection_budget 4.0"));
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 2000);
        return s;
    }

    /** Sends one kept-alive request; false when the server closed the connection instead of answering. */
    private static boolean answered(Socket s) throws IOException {
        try {
            s.getOutputStream().write("GET /q/health/live HTTP/1.1\r\nHost: ingest\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(5000);
            return s.getInputStream().read(new byte[8192]) > 0;
        } catch (SocketException reset) {
            return false;
        }
    }

    @Test
    void slowClientsHoldingTheBudgetMakeIngestDegradedUntilTheHeaderTimeoutCutsThem() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().header("Connection", "close").get("/q/health/ready").statusCode() == 200);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> openConnections() <= 1);
        double cutBefore = MetricsText.rejected("http", "slow_headers");
        Instant before = Instant.now();
        List<SlowClient> slow = new ArrayList<>();
        try {
            // Given: as many slowloris clients as the budget holds, each trickling a request head
            for (int i = 0; i < BUDGET; i++) {
                slow.add(new SlowClient().trickle(300));
            }
            // Then: while they hold it, ticks say DEGRADED with the reason
            assertThat(TopicReader.await(bootstrap, Topics.HEARTBEATS, r -> isTick(r, before) && tick(r).health().degraded()
                    && tick(r).health().reasons().stream().anyMatch(x -> x.startsWith("connections ")), 1, Duration.ofSeconds(20)))
                    .isNotEmpty();
            // And: the header timeout cuts every one of them, counted
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                for (SlowClient c : slow) {
                    assertThat(c.closedByServer()).isTrue();
                }
            });
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(MetricsText.rejected("http", "slow_headers") - cutBefore).isGreaterThanOrEqualTo(BUDGET - 1.0));
        } finally {
            for (SlowClient c : slow) {
                c.close();
            }
        }
        // And: the budget is free again, hosts are served and the instance is OK
        given().header("Connection", "close").contentType("application/json")
                .body(Fixtures.json(Fixtures.heartbeat(Fixtures.uniqueHost("after-slowloris"), 1))).post("/v1/heartbeats")
                .then().statusCode(202);
        Instant after = Instant.now().plusMillis(500);
        assertThat(TopicReader.await(bootstrap, Topics.HEARTBEATS,
                r -> isTick(r, after) && !tick(r).health().degraded(), 1, Duration.ofSeconds(20))).isNotEmpty();
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
