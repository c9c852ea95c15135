package io.hangcheck.evaluator.health;

import io.hangcheck.evaluator.config.EvaluatorConfig;
import io.hangcheck.support.KafkaClientProperties;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Readiness: the heartbeats and reboots topics must have the same number of partitions, or a reboot record
 * would reach a task that does not hold the host (both are keyed by host id with the default partitioner).
 * Checked against the broker until it answers once; a mismatch is logged as an error and keeps the
 * instance not ready. (Kafka Streams' own readiness check reports RUNNING separately.)
 */
@Readiness
@ApplicationScoped
public class PartitionCountCheck implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(PartitionCountCheck.class);

    @Inject
    EvaluatorConfig config;

    @ConfigProperty(name = "quarkus.kafka-streams.bootstrap-servers")
    String bootstrap;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaDefaults;

    @Inject
    Config mpConfig;

    /** Kafka client setting ← Quarkus Kafka Streams setting, for the security the check must share with Streams. */
    static final Map<String, String> STREAMS_SECURITY = Map.of(
            "security.protocol", "quarkus.kafka-streams.security.protocol",
            "sasl.mechanism", "quarkus.kafka-streams.sasl.mechanism",
            "sasl.jaas.config", "quarkus.kafka-streams.sasl.jaas-config",
            "ssl.truststore.type", "quarkus.kafka-streams.ssl.truststore.type",
            "ssl.truststore.location", "quarkus.kafka-streams.ssl.truststore.location",
            "ssl.truststore.password", "quarkus.kafka-streams.ssl.truststore.password",
            "ssl.keystore.type", "quarkus.kafka-streams.ssl.keystore.type",
            "ssl.keystore.location", "quarkus.kafka-streams.ssl.keystore.location",
            "ssl.keystore.password", "quarkus.kafka-streams.ssl.keystore.password",
            "ssl.endpoint.identification.algorithm", "quarkus.kafka-streams.ssl.endpoint-identification-algorithm");

    /**
     * The admin client reaches the cluster as Kafka Streams does: the common {@code kafka.*} settings, then
     * Streams' pass-through {@code kafka-streams.*} ones (in the default map as {@code streams.*}), then the
     * {@code quarkus.kafka-streams.*} security settings, and Streams' bootstrap servers.
     */
    static Properties adminProperties(Map<String, Object> kafkaDefaults, Function<String, Optional<String>> config, String bootstrap) {
        Map<String, Object> settings = new HashMap<>(kafkaDefaults);
        kafkaDefaults.forEach((k, v) -> {
            if (k.startsWith("streams.")) {
                settings.put(k.substring("streams.".length()), v);
            }
        });
        STREAMS_SECURITY.forEach((client, streams) -> config.apply(streams).ifPresent(v -> settings.put(client, v)));
        return KafkaClientProperties.of(settings, Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000));
    }

    private volatile String verdict; // null until known; "" when equal

    @Override
    public HealthCheckResponse call() {
        if (verdict == null) {
            verdict = check();
        }
        var b = HealthCheckResponse.named("heartbeats and reboots co-partitioned");
        if (verdict == null) {
            return b.down().withData("reason", "broker not reachable yet").build();
        }
        return verdict.isEmpty() ? b.up().build() : b.down().withData("reason", verdict).build();
    }

    private String check() {
        String hb = config.topics().heartbeats();
        String rb = config.topics().reboots();
        try (Admin admin = Admin.create(adminProperties(kafkaDefaults, k -> mpConfig.getOptionalValue(k, String.class), bootstrap))) {
            Map<String, TopicDescription> d = admin.describeTopics(List.of(hb, rb)).allTopicNames().get(6, TimeUnit.SECONDS);
            int a = d.get(hb).partitions().size();
            int r = d.get(rb).partitions().size();
            if (a != r) {
                String msg = hb + " has " + a + " partitions but " + rb + " has " + r + ": reboot records would reach the wrong task";
                LOG.error(msg);
                return msg;
            }
            return "";
        } catch (Exception e) {
            LOG.warnf("cannot check partition counts yet: %s", e.toString());
            return null;
        }
    }
}
