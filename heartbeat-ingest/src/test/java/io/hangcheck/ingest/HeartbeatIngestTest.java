package io.hangcheck.ingest;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.DeadLetter;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatTopicRecord;
import io.hangcheck.events.Tick;
import io.hangcheck.events.Topics;
import io.hangcheck.events.Transport;
import io.hangcheck.testing.KafkaTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The three paths in, against the real broker: what is acknowledged is on the topic, what is refused says why. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES) // one application with HttpHardeningTest
class HeartbeatIngestTest extends OnSharedBroker {

    private static io.restassured.response.Response post(String body) {
        return given().contentType("application/json").body(body).post("/v1/heartbeats");
    }

    private HeartbeatTopicRecord decode(ConsumerRecord<String, byte[]> r) {
        return EventCodec.fromBytes(r.value(), HeartbeatTopicRecord.class);
    }

    private List<ConsumerRecord<String, byte[]>> heartbeatsOf(String host, int n) {
        return TopicReader.await(bootstrap, Topics.HEARTBEATS, r -> host.equals(r.key()), n, Duration.ofSeconds(20));
    }

    @Test
    void accepted202MeansTheStampedHeartbeatIsOnTheTopic() {
        String host = Fixtures.uniqueHost("http-single");
        Heartbeat sent = Fixtures.heartbeat(host, 7);

        post(Fixtures.json(sent)).then().statusCode(202).body("accepted", equalTo(1));

        List<ConsumerRecord<String, byte[]>> records = heartbeatsOf(host, 1);
        assertThat(records).hasSize(1);
        ConsumerRecord<String, byte[]> r = records.get(0);
        assertThat(TopicReader.value(r)).contains("\"type\":\"heartbeat\"");
        Heartbeat got = (Heartbeat) decode(r);
        assertThat(got.hostId()).isEqualTo(host);
        assertThat(got.seq()).isEqualTo(7);
        assertThat(got.labels()).containsEntry("pool", "gpu");
        assertThat(got.transport()).isEqualTo(Transport.HTTP);
        assertThat(got.via()).isEqualTo("ingest-test");
        assertThat(got.net()).as("the sender's source network").isIn("127.0.0.0/24", "0:0:0:0::/64");
        assertThat(got.receivedAt()).isNotNull();
        assertThat(TopicReader.header(r, CloudEvents.TYPE)).isEqualTo("io.hangcheck.heartbeat.v1");
        assertThat(TopicReader.header(r, CloudEvents.SOURCE)).isEqualTo("/hangcheck/ingest/ingest-test");
        assertThat(TopicReader.header(r, CloudEvents.ID)).isEqualTo(host + "/boot-1/7");
        assertThat(TopicReader.header(r, CloudEvents.SPECVERSION)).isEqualTo("1.0");
        assertThat(TopicReader.header(r, CloudEvents.TIME)).isEqualTo(got.receivedAt().toString());
    }

    @Test
    void aBatchIsAcceptedWhole() {
        String host = Fixtures.uniqueHost("http-batch");
        String batch = "[" + Fixtures.json(Fixtures.heartbeat(host, 1)) + "," + Fixtures.json(Fixtures.heartbeat(host, 2))
                + "," + Fixtures.json(Fixtures.heartbeat(host, 3)) + "]";

        post(batch).then().statusCode(202).body("accepted", equalTo(3));

        Set<Long> seqs = heartbeatsOf(host, 3).stream().map(r -> ((Heartbeat) decode(r)).seq()).collect(Collectors.toSet());
        assertThat(seqs).containsExactlyInAnyOrder(1L, 2L, 3L);
    }

    @Test
    void aBatchWithOneBadHeartbeatIsRefusedWholeNamingIt() {
        String host = Fixtures.uniqueHost("http-badbatch");
        String batch = "[" + Fixtures.json(Fixtures.heartbeat(host, 1)) + ",{\"hostId\":\"" + host + "\",\"bootId\":\"b\",\"sentAt\":\"2026-01-01T00:00:00Z\"}]";

        post(batch).then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("[1].seq")).body("detail", equalTo("is required"));

