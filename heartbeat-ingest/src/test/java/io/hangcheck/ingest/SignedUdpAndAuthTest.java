package io.hangcheck.ingest;

import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.Topics;
import io.hangcheck.events.wire.UdpLine;
import io.hangcheck.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Bearer tokens on HTTP; HMAC-signed datagrams required on UDP, with a fleet key and one host's own key. */
@QuarkusTest
@TestProfile(SignedUdpAndAuthTest.Secured.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class SignedUdpAndAuthTest extends OnSharedBroker {

    static final byte[] FLEET = "fleet-secret".getBytes(StandardCharsets.UTF_8);
    static final byte[] KEYED_HOST = "keyed-host-secret".getBytes(StandardCharsets.UTF_8);

    public static class Secured extends IngestProfile {
        public Secured() {
            super("ingest-secured",
                    "hangcheck.ingest.http.bearer-tokens", "token-one,token-two",
                    "hangcheck.ingest.udp.require-signature", "true",
                    "hangcheck.ingest.udp.fleet-key", "fleet-secret",
                    "hangcheck.ingest.udp.host-keys.lab-keyed", "keyed-host-secret",
                    "hangcheck.ingest.auth.insecure", "false");
        }
    }

    @Test
    void httpNeedsOneOfTheBearerTokens() {
        String body = Fixtures.json(Fixtures.heartbeat(Fixtures.uniqueHost("auth"), 1));
        given().contentType("application/json").body(body).post("/v1/heartbeats")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer")).body("field", equalTo("Authorization"));
        given().contentType("application/json").header("Authorization", "Bearer token-three").body(body).post("/v1/heartbeats")
                .then().statusCode(401);
        given().contentType("application/json").header("Authorization", "Basic dG9rZW4tb25lOg==").body(body).post("/v1/heartbeats")
                .then().statusCode(401);
        given().contentType("application/json").header("Authorization", "Bearer token-two").body(body).post("/v1/heartbeats")
                .then().statusCode(202);
    }

    @Test
    void onlyCorrectlySignedDatagramsAreTaken() {
        int port = udp.port(5000);
        String boot = "b" + UUID.randomUUID().toString().substring(0, 8);
        String fleetHost = Fixtures.uniqueHost("fleet");

        // Given: a good line under the fleet key (seq 1), and the host's own key (seq 2)
        Fixtures.udp(port, hb(fleetHost, boot, 1), FLEET);
        Fixtures.udp(port, hb("lab-keyed", boot, 2), KEYED_HOST);
        // When: forged, replayed with a changed field, unsigned, and signed with the fleet key by a host that has its own
        Fixtures.udp(port, hb(fleetHost, boot, 3), "wrong-key".getBytes(StandardCharsets.UTF_8));
        String signed = UdpLine.formatString(hb(fleetHost, boot, 4), FLEET);
        Fixtures.udp(port, signed.replace("seq=4", "seq=5"));
        Fixtures.udp(port, signed.replace("l.pool=gpu", "l.pool=cpu"));
        Fixtures.udp(port, hb(fleetHost, boot, 6), null);
        Fixtures.udp(port, hb("lab-keyed", boot, 7), FLEET);

        // Then: only seq 1 and 2 reach the topic, and the drops are counted by reason
        List<ConsumerRecord<String, byte[]>> got = TopicReader.await(bootstrap, Topics.HEARTBEATS,
                r -> TopicReader.value(r).contains("\"bootId\":\"" + boot + "\""), 2, Duration.ofSeconds(15));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(MetricsText.rejected("udp", "bad_signature")).isEqualTo(4.0);
            assertThat(MetricsText.rejected("udp", "unsigned")).isEqualTo(1.0);
        });
        List<ConsumerRecord<String, byte[]>> settled = TopicReader.await(bootstrap, Topics.HEARTBEATS,
                r -> TopicReader.value(r).contains("\"bootId\":\"" + boot + "\""), 99, Duration.ofSeconds(3));
        Set<Long> seqs = settled.stream().map(r -> EventCodec.fromBytes(r.value(), Heartbeat.class).seq()).collect(Collectors.toSet());
        assertThat(got).hasSize(2);
        assertThat(seqs).containsExactlyInAnyOrder(1L, 2L);
    }

    private static Heartbeat hb(String host, String boot, long seq) {
        return Heartbeat.fromHost(host, boot, seq, Instant.now(), Map.of("pool", "gpu"), 10L);
    }
}
