package io.hangcheck.evaluator.rest;

import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.IngestHealth;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.Tick;
import io.hangcheck.events.Topics;
import io.hangcheck.events.Transport;
import io.hangcheck.testing.KafkaTestResource;
import io.hangcheck.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * The evaluator wired by Quarkus on the real broker: ticks and heartbeats in, the host visible over REST,
 * then one host stops (ticks go on) and its HUNG verdict appears on the events topic.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class EvaluatorOnKafkaTest {

    @Test
    void hostSeenOverRestThenSilentHostIsHungOnTheEventsTopic() throws Exception {
        TestKafka kafka = TestKafka.shared();
        int partitions;
        try (Admin admin = Admin.create(kafka.adminProps())) {
            partitions = admin.describeTopics(List.of(Topics.HEARTBEATS)).allTopicNames().get()
                    .get(Topics.HEARTBEATS).partitions().size();
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            hosts.add("qt-" + run + "-" + i);
        }
        String victim = hosts.get(0);

        Properties cp = kafka.consumerProps("qt-" + run);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps());
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp)) {
            consumer.subscribe(List.of(Topics.LIVENESS_EVENTS));
            long seq = 0;
            boolean seen = false;
            LivenessEvent hung = null;
            long victimLastSeq = -1;
            long deadline = System.currentTimeMillis() + 90_000;
            while (hung == null && System.currentTimeMillis() < deadline) {
                seq++;
                Instant now = Instant.now();
                for (int p = 0; p < partitions; p++) {
                    Tick t = new Tick("ingest-qt", now, p, seq, IngestHealth.ok(3, 500));
                    producer.send(new ProducerRecord<>(Topics.HEARTBEATS, p, bytes(t.key()), EventCodec.toBytes(t)));
                }
                for (String h : hosts) {
                    if (h.equals(victim) && seen) {
                        continue; // the victim stops once the evaluator has seen it; ticks go on
                    }
                    Heartbeat hb = Heartbeat.fromHost(h, "boot-1", seq, now, Map.of("pool", "qt"), 100L)
                            .stamped(now, Transport.HTTP, "ingest-qt", "10.9.0.0/24");
                    producer.send(new ProducerRecord<>(Topics.HEARTBEATS, bytes(h), EventCodec.toBytes(hb)));
                    if (h.equals(victim)) {
                        victimLastSeq = seq;
                    }
                }
                producer.flush();
                if (!seen) {
                    var first = given().when().get("/v1/hosts/" + victim).then().extract();
                    // in the first seconds the fleet and its groups may be FROZEN, held until calm for 2 s (seen in CI:
                    // "0 of 6 silent (holding FROZEN until calm for 2 s)"): the detail is checked once the host is UP and its group NORMAL
                    if (first.statusCode() == 200 && "UP".equals(first.path("status"))
                            && "NORMAL".equals(first.path("groups.find { it.group == 'pool=qt' }.mode"))) {
                        // the same response is checked (a second look could find the group FROZEN again: the
                        // start-up catch-up can make most of the 6 hosts SUSPECT for a moment)
                        assertThat((String) first.path("hostId")).isEqualTo(victim);
                        assertThat((String) first.path("labels.pool")).isEqualTo("qt");
                        assertThat((String) first.path("via")).isEqualTo("ingest-qt");
                        // the host's source network and its groups with their state (pool=qt: 6 hosts, NORMAL)
                        assertThat((String) first.path("net")).isEqualTo("10.9.0.0/24");
                        assertThat((java.util.List<String>) first.path("groups.group")).contains("pool=qt", "net=10.9.0.0/24");
                        seen = true;
                    }
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    LivenessEvent e = EventCodec.fromBytes(r.value(), LivenessEvent.class);
                    if (e.hostId().equals(victim) && e.type() == LivenessEventType.HUNG) {
                        hung = e;
                    }
                }
            }
            assertThat(seen).as("victim visible over REST").isTrue();
            assertThat(hung).as("HUNG event for the victim").isNotNull();
            assertThat(hung.incidentId()).isEqualTo(victim + "/boot-1/" + hung.lastSeq());
            assertThat(hung.lastSeq()).isEqualTo(victimLastSeq);
            assertThat(hung.silentMillis()).isGreaterThanOrEqualTo(4000);
            assertThat(hung.evaluatorId()).isEqualTo("evaluator-test");
        }

        given().when().get("/v1/hosts/" + victim).then().statusCode(200).body("status", equalTo("HUNG"))
                .body("incidentId", equalTo(victim + "/boot-1/" + given().when().get("/v1/hosts/" + victim)
                        .then().extract().path("lastSeq")));
        given().queryParam("state", "hung").when().get("/v1/hosts").then().statusCode(200)
                .body("hosts.hostId", hasItem(victim)).body("scope", equalTo("local"));
        given().queryParam("label", "pool=qt").queryParam("limit", 2).when().get("/v1/hosts").then().statusCode(200)
                .body("hosts.size()", equalTo(2));
        given().when().get("/v1/fleet").then().statusCode(200).body("evaluatorId", equalTo("evaluator-test"));
        given().when().get("/v1/hosts/bad%20id").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("id"));
        given().queryParam("state", "SLEEPY").when().get("/v1/hosts").then().statusCode(400).body("field", equalTo("state"));
        given().when().get("/v1/hosts/never-seen-" + run).then().statusCode(404);
        String metrics = given().when().get("/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("hangcheck_evaluator_events_total{type=\"HUNG\",}")
                .contains("hangcheck_evaluator_hosts{state=\"HUNG\",}");
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
