package io.hangcheck.evaluator.health;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionCountCheckPropertiesTest {

    @Test
    void adminReachesTheClusterWithKafkaStreamsSecuritySettings() {
        // given the overlays' KafkaStreams settings (QUARKUS_KAFKA_STREAMS_*) and common ones from KAFKA_*
        Map<String, Object> defaults = Map.of("bootstrap.servers", "other:9092", "security.protocol", "PLAINTEXT",
                "ssl.truststore.type", "PEM", "group.id", "liveness-evaluator");
        Map<String, String> config = Map.of(
                "quarkus.kafka-streams.security.protocol", "SASL_SSL",
                "quarkus.kafka-streams.sasl.mechanism", "SCRAM-SHA-512",
                "quarkus.kafka-streams.sasl.jaas-config", "ScramLoginModule required;",
                "quarkus.kafka-streams.ssl.truststore.location", "/etc/hangcheck/kafka-ca/ca.crt");

        Properties p = PartitionCountCheck.adminProperties(defaults, k -> Optional.ofNullable(config.get(k)), "kafka:9094");

        assertThat(p).containsEntry("bootstrap.servers", "kafka:9094")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "ScramLoginModule required;")
                .containsEntry("ssl.truststore.location", "/etc/hangcheck/kafka-ca/ca.crt")
                .containsEntry("ssl.truststore.type", "PEM")
                .doesNotContainKey("group.id");
    }

    @Test
    void kafkaStreamsPassThroughSettingsCountToo() {
        // kafka-streams.security.protocol appears in Quarkus' default map as streams.security.protocol
        Map<String, Object> defaults = Map.of("streams.security.protocol", "SASL_PLAINTEXT", "streams.sasl.mechanism", "PLAIN");

        Properties p = PartitionCountCheck.adminProperties(defaults, k -> Optional.empty(), "kafka:9092");

        assertThat(p).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN")
                .doesNotContainKey("streams.security.protocol");
    }
}
