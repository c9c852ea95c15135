package io.hangcheck.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every hangcheck container of every overlay talks to Kafka the way the Strimzi objects next to it expect: the
 * bootstrap port is the example cluster's TLS + SCRAM-SHA-512 listener, the protocol SASL_SSL with mechanism
 * SCRAM-SHA-512, the JAAS line from the Secret the User Operator writes for the container's own KafkaUser, the
 * cluster CA mounted where the truststore location points; the evaluator's Kafka Streams gets the same through its
 * quarkus.kafka-streams.* keys; the egress policy admits that namespace and port. The evaluator's and the socket
 * monitor's read APIs take viewer tokens from a Secret that is not optional.
 */
class KafkaClientSettingsTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;
    static final String STREAMS = "QUARKUS_KAFKA_STREAMS_";

    record Listener(int port, boolean tls, String authentication) {
    }

    static Listener scramListener() {
        JsonNode kafka = Manifests.documents(Deploy.read(Deploy.KAFKA.resolve("kafka-cluster-example.yaml"))).stream()
                .filter(d -> d.path("kind").asText().equals("Kafka")).findFirst().orElseThrow();
        JsonNode l = kafka.path("spec").path("kafka").path("listeners").get(0);
        assertThat(kafka.path("spec").path("kafka").path("listeners")).as("the example cluster has one listener").hasSize(1);
        return new Listener(l.path("port").asInt(), l.path("tls").asBoolean(), l.path("authentication").path("type").asText());
    }

    static Set<String> kafkaUsers() {
        return Manifests.documents(Deploy.read(Deploy.KAFKA.resolve("kafkausers.yaml"))).stream()
                .filter(d -> d.path("kind").asText().equals("KafkaUser"))
                .map(d -> d.path("metadata").path("name").asText()).collect(Collectors.toSet());
    }

    /** A container's environment as the pod sees it: its ConfigMaps (envFrom), then its own env literals. */
    static Map<String, String> literals(List<HasMetadata> resources, Container c) {
        Map<String, String> env = new HashMap<>();
        for (EnvFromSource from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
            if (from.getConfigMapRef() != null) {
                env.putAll(Kustomize.named(resources, ConfigMap.class, from.getConfigMapRef().getName()).getData());
            }
        }
        for (EnvVar v : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
            if (v.getValue() != null) {
                env.put(v.getName(), v.getValue());
            }
        }
        return env;
    }

    static SecretKeySelector secretRef(Container c, String name) {
        return Optional.ofNullable(c.getEnv()).orElse(List.of()).stream().filter(v -> v.getName().equals(name))
                .map(EnvVar::getValueFrom).filter(v -> v != null && v.getSecretKeyRef() != null)
                .map(v -> v.getSecretKeyRef()).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + ": " + name + " is not taken from a Secret"));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void everyContainerUsesTheScramListenerAsItsOwnKafkaUser(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        Listener listener = scramListener();
        assertThat(listener.tls()).as("the services' listener is TLS").isTrue();
        assertThat(listener.authentication()).isEqualTo("scram-sha-512");
        Set<String> users = kafkaUsers();

        int containers = 0;
        for (WorkloadPolicyTest.Workload w : WorkloadPolicyTest.workloads(resources)) {
            for (Container c : w.pod().getContainers()) {
                String where = overlay + " " + w.name() + "/" + c.getName();
                containers++;
                Map<String, String> env = literals(resources, c);
                String bootstrap = env.get("HANGCHECK_KAFKA");
                assertThat(bootstrap).as("%s HANGCHECK_KAFKA", where).isNotNull();
                assertThat(bootstrap).as("%s: the bootstrap port is the SCRAM listener's", where).endsWith(":" + listener.port());
                assertThat(env).as(where)
                        .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                        .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                        .containsEntry("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");

                SecretKeySelector jaas = secretRef(c, "KAFKA_SASL_JAAS_CONFIG");
                assertThat(jaas.getName()).as("%s: its own KafkaUser's Secret", where).isEqualTo("hangcheck-" + c.getName());
                assertThat(users).as("%s: a KafkaUser %s exists in deploy/kafka/kafkausers.yaml", where, jaas.getName())
                        .contains(jaas.getName());
                assertThat(jaas.getKey()).isEqualTo("sasl.jaas.config");
                assertThat(jaas.getOptional()).as("%s: no Kafka without its credentials", where).isNotEqualTo(Boolean.TRUE);

                String truststore = env.get("KAFKA_SSL_TRUSTSTORE_LOCATION");
                assertThat(truststore).as("%s truststore location", where).isNotNull();
                VolumeMount mount = c.getVolumeMounts().stream().filter(m -> truststore.startsWith(m.getMountPath() + "/"))
                        .findFirst().orElseThrow(() -> new AssertionError(where + ": nothing mounted at " + truststore));
                Volume volume = w.pod().getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
                assertThat(volume.getSecret()).as("%s: the CA comes from a Secret", where).isNotNull();
                assertThat(volume.getSecret().getSecretName()).isEqualTo("hangcheck-cluster-ca-cert");
                assertThat(volume.getSecret().getItems()).as(where)
                        .anyMatch(i -> i.getKey().equals("ca.crt") && truststore.equals(mount.getMountPath() + "/" + i.getPath()));

                if (c.getName().equals("liveness-evaluator")) { // Kafka Streams reads quarkus.kafka-streams.*
                    for (String k : List.of("SECURITY_PROTOCOL", "SASL_MECHANISM", "SSL_TRUSTSTORE_TYPE", "SSL_TRUSTSTORE_LOCATION")) {
                        assertThat(env.get(STREAMS + k)).as("%s %s%s", where, STREAMS, k).isEqualTo(env.get("KAFKA_" + k));
                    }
                    SecretKeySelector streamsJaas = secretRef(c, STREAMS + "SASL_JAAS_CONFIG");
                    assertThat(streamsJaas.getName()).isEqualTo(jaas.getName());
                    assertThat(streamsJaas.getKey()).isEqualTo(jaas.getKey());
                }
            }
        }
        assertThat(containers).as("hangcheck containers in %s", overlay).isGreaterThanOrEqualTo(4);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void egressAdmitsTheKafkaNamespaceAndPortTheBootstrapNames(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        String bootstrap = Kustomize.ofKind(resources, ConfigMap.class).stream()
                .filter(m -> m.getMetadata().getName().startsWith("hangcheck-common-")) // the generator's hash suffix
                .findFirst().orElseThrow().getData().get("HANGCHECK_KAFKA");
        // host.NAMESPACE.svc:port
        String host = bootstrap.substring(0, bootstrap.lastIndexOf(':'));
        String namespace = host.split("\\.")[1];
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        NetworkPolicy egress = Kustomize.named(resources, NetworkPolicy.class, "egress-dns-kafka-peers");
        assertThat(egress.getSpec().getEgress()).as("%s: egress to %s", overlay, bootstrap).anyMatch(rule ->
                rule.getTo().stream().anyMatch(p -> p.getNamespaceSelector() != null
                        && namespace.equals(p.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name")))
                        && rule.getPorts().stream().anyMatch(pp -> pp.getPort().getIntVal() == port));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void theEvaluatorsAndTheSocketMonitorsReadApisTakeViewerTokens(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        Map<String, String> wanted = Map.of("liveness-evaluator", "HANGCHECK_EVALUATOR_API_VIEWER_TOKENS",
                "socket-monitor", "HANGCHECK_SOCKETS_API_VIEWER_TOKENS");
        int found = 0;
        for (WorkloadPolicyTest.Workload w : WorkloadPolicyTest.workloads(resources)) {
            for (Container c : w.pod().getContainers()) {
                String env = wanted.get(c.getName());
                if (env == null) {
                    continue;
                }
                found++;
                SecretKeySelector ref = secretRef(c, env);
                assertThat(ref.getName()).isEqualTo("hangcheck-read-api");
                assertThat(ref.getKey()).isEqualTo("viewer-tokens");
                assertThat(ref.getOptional()).as("%s %s: without the Secret the pod must not start with an open API",
                        overlay, c.getName()).isNotEqualTo(Boolean.TRUE);
            }
        }
        assertThat(found).as("evaluator and socket monitor containers in %s", overlay).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void theExecutorsConsoleReadsThosePeersWithAConsoleToken(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        List<Container> executors = WorkloadPolicyTest.workloads(resources).stream()
                .flatMap(w -> w.pod().getContainers().stream()).filter(c -> c.getName().equals("reboot-executor")).toList();
        assertThat(executors).as("reboot-executor container in %s", overlay).hasSize(1);
        // one token, not the viewer-tokens list: the console sends it as it is in one Authorization header
        SecretKeySelector ref = secretRef(executors.get(0), "HANGCHECK_CONSOLE_PEER_TOKEN");
        assertThat(ref.getName()).isEqualTo("hangcheck-read-api");
        assertThat(ref.getKey()).isEqualTo("console-token");
    }
}
