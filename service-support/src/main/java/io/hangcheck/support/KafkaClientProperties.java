package io.hangcheck.support;

import java.util.Map;
import java.util.Properties;

/**
 * The settings a Kafka client the service builds itself shares with the SmallRye Kafka connector: where the
 * cluster is and how to reach it securely. The source is the map Quarkus produces as
 * {@code @Identifier("default-kafka-broker") Map<String, Object>} — every {@code kafka.*} property and every
 * {@code KAFKA_*} variable, prefix removed ({@code KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}) — the same
 * map the connector starts each channel's client from.
 *
 * <p>Only connection settings are taken ({@code bootstrap.servers}, {@code client.dns.lookup},
 * {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, and Quarkus' {@code tls-configuration-name}): the map
 * also holds {@code group.id} (the application's name) and whatever else starts with "kafka" (e.g.
 * {@code kafka-streams.*} as {@code streams.*}), which a hand-built producer or admin client must not inherit.
 * Behaviour (acks, timeouts, group) stays each client's own.
 */
public final class KafkaClientProperties {

    private KafkaClientProperties() {
    }

    /** Whether {@code key} is a connection setting shared by every client. */
    public static boolean isConnectionSetting(String key) {
        return key.equals("bootstrap.servers") || key.equals("client.dns.lookup") || key.equals("security.protocol")
                || key.startsWith("sasl.") || key.startsWith("ssl.") || key.equals("tls-configuration-name");
    }

    /**
     * The connection settings of {@code defaults}, then the client's {@code own} settings (which win). Blank
     * values are left out: an unset {@code KAFKA_*} variable must not turn into an empty setting.
     */
    public static Properties of(Map<String, ?> defaults, Map<String, ?> own) {
        Properties p = new Properties();
        defaults.forEach((k, v) -> {
            if (isConnectionSetting(k) && v != null && !v.toString().isBlank()) {
                p.put(k, v);
            }
        });
        own.forEach((k, v) -> {
            if (v != null) {
                p.put(k, v);
            }
        });
        return p;
    }
}