        assertThat(TopicReader.await(bootstrap, Topics.HEARTBEATS, r -> host.equals(r.key()), 1, Duration.ofSeconds(3))).isEmpty();
    }

    @Test
    void eachRejectionHasItsStatusAndNamesTheField() {
        post("{\"hostId\":").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("$")).body("detail", containsString("malformed JSON"));
        post("").then().statusCode(400).body("field", equalTo("$")).body("detail", equalTo("empty body"));
        post("42").then().statusCode(400).body("field", equalTo("$"));
        post("[]").then().statusCode(400).body("detail", equalTo("empty array"));
        post("{\"hostId\":\"-bad\",\"bootId\":\"b\",\"seq\":1,\"sentAt\":\"2026-01-01T00:00:00Z\"}")
                .then().statusCode(400).body("field", equalTo("hostId")).body("detail", containsString("does not match"));
        post("{\"hostId\":\"h\",\"bootId\":\"b\",\"seq\":-1,\"sentAt\":\"2026-01-01T00:00:00Z\"}")
                .then().statusCode(400).body("field", equalTo("seq")).body("detail", equalTo("must be within [0, 9007199254740992]"));
        post("{\"hostId\":\"h\",\"bootId\":\"b\",\"seq\":\"one\",\"sentAt\":\"2026-01-01T00:00:00Z\"}")
                .then().statusCode(400).body("field", equalTo("seq")).body("detail", equalTo("must be a whole number"));
        post("{\"hostId\":\"h\",\"bootId\":\"b\",\"seq\":1,\"sentAt\":\"yesterday\"}")
                .then().statusCode(400).body("field", equalTo("sentAt")).body("detail", containsString("ISO-8601"));
        post("{\"type\":\"tick\",\"hostId\":\"h\"}").then().statusCode(400).body("field", equalTo("type"));

        given().contentType("text/plain").body("hello").post("/v1/heartbeats")
                .then().statusCode(415).contentType("application/problem+json").body("field", equalTo("Content-Type"));
        given().body("{}".getBytes(StandardCharsets.UTF_8)).header("Content-Type", "application/xml").post("/v1/heartbeats")
                .then().statusCode(415);

        String big = "[" + ",".repeat(0) + "\"" + "x".repeat(300_000) + "\"]";
        post(big).then().statusCode(413).contentType("application/problem+json").body("field", equalTo("$"));

        StringBuilder tooMany = new StringBuilder("[");
        for (int i = 0; i < 501; i++) {
            tooMany.append(i == 0 ? "" : ",").append(Fixtures.json(Fixtures.heartbeat("h", i)));
        }
        post(tooMany.append("]").toString()).then().statusCode(413).body("detail", containsString("more than 500"));

        for (String reason : new String[]{"malformed", "invalid", "unsupported_media_type", "too_large", "batch_too_large"}) {
            assertThat(MetricsText.rejected("http", reason)).as(reason).isPositive();
        }
    }

    @Test
    void chunkedBodyOverTheLimitIsRefusedWhileReading() throws Exception {
        // No Content-Length: the limit is applied as the body arrives.
        var in = new java.io.ByteArrayInputStream(("[\"" + "y".repeat(400_000) + "\"]").getBytes(StandardCharsets.UTF_8));
        given().contentType("application/json").body(in).post("/v1/heartbeats").then().statusCode(413);
    }

    @Test
    void udpDatagramOnTheHttpPortNumberReachesTheTopic() {
        int port = udp.port(5000);
        assertThat(port).isEqualTo(RestAssured.port);
        String host = Fixtures.uniqueHost("udp");

        Fixtures.udp(port, Fixtures.heartbeat(host, 11), null);

        List<ConsumerRecord<String, byte[]>> records = heartbeatsOf(host, 1);
        assertThat(records).hasSize(1);
        Heartbeat got = (Heartbeat) decode(records.get(0));
        assertThat(got.transport()).isEqualTo(Transport.UDP);
        assertThat(got.net()).as("the sender's source network").isIn("127.0.0.0/24", "0:0:0:0::/64");
        assertThat(got.seq()).isEqualTo(11);
        assertThat(got.labels()).containsEntry("pool", "gpu");
    }

    @Test
    void badDatagramsAreDroppedAndCountedByReason() {
        int port = udp.port(5000);
        String host = Fixtures.uniqueHost("udp-bad");
        Fixtures.udp(port, "hc1 host=" + host + " boot=b seq=x sent=1");
        Fixtures.udp(port, "hello world");
        Fixtures.udp(port, "hc1 host=" + host + " boot=b seq=1 sent=1 " + "l.k=" + "v".repeat(1100));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String reason : new String[]{"invalid", "malformed", "too_large"}) {
                assertThat(MetricsText.rejected("udp", reason)).as(reason).isPositive();
            }
        });
        assertThat(TopicReader.await(bootstrap, Topics.HEARTBEATS, r -> host.equals(r.key()), 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void ticksReachEveryPartitionCarryingHealth() {
        List<ConsumerRecord<String, byte[]>> ticks = TopicReader.await(bootstrap, Topics.HEARTBEATS,
                r -> "tick:ingest-test".equals(r.key()), 12, Duration.ofSeconds(20));
        Set<Integer> partitions = ticks.stream().map(ConsumerRecord::partition).collect(Collectors.toSet());
        assertThat(partitions).containsExactlyInAnyOrder(0, 1, 2, 3);
        for (ConsumerRecord<String, byte[]> r : ticks) {
            Tick tick = (Tick) decode(r);
            assertThat(tick.partition()).isEqualTo(r.partition());
            assertThat(tick.instanceId()).isEqualTo("ingest-test");
            assertThat(tick.health().connectionBudget()).isEqualTo(1000);
            assertThat(TopicReader.header(r, CloudEvents.TYPE)).isEqualTo("io.hangcheck.tick.v1");
        }
    }

    @Test
    void rawTopicHeartbeatsAreForwardedAndBadOnesDeadLettered() throws Exception {
        String host = Fixtures.uniqueHost("raw");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.HEARTBEATS_RAW, host, Fixtures.json(Fixtures.heartbeat(host, 5)).getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.HEARTBEATS_RAW, host,
                    ("{\"hostId\":\"" + host + "\",\"bootId\":\"b\",\"seq\":6,\"sentAt\":\"2026-01-01T00:00:00Z\",\"labels\":{\"Bad Key\":\"x\"}}")
                            .getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.HEARTBEATS_RAW, host, "not json".getBytes(StandardCharsets.UTF_8))).get();
            // a valid heartbeat of this host filed under another host's key
            producer.send(new ProducerRecord<>(Topics.HEARTBEATS_RAW, host + "-other",
                    Fixtures.json(Fixtures.heartbeat(host, 7)).getBytes(StandardCharsets.UTF_8))).get();
        }

        List<ConsumerRecord<String, byte[]>> forwarded = heartbeatsOf(host, 1);
        assertThat(forwarded).hasSize(1);
        Heartbeat got = (Heartbeat) decode(forwarded.get(0));
        assertThat(got.transport()).isEqualTo(Transport.KAFKA);
        assertThat(got.net()).as("a host on the raw topic has a net only when it put one").isNull();
        assertThat(got.seq()).isEqualTo(5);

        List<ConsumerRecord<String, byte[]>> dead = TopicReader.await(bootstrap, Topics.dlq(Topics.HEARTBEATS_RAW),
                r -> host.equals(r.key()), 2, Duration.ofSeconds(20));
        assertThat(dead).hasSize(2);
        assertThat(dead).extracting(r -> TopicReader.header(r, DeadLetter.FIELD)).containsExactlyInAnyOrder("labels", "$");
        assertThat(dead).allSatisfy(r -> {
            assertThat(TopicReader.header(r, DeadLetter.TOPIC)).isEqualTo(Topics.HEARTBEATS_RAW);
            assertThat(TopicReader.header(r, DeadLetter.REASON)).isNotBlank();
            assertThat(TopicReader.header(r, DeadLetter.OFFSET)).matches("\\d+");
        });
        assertThat(TopicReader.value(dead.stream().filter(r -> "$".equals(TopicReader.header(r, DeadLetter.FIELD))).findFirst().orElseThrow()))
                .isEqualTo("not json");
        List<ConsumerRecord<String, byte[]>> misfiled = TopicReader.await(bootstrap, Topics.dlq(Topics.HEARTBEATS_RAW),
                r -> (host + "-other").equals(r.key()), 1, Duration.ofSeconds(20));
        assertThat(misfiled).singleElement().satisfies(r -> {
            assertThat(TopicReader.header(r, DeadLetter.FIELD)).isEqualTo("hostId");
            assertThat(TopicReader.header(r, DeadLetter.REASON)).contains("does not match the record key");
        });
        // waits 5 s for a second forwarded heartbeat of this host: there must be none
        assertThat(TopicReader.await(bootstrap, Topics.HEARTBEATS, r -> host.equals(r.key()), 2, Duration.ofSeconds(5)))
                .as("only seq 5 was forwarded").extracting(r -> ((Heartbeat) decode(r)).seq()).containsExactly(5L);
    }

    /** D2 as found: the year -1000000000 as {@code sentAt}. */
    private static final String D2_SENT_AT = "-1000000000-01-01T00:00:00Z";

    private static String d2(String host, long seq) {
        return "{\"hostId\":\"" + host + "\",\"bootId\":\"boot-1\",\"seq\":" + seq + ",\"sentAt\":\"" + D2_SENT_AT + "\"}";
    }

    @Test
    void d2OverHttpIsA400NamingSentAtAndInABatchNothingIsPublished() {
        String host = Fixtures.uniqueHost("d2-http");
        post(d2(host, 1)).then().statusCode(400).body("field", equalTo("sentAt"));
        // a year and a day ahead of ingest's clock: refused too
        post(Fixtures.json(Heartbeat.fromHost(host, "boot-1", 2, java.time.Instant.now().plus(Duration.ofDays(367)), java.util.Map.of(), null)))
                .then().statusCode(400).body("field", equalTo("sentAt")).body("detail", containsString("366 days"));

        String batch = "[" + Fixtures.json(Fixtures.heartbeat(host, 3)) + "," + Fixtures.json(Fixtures.heartbeat(host, 4)) + "," + d2(host, 5) + "]";
        post(batch).then().statusCode(400).body("field", equalTo("[2].sentAt"));

        assertThat(TopicReader.await(bootstrap, Topics.HEARTBEATS, r -> host.equals(r.key()), 1, Duration.ofSeconds(3)))
                .as("all or nothing: the good elements before the bad one are not published").isEmpty();
    }

    @Test
    void d2OnTheRawTopicIsDeadLetteredAndTheForwarderGoesOn() throws Exception {
        String host = Fixtures.uniqueHost("d2-raw");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.HEARTBEATS_RAW, host, d2(host, 1).getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.HEARTBEATS_RAW, host, Fixtures.json(Fixtures.heartbeat(host, 2)).getBytes(StandardCharsets.UTF_8))).get();
        }

        List<ConsumerRecord<String, byte[]>> dead = TopicReader.await(bootstrap, Topics.dlq(Topics.HEARTBEATS_RAW),
                r -> host.equals(r.key()), 1, Duration.ofSeconds(20));
        assertThat(dead).singleElement().satisfies(r -> assertThat(TopicReader.header(r, DeadLetter.FIELD)).isEqualTo("sentAt"));
        // the record after it is forwarded: the loop lives, and its offset was committed past the poison
        assertThat(heartbeatsOf(host, 1)).singleElement().satisfies(r -> assertThat(((Heartbeat) decode(r)).seq()).isEqualTo(2));
        given().get("/q/health/ready").then().statusCode(200).body(containsString("raw-forwarder"));
    }

    @Test
    void metricsAndReadinessAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body(containsString("kafka"));
        given().get("/metrics").then().statusCode(200)
                .body(containsString("hangcheck_ingest_connection_budget 1000.0"))
                .body(containsString("hangcheck_ingest_kafka_reachable 1.0"))
                .body(containsString("hangcheck_ingest_publish_latency_seconds_bucket"))
                .body(containsString("hangcheck_ingest_ticks_sent_total"));
    }
}
