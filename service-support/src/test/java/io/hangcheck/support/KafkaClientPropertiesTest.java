package io.hangcheck.support;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaClientPropertiesTest {

    /** What Quarkus' default-kafka-broker map holds with the Kubernetes overlays' KAFKA_* variables. */
    private static final Map<String, Object> DEFAULTS = Map.of(
            "bootstrap.servers", "hangcheck-kafka-bootstrap.kafka:9094",
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
            "ssl.truststore.type", "PEM",
            "ssl.truststore.location", "/etc/hangcheck/kafka-ca/ca.crt",
            "group.id", "heartbeat-ingest",
            "streams.application.server", "x:8082",
            "ssl.keystore.location", "");

    @Test
    void securitySettingsFromConfigReachTheClient() {
        Properties p = KafkaClientProperties.of(DEFAULTS, Map.of("acks", "all"));

        assertThat(p).containsEntry("bootstrap.servers", "hangcheck-kafka-bootstrap.kafka:9094")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", DEFAULTS.get("sasl.jaas.config"))
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", "/etc/hangcheck/kafka-ca/ca.crt")
                .containsEntry("acks", "all");
    }

    @Test
    void groupAndUnrelatedKeysAndBlankValuesAreNotInherited() {
        Properties p = KafkaClientProperties.of(DEFAULTS, Map.of());

        assertThat(p).doesNotContainKeys("group.id", "streams.application.server", "ssl.keystore.location");
    }

    @Test
    void theClientsOwnSettingsWin() {
        Properties p = KafkaClientProperties.of(DEFAULTS, Map.of("bootstrap.servers", "127.0.0.1:1"));

        assertThat(p).containsEntry("bootstrap.servers", "127.0.0.1:1");
    }
}
