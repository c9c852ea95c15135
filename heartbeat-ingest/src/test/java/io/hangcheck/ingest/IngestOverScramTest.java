package io.hangcheck.ingest;

import io.hangcheck.events.Topics;
import io.hangcheck.testing.KafkaProcess;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ingest against a broker that takes only SCRAM-SHA-512 on the address it is given, configured as the
 * Kubernetes overlays do it (the common {@code kafka.*} security settings, no per-client ones): its producer
 * publishes an HTTP heartbeat, its raw-topic consumer forwards a raw one, and its admin probe makes it ready.
 * The test itself reads and writes through the broker's plaintext listener.
 */
@QuarkusTest
@QuarkusTestResource(value = IngestOverScramTest.ScramBroker.class, restrictToAnnotatedClass = true)
class IngestOverScramTest {

    public static class ScramBroker extends KafkaProcessResource {
        @Override
        protected KafkaProcess newBroker() {
            return new KafkaProcess().withScramUser("hangcheck-heartbeat-ingest", "ingest-scram-password");
        }

        @Override
        protected Map<String, String> config(KafkaProcess started) {
            return Map.of("kafka.bootstrap.servers", started.saslBootstrapServers(),
                    "HANGCHECK_KAFKA", started.saslBootstrapServers(),
                    "kafka.security.protocol", "SASL_PLAINTEXT",
                    "kafka.sasl.mechanism", "SCRAM-SHA-512",
                    "kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                            + "username=\"hangcheck-heartbeat-ingest\" password=\"ingest-scram-password\";",
                    "hangcheck.ingest.instance-id", "ingest-scram");
        }
    }

    KafkaProcess broker; // injected by ScramBroker

    @Test
    void producerConsumerAndProbeWorkOverScram() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        String host = Fixtures.uniqueHost("scram");

        given().contentType("application/json").body(Fixtures.json(Fixtures.heartbeat(host, 1)))
                .post("/v1/heartbeats").then().statusCode(202);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.HEARTBEATS_RAW, host,
                    Fixtures.json(Fixtures.heartbeat(host, 2)).getBytes(StandardCharsets.UTF_8))).get();
        }

        List<ConsumerRecord<String, byte[]>> published = TopicReader.await(broker.bootstrapServers(), Topics.HEARTBEATS,
                r -> host.equals(r.key()), 2, Duration.ofSeconds(30));
        assertThat(published).extracting(TopicReader::value)
                .anySatisfy(v -> assertThat(v).contains("\"seq\":1"))
                .anySatisfy(v -> assertThat(v).contains("\"seq\":2"));
    }
}
