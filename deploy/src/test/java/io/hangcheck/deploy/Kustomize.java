package io.hangcheck.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kubectl kustomize} builds, once per directory per test run, as typed models. */
final class Kustomize {

    /** Every kustomization the repository ships, relative to deploy/. */
    static final List<String> ROOTS = List.of("k8s/overlays/dev", "k8s/overlays/prod", "kafka", "prometheus", "grafana");
    static final List<String> OVERLAYS = List.of("k8s/overlays/dev", "k8s/overlays/prod");

    private static final Map<String, List<HasMetadata>> BUILT = new ConcurrentHashMap<>();

    /** The built resources of {@code dir}; skips the calling test when kubectl is missing. */
    static List<HasMetadata> build(String dir) {
        Tool.KUBECTL.assume("kubectl kustomize " + dir);
        return BUILT.computeIfAbsent(dir, d -> {
            Tool.Result result = Tool.KUBECTL.run(Deploy.DIR, "kustomize", d);
            assertThat(result.ok()).as(result.describe()).isTrue();
            return Manifests.documents(result.output()).stream().map(Manifests::typed).collect(Collectors.toList());
        });
    }

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> resources, Class<T> kind) {
        return resources.stream().filter(kind::isInstance).map(r -> (T) r).collect(Collectors.toList());
    }

    static <T extends HasMetadata> T named(List<HasMetadata> resources, Class<T> kind, String name) {
        return ofKind(resources, kind).stream()
                .filter(r -> r.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " named " + name));
    }

    private Kustomize() {
    }
}
