package io.hangcheck.ingest.messaging;

import io.hangcheck.support.KafkaClientProperties;
import io.hangcheck.testing.KafkaProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The clients ingest builds itself reach a SCRAM listener with the settings Quarkus' default Kafka map holds
 * (what {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG} become),
 * through {@link KafkaClientProperties} as {@link Publisher} and {@link RawForwarder} use it; wrong credentials
 * fail with Kafka's authentication error, not a silent hang. A real broker, SASL_PLAINTEXT with SCRAM-SHA-512
 * (the overlays add TLS on top, which this test does not).
 */
class ScramListenerClientTest {

    private static final String USER = "hangcheck-heartbeat-ingest";
    private static final String PASSWORD = "scram-test-password";
    private static KafkaProcess kafka;

    @BeforeAll
    static void startBroker() {
        kafka = new KafkaProcess().withScramUser(USER, PASSWORD).start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Quarkus' default-kafka-broker map for the overlays' KAFKA_* variables (plus what else it carries). */
    private static Map<String, Object> defaults(String password) {
        return Map.of("bootstrap.servers", kafka.saslBootstrapServers(),
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + USER + "\" password=\"" + password + "\";",
                "group.id", "heartbeat-ingest");
    }

    @Test
    void producerAndConsumerWithTheCommonSettingsPassScram() throws Exception {
        String topic = "scram-check";
        try (Admin plain = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            plain.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (var producer = new KafkaProducer<>(KafkaClientProperties.of(defaults(PASSWORD), Map.of("acks", "all")),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "host-1", "beat")).get(30, TimeUnit.SECONDS);
        }
        try (var consumer = new KafkaConsumer<>(KafkaClientProperties.of(defaults(PASSWORD),
                Map.of("group.id", "scram-check", "auto.offset.reset", "earliest")), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return !seen.isEmpty();
            });
            assertThat(seen.get(0).key()).isEqualTo("host-1");
            assertThat(seen.get(0).value()).isEqualTo("beat");
        }
    }

    @Test
    void wrongPasswordFailsWithAnAuthenticationError() {
        try (Admin admin = Admin.create(KafkaClientProperties.of(defaults("wrong"),
                Map.of("default.api.timeout.ms", 15000, "request.timeout.ms", 10000)))) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("invalid credentials").hasMessageContaining("SCRAM-SHA-512");
        }
    }
}
