package io.hangcheck.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.hangcheck.events.Topics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules every overlay must keep, checked on the built objects: probes, limits, a locked-down container,
 * secrets by reference, disruption budgets, network policies, and the replica rules of each service.
 */
class WorkloadPolicyTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;

    record Workload(HasMetadata object, PodTemplateSpec template, LabelSelector selector, Integer replicas) {
        String name() {
            return object.getKind() + "/" + object.getMetadata().getName();
        }

        PodSpec pod() {
            return template.getSpec();
        }

        Map<String, String> podLabels() {
            return template.getMetadata().getLabels();
        }
    }

    static List<Workload> workloads(List<HasMetadata> resources) {
        List<Workload> out = new ArrayList<>();
        Kustomize.ofKind(resources, Deployment.class).forEach(d -> out.add(new Workload(d, d.getSpec().getTemplate(),
                d.getSpec().getSelector(), d.getSpec().getReplicas())));
        Kustomize.ofKind(resources, StatefulSet.class).forEach(s -> out.add(new Workload(s, s.getSpec().getTemplate(),
                s.getSpec().getSelector(), s.getSpec().getReplicas())));
        Kustomize.ofKind(resources, DaemonSet.class).forEach(d -> out.add(new Workload(d, d.getSpec().getTemplate(),
                d.getSpec().getSelector(), null)));
        return out;
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        assertThat(selector.getMatchExpressions()).as("selectors here use matchLabels only").isNullOrEmpty();
        Map<String, String> match = Optional.ofNullable(selector.getMatchLabels()).orElse(Map.of());
        return match.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void everyContainerIsProbedLimitedAndLockedDown(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        List<Workload> workloads = workloads(resources);
        assertThat(workloads).hasSizeGreaterThanOrEqualTo(3);

        for (Workload w : workloads) {
            PodSpec pod = w.pod();
            assertThat(pod.getServiceAccountName()).as("%s serviceAccountName", w.name()).isNotBlank();
            assertThat(Kustomize.ofKind(resources, ServiceAccount.class))
                    .as("%s: its ServiceAccount exists", w.name())
                    .anyMatch(sa -> sa.getMetadata().getName().equals(pod.getServiceAccountName()));
            assertThat(pod.getAutomountServiceAccountToken()).as("%s mounts no API token", w.name()).isFalse();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("%s runAsNonRoot", w.name()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).as("%s runAsUser", w.name()).isPositive();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

            for (Container c : pod.getContainers()) {
                String where = w.name() + " container " + c.getName();
                assertThat(c.getImage()).as("%s image is pinned to a tag", where).matches(".+:[^:/]+").doesNotEndWith(":latest");
                assertProbe(where, c.getLivenessProbe(), "/q/health/live");
                if (c.getName().equals(w.object().getMetadata().getName())) {
                    assertProbe(where, c.getReadinessProbe(), "/q/health/ready");
                } else {
                    // A sidecar must not gate the main container's traffic: the pod is ready only if all are.
                    assertThat(c.getReadinessProbe()).as("%s: a sidecar has no readiness probe", where).isNull();
                }
                if (c.getStartupProbe() != null) {
                    // /q/health/started turns UP once startup is done; live is UP from the first request.
                    assertProbe(where, c.getStartupProbe(), "/q/health/started");
                }
                // ephemeral-storage too: logs and the /tmp emptyDir live on the node's disk, and a pod without a
                // limit there can fill it and get every pod on the node evicted.
                for (String kind : List.of("cpu", "memory", "ephemeral-storage")) {
                    assertThat(c.getResources().getRequests()).as("%s requests %s", where, kind).containsKey(kind);
                    assertThat(c.getResources().getLimits()).as("%s limits %s", where, kind).containsKey(kind);
                }
                var sc = c.getSecurityContext();
                assertThat(sc).as("%s securityContext", where).isNotNull();
                assertThat(sc.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", where).isFalse();
                assertThat(sc.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", where).isTrue();
                assertThat(sc.getPrivileged()).as("%s privileged", where).isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getCapabilities().getDrop()).as("%s drops ALL capabilities", where).contains("ALL");
                assertThat(sc.getCapabilities().getAdd()).as("%s adds no capability", where).isNullOrEmpty();

                VolumeMount tmp = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
                        .orElseThrow(() -> new AssertionError(where + " has no /tmp mount (read-only root needs one)"));
                Volume tmpVolume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName())).findFirst()
                        .orElseThrow(() -> new AssertionError(where + ": volume " + tmp.getName() + " missing"));
                assertThat(tmpVolume.getEmptyDir()).as("%s /tmp is an emptyDir", where).isNotNull();

                for (EnvFromSource from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
                    assertThat(from.getSecretRef()).as("%s: secrets by key reference only, not envFrom", where).isNull();
                    String cm = from.getConfigMapRef().getName();
                    assertThat(Kustomize.ofKind(resources, ConfigMap.class))
                            .as("%s: ConfigMap %s exists in the build", where, cm)
                            .anyMatch(m -> m.getMetadata().getName().equals(cm));
                }
                for (EnvVar env : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
                    assertThat(env.getValue() == null || !env.getName().matches("(?i).*(PASSWORD|TOKEN|SECRET|KEY).*"))
                            .as("%s: %s must come from a Secret reference, not a literal value", where, env.getName())
                            .isTrue();
                }
            }
        }
    }

    private static void assertProbe(String where, Probe probe, String path) {
        assertThat(probe).as("%s has a probe on %s", where, path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as("%s probe path", where).isEqualTo(path);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void secretsAreReferencedNeverDefinedAndTheReadmeNamesEachOne(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        assertThat(Kustomize.ofKind(resources, Secret.class)).as("Secret objects in %s", overlay).isEmpty();

        String readme = Deploy.read(Deploy.README);
        workloads(resources).stream()
                .flatMap(w -> w.pod().getContainers().stream())
                .flatMap(c -> Optional.ofNullable(c.getEnv()).orElse(List.of()).stream())
                .map(EnvVar::getValueFrom).filter(Objects::nonNull)
                .map(v -> v.getSecretKeyRef()).filter(Objects::nonNull)
                .forEach(ref -> assertThat(readme)
                        .as("deploy/README.md explains Secret %s (key %s)", ref.getName(), ref.getKey())
                        .contains(ref.getName()));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void everyWorkloadHasABudgetAndAPolicyBehindADefaultDeny(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        List<NetworkPolicy> policies = Kustomize.ofKind(resources, NetworkPolicy.class);

        assertThat(policies).as("a default-deny ingress policy").anyMatch(p -> deniesAll(p, "Ingress"));

        for (Workload w : workloads(resources)) {
            assertThat(policies).as("%s: a NetworkPolicy allows what may reach it", w.name())
                    .anyMatch(p -> p.getSpec().getIngress() != null && !p.getSpec().getIngress().isEmpty()
                            && selects(p.getSpec().getPodSelector(), w.podLabels()));
            for (NetworkPolicy p : policies) {
                for (NetworkPolicyIngressRule rule : Optional.ofNullable(p.getSpec().getIngress()).orElse(List.of())) {
                    assertThat(rule.getFrom()).as("%s: a rule without 'from' admits everyone", p.getMetadata().getName())
                            .isNotEmpty();
                }
            }
            if (w.object() instanceof DaemonSet) {
                continue; // kubectl drain does not evict DaemonSet pods; a budget would do nothing.
            }
            assertThat(Kustomize.ofKind(resources, PodDisruptionBudget.class))
                    .as("%s: a PodDisruptionBudget selects its pods", w.name())
                    .anyMatch(b -> selects(b.getSpec().getSelector(), w.podLabels()));
        }
    }

    /** A policy that selects every pod for {@code type} (Ingress or Egress) and allows nothing. */
    static boolean deniesAll(NetworkPolicy p, String type) {
        var selector = p.getSpec().getPodSelector();
        boolean allPods = (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
        List<?> rules = type.equals("Ingress") ? p.getSpec().getIngress() : p.getSpec().getEgress();
        return allPods && p.getSpec().getPolicyTypes().contains(type) && (rules == null || rules.isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void egressIsDeniedByDefaultAndOnlyTheExecutorReachesAddressBlocks(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        List<NetworkPolicy> policies = Kustomize.ofKind(resources, NetworkPolicy.class);
        assertThat(policies).as("a default-deny egress policy").anyMatch(p -> deniesAll(p, "Egress"));
        for (NetworkPolicy p : policies) {
            for (var rule : Optional.ofNullable(p.getSpec().getEgress()).orElse(List.of())) {
                assertThat(rule.getTo()).as("%s: an egress rule without 'to' opens everything", p.getMetadata().getName())
                        .isNotEmpty();
                assertThat(rule.getPorts()).as("%s: an egress rule names its ports", p.getMetadata().getName()).isNotEmpty();
                if (rule.getTo().stream().anyMatch(peer -> peer.getIpBlock() != null)) {
                    // Address blocks (BMCs, webhooks) only for the executor: nothing else power-cycles machines.
                    assertThat(p.getSpec().getPodSelector().getMatchLabels())
                            .as("%s: address blocks only for the executor", p.getMetadata().getName())
                            .containsEntry("app.kubernetes.io/name", "reboot-executor");
                    rule.getTo().forEach(peer -> assertThat(peer.getIpBlock().getCidr()).isNotEqualTo("0.0.0.0/0"));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void theExecutorIsASingleStatefulSetAndOnlyOperatorsAndPrometheusReachIt(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        StatefulSet executor = Kustomize.named(resources, StatefulSet.class, "reboot-executor");
        assertThat(executor.getSpec().getReplicas()).as("executor replicas (a leader and a standby)").isEqualTo(2);
        assertThat(Kustomize.ofKind(resources, Deployment.class))
                .noneMatch(d -> d.getMetadata().getName().contains("executor"));

        Map<String, String> labels = executor.getSpec().getTemplate().getMetadata().getLabels();
        List<NetworkPolicy> policies = Kustomize.ofKind(resources, NetworkPolicy.class).stream()
                .filter(p -> selects(p.getSpec().getPodSelector(), labels)).toList();
        assertThat(policies).isNotEmpty();
        for (NetworkPolicy p : policies) {
            for (NetworkPolicyIngressRule rule : Optional.ofNullable(p.getSpec().getIngress()).orElse(List.of())) {
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    assertThat(peer.getIpBlock()).as("no address block reaches the admin API").isNull();
                    Map<String, String> ns = peer.getNamespaceSelector() == null ? null
                            : peer.getNamespaceSelector().getMatchLabels();
                    boolean operators = ns != null && "true".equals(ns.get("hangcheck.io/operators"))
                            && peer.getPodSelector() == null;
                    boolean prometheus = ns != null && "monitoring".equals(ns.get("kubernetes.io/metadata.name"))
                            && peer.getPodSelector() != null
                            && "prometheus".equals(peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"));
                    assertThat(operators || prometheus)
                            .as("executor policy %s admits only operators' namespaces and Prometheus, not %s",
                                    p.getMetadata().getName(), peer)
                            .isTrue();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void ingestHasTwoOrMoreReplicasAndHttpAndUdpServicesOn8081(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        Deployment ingest = Kustomize.named(resources, Deployment.class, "heartbeat-ingest");
        assertThat(ingest.getSpec().getReplicas()).as("ingest replicas").isGreaterThanOrEqualTo(2);

        Map<String, String> labels = ingest.getSpec().getTemplate().getMetadata().getLabels();
        List<Service> services = Kustomize.ofKind(resources, Service.class).stream()
                .filter(s -> s.getSpec().getSelector() != null && labels.entrySet().containsAll(s.getSpec().getSelector().entrySet()))
                .toList();
        for (String protocol : List.of("TCP", "UDP")) {
            assertThat(services.stream().flatMap(s -> s.getSpec().getPorts().stream()))
                    .as("an ingest Service on %s 8081", protocol)
                    .anyMatch(p -> p.getPort() == 8081 && protocol.equals(p.getProtocol()));
        }
        List<NetworkPolicy> policies = Kustomize.ofKind(resources, NetworkPolicy.class).stream()
                .filter(p -> selects(p.getSpec().getPodSelector(), labels)).toList();
        assertThat(policies.stream().flatMap(p -> p.getSpec().getIngress().stream()))
                .as("the lab network (an address block) reaches ingest on 8081")
                .anyMatch(r -> r.getFrom().stream().anyMatch(f -> f.getIpBlock() != null)
                        && r.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 8081));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void evaluatorReplicasDoNotExceedTheHeartbeatPartitions(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        StatefulSet evaluator = Kustomize.named(resources, StatefulSet.class, "liveness-evaluator");
        int partitions = KafkaTopicsTest.topicList().stream()
                .filter(t -> t.name().equals(Topics.HEARTBEATS)).findFirst().orElseThrow().partitions();
        assertThat(evaluator.getSpec().getReplicas()).as("evaluator replicas").isBetween(1, partitions);
    }

    /**
     * The evaluator's Kafka Streams state is on a volume claim per pod (mounted where {@code HANGCHECK_STATE_DIR}
     * points), not on the node's ephemeral storage; an overlay with more than one instance keeps a standby of every
     * store and sets the rebalance settings deploy/README.md explains.
     */
    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void evaluatorStateIsOnAVolumePerPodAndSeveralInstancesKeepAWarmStandby(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        StatefulSet evaluator = Kustomize.named(resources, StatefulSet.class, "liveness-evaluator");
        Container c = evaluator.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = new java.util.HashMap<>();
        for (EnvFromSource from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
            if (from.getConfigMapRef() != null) {
                env.putAll(Kustomize.named(resources, ConfigMap.class, from.getConfigMapRef().getName()).getData());
            }
        }
        String stateDir = env.get("HANGCHECK_STATE_DIR");
        assertThat(stateDir).as("%s: HANGCHECK_STATE_DIR", overlay).isNotBlank();
        VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(stateDir)).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": nothing mounted at " + stateDir));
        assertThat(evaluator.getSpec().getTemplate().getSpec().getVolumes())
                .as("%s: the state volume is no pod volume (emptyDir) but a claim", overlay)
                .noneMatch(v -> v.getName().equals(mount.getName()));
        assertThat(evaluator.getSpec().getVolumeClaimTemplates()).as("%s: volumeClaimTemplates", overlay)
                .anyMatch(t -> t.getMetadata().getName().equals(mount.getName())
                        && t.getSpec().getAccessModes().contains("ReadWriteOnce")
                        && t.getSpec().getResources().getRequests().containsKey("storage"));
        if (evaluator.getSpec().getReplicas() > 1) {
            assertThat(env.getOrDefault("HANGCHECK_EVALUATOR_JAVA_OPTS", ""))
                    .as("%s: %d evaluators keep a warm standby and hand partitions back promptly", overlay,
                            evaluator.getSpec().getReplicas())
                    .contains("-Dkafka-streams.num.standby.replicas=1", "-Dkafka-streams.acceptable.recovery.lag=",
                            "-Dkafka-streams.probing.rebalance.interval.ms=");
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void theSocketMonitorWatchesTheIngestNodesOrRunsBesideIngest(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        Deployment ingest = Kustomize.named(resources, Deployment.class, "heartbeat-ingest");
        Optional<DaemonSet> daemonSet = Kustomize.ofKind(resources, DaemonSet.class).stream()
                .filter(d -> d.getMetadata().getName().equals("socket-monitor")).findFirst();
        boolean sidecar = ingest.getSpec().getTemplate().getSpec().getContainers().stream()
                .anyMatch(c -> c.getName().equals("socket-monitor"));
        assertThat(daemonSet.isPresent() ^ sidecar).as("exactly one of: the DaemonSet, the sidecar").isTrue();

        if (sidecar) {
            // The sidecar forecasts ingest's port against ingest's own connection budget.
            Map<String, String> monitor = configMap(resources, "socket-monitor-config");
            Map<String, String> ingestConfig = configMap(resources, "heartbeat-ingest-config");
            assertThat(monitor.get("HANGCHECK_SOCKETS_PROC_ROOT")).isEqualTo("/proc");
            assertThat(monitor.get("HANGCHECK_SOCKETS_WATCH_PORTS"))
                    .isEqualTo("8081:" + ingestConfig.get("HANGCHECK_INGEST_CONNECTION_BUDGET"));
        }
        if (daemonSet.isPresent()) {
            PodSpec pod = daemonSet.get().getSpec().getTemplate().getSpec();
            assertThat(pod.getHostNetwork()).as("hostNetwork").isTrue();
            Volume proc = pod.getVolumes().stream().filter(v -> v.getHostPath() != null).findFirst().orElseThrow();
            assertThat(proc.getHostPath().getPath()).isEqualTo("/proc");
            VolumeMount mount = pod.getContainers().get(0).getVolumeMounts().stream()
                    .filter(m -> m.getName().equals(proc.getName())).findFirst().orElseThrow();
            assertThat(mount.getMountPath()).isEqualTo("/host/proc");
            assertThat(mount.getReadOnly()).as("/host/proc read-only").isTrue();
            // The nodes it runs on are the nodes ingest is required to run on.
            var terms = ingest.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()
                    .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
            pod.getNodeSelector().forEach((k, v) -> assertThat(terms).as("ingest requires node label %s=%s", k, v)
                    .anyMatch(t -> t.getMatchExpressions().stream().anyMatch(e -> e.getKey().equals(k)
                            && e.getOperator().equals("In") && e.getValues().equals(List.of(v)))));
        }
    }

    static Map<String, String> configMap(List<HasMetadata> resources, String prefix) {
        return Kustomize.ofKind(resources, ConfigMap.class).stream()
                .filter(m -> m.getMetadata().getName().startsWith(prefix + "-"))
                .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + prefix)).getData();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void everyServiceReachesAPortItsPodsDeclareAndEachWorkloadIsScrapedOnce(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        List<Workload> workloads = workloads(resources);
        for (Service s : Kustomize.ofKind(resources, Service.class)) {
            Workload target = workloads.stream()
                    .filter(w -> w.podLabels().entrySet().containsAll(s.getSpec().getSelector().entrySet()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("Service " + s.getMetadata().getName() + " selects no pods"));
            List<ContainerPort> ports = target.pod().getContainers().stream().flatMap(c -> c.getPorts().stream()).toList();
            s.getSpec().getPorts().forEach(p -> {
                var tp = p.getTargetPort();
                assertThat(ports).as("Service %s port %s reaches a declared container port", s.getMetadata().getName(), p.getName())
                        .anyMatch(cp -> tp.getStrVal() != null ? tp.getStrVal().equals(cp.getName())
                                : tp.getIntVal().equals(cp.getContainerPort()));
            });
        }
        for (Workload w : workloads) {
            long scraped = Kustomize.ofKind(resources, Service.class).stream()
                    .filter(s -> "true".equals(s.getMetadata().getLabels().get("hangcheck.io/scrape")))
                    .filter(s -> w.podLabels().entrySet().containsAll(s.getSpec().getSelector().entrySet()))
                    .count();
            boolean hostsSidecar = w.pod().getContainers().size() > 1;
            assertThat(scraped).as("%s: Services labelled hangcheck.io/scrape=true", w.name())
                    .isEqualTo(hostsSidecar ? 2 : 1);
        }
        Stream.of("heartbeat-ingest", "liveness-evaluator", "reboot-executor", "socket-monitor").forEach(job ->
                assertThat(Kustomize.ofKind(resources, Service.class))
                        .as("a scraped Service named by app.kubernetes.io/name=%s (the job name the rules use)", job)
                        .anyMatch(s -> "true".equals(s.getMetadata().getLabels().get("hangcheck.io/scrape"))
                                && job.equals(s.getMetadata().getLabels().get("app.kubernetes.io/name"))));
    }
}
