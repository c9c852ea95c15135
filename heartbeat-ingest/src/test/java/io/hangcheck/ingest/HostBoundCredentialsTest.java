package io.hangcheck.ingest;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.Topics;
import io.hangcheck.events.wire.HostCredentials;
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

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * D1 against the real broker: with lab secrets configured (the authenticated default), a host's derived token and
 * key speak for that host alone, both secrets work during a rotation, and a forged or unsigned heartbeat for a live
 * host is refused and counted by cause, never published. A pool's token and key speak for the hosts of the pool and for
 * no other.
 */
@QuarkusTest
@TestProfile(HostBoundCredentialsTest.Secrets.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class HostBoundCredentialsTest extends OnSharedBroker {

    static final byte[] NEW = "lab-secret-new".getBytes(StandardCharsets.UTF_8);
    static final byte[] OLD = "lab-secret-old".getBytes(StandardCharsets.UTF_8);

    public static class Secrets extends IngestProfile {
        public Secrets() {
            super("ingest-bound",
                    "hangcheck.ingest.auth.secrets", "lab-secret-new,lab-secret-old",
                    "hangcheck.ingest.auth.insecure", "false",
                    "hangcheck.ingest.auth.pools.nightly", "nightly-[0-9a-f]{8}");
        }
    }

    private static io.restassured.response.Response post(String token, String body) {
        var spec = given().contentType("application/json").body(body);
        return token == null ? spec.post("/v1/heartbeats") : spec.header("Authorization", "Bearer " + token).post("/v1/heartbeats");
    }

    private List<ConsumerRecord<String, byte[]>> on(String host, int n, Duration wait) {
        return TopicReader.await(bootstrap, Topics.HEARTBEATS, r -> host.equals(r.key()), n, wait);
    }

    @Test
    void aHostsTokenSpeaksForThatHostOnly() {
        String a = Fixtures.uniqueHost("tok-a");
        String b = Fixtures.uniqueHost("tok-b");
        String tokenA = HostCredentials.httpToken(NEW, a);

        post(tokenA, Fixtures.json(Fixtures.heartbeat(a, 1))).then().statusCode(202);
        post(HostCredentials.httpToken(OLD, a), Fixtures.json(Fixtures.heartbeat(a, 2))).then().statusCode(202); // mid-rotation
        // a's token for b alone speaks for none of the body's hosts: as good as no token
        post(tokenA, Fixtures.json(Fixtures.heartbeat(b, 1))).then().statusCode(401).body("field", equalTo("Authorization"));
        post(tokenA, "[" + Fixtures.json(Fixtures.heartbeat(a, 3)) + "," + Fixtures.json(Fixtures.heartbeat(b, 2)) + "]")
                .then().statusCode(403).body("field", equalTo("[1].hostId"));
        post(null, Fixtures.json(Fixtures.heartbeat(a, 4))).then().statusCode(401);
        post("not-a-token", Fixtures.json(Fixtures.heartbeat(a, 5))).then().statusCode(401);

        assertThat(on(a, 3, Duration.ofSeconds(15))).extracting(r -> TopicReader.value(r).contains("\"seq\":3")).containsOnly(false);
        assertThat(on(b, 1, Duration.ofSeconds(2))).as("nothing for b, not even from a mixed batch").isEmpty();
        assertThat(MetricsText.rejected("http", "host_not_allowed")).isEqualTo(2.0); // the mixed batch of two
        assertThat(MetricsText.rejected("http", "unauthorized")).isEqualTo(3.0);
    }

    @Test
    void d1sForgedUdpLinesAreRefusedAndCountedAndTheHostsOwnKeyWorks() {
        int port = udp.port(5000);
        String host = Fixtures.uniqueHost("d1");
        double unsignedBefore = MetricsText.rejected("udp", "unsigned");
        double invalidBefore = MetricsText.rejected("udp", "invalid");
        double badBefore = MetricsText.rejected("udp", "bad_signature");

        // D1 exactly: unsigned, seq past 2^53, sent=1 (1970): refused by the contract's bounds before any signature
        Fixtures.udp(port, "hc1 host=" + host + " boot=3f2a9c seq=999999999999999999 sent=1");
        // D1's other form, within the bounds: refused because it is unsigned
        Fixtures.udp(port, "hc1 host=" + host + " boot=x1 seq=1 sent=" + System.currentTimeMillis() + " up=999999");
        // signed, but with another host's key
        Fixtures.udp(port, hb(host, 2), HostCredentials.udpKey(NEW, host + "-other"));
        // the host's own key, under the new and the old secret
        Fixtures.udp(port, hb(host, 3), HostCredentials.udpKey(NEW, host));
        Fixtures.udp(port, hb(host, 4), HostCredentials.udpKey(OLD, host));

        assertThat(on(host, 2, Duration.ofSeconds(15))).hasSize(2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(MetricsText.rejected("udp", "invalid") - invalidBefore).isEqualTo(1.0);
            assertThat(MetricsText.rejected("udp", "unsigned") - unsignedBefore).isEqualTo(1.0);
            assertThat(MetricsText.rejected("udp", "bad_signature") - badBefore).isEqualTo(1.0);
        });
        assertThat(on(host, 99, Duration.ofSeconds(2))).extracting(r -> TopicReader.value(r).contains("\"bootId\":\"boot-u\""))
                .containsOnly(true);
    }

    @Test
    void aPoolsCredentialsSpeakForItsHostsAndNoOther() {
        String in1 = Fixtures.uniqueHost("nightly");
        String in2 = Fixtures.uniqueHost("nightly");
        String out = Fixtures.uniqueHost("changelist");
        String token = HostCredentials.poolHttpToken(NEW, "nightly");
        double notAllowedBefore = MetricsText.rejected("http", "host_not_allowed");

        // one token, one batch, two hosts of the pool; the old secret's pool token too, mid-rotation
        post(token, "[" + Fixtures.json(Fixtures.heartbeat(in1, 1)) + "," + Fixtures.json(Fixtures.heartbeat(in2, 1)) + "]")
                .then().statusCode(202);
        post(HostCredentials.poolHttpToken(OLD, "nightly"), Fixtures.json(Fixtures.heartbeat(in1, 2))).then().statusCode(202);
        // a host outside the pool: refused naming it, alone or in a batch, and nothing of the batch is published
        post(token, Fixtures.json(Fixtures.heartbeat(out, 1))).then().statusCode(403).body("field", equalTo("hostId"));
        post(token, "[" + Fixtures.json(Fixtures.heartbeat(in1, 3)) + "," + Fixtures.json(Fixtures.heartbeat(out, 2)) + "]")
                .then().statusCode(403).body("field", equalTo("[1].hostId"));
        // a pool name is no host: the host token derived from the pool's name speaks for nobody of the pool
        post(HostCredentials.httpToken(NEW, "nightly"), Fixtures.json(Fixtures.heartbeat(in1, 4))).then().statusCode(401);

        // UDP: the pool's key signs for its hosts, not for others
        int port = udp.port(5000);
        double badBefore = MetricsText.rejected("udp", "bad_signature");
        Fixtures.udp(port, hb(in2, 5), HostCredentials.poolUdpKey(NEW, "nightly"));
        Fixtures.udp(port, hb(out, 5), HostCredentials.poolUdpKey(NEW, "nightly"));

        assertThat(on(in1, 2, Duration.ofSeconds(15))).hasSize(2);
        assertThat(on(in2, 2, Duration.ofSeconds(15))).hasSize(2);
        assertThat(on(out, 1, Duration.ofSeconds(2))).as("nothing for the host outside the pool").isEmpty();
        assertThat(MetricsText.rejected("http", "host_not_allowed") - notAllowedBefore).isEqualTo(3.0);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(MetricsText.rejected("udp", "bad_signature") - badBefore).isEqualTo(1.0));
    }

    private static Heartbeat hb(String host, long seq) {
        return Heartbeat.fromHost(host, "boot-u", seq, Instant.now(), Map.of(), 60L);
    }
}
