package io.hangcheck.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kustomization builds, and every object it produces fits its typed Kubernetes model. */
class KustomizeBuildTest {

    static final List<String> ROOTS = Kustomize.ROOTS;

    @ParameterizedTest(name = "kubectl kustomize {0}")
    @FieldSource("ROOTS")
    void buildsAndEveryObjectFitsItsTypedModel(String dir) {
        List<HasMetadata> resources = Kustomize.build(dir);

        assertThat(resources).as("objects built from %s", dir).isNotEmpty();
        assertThat(resources).allSatisfy(r -> assertThat(r.getMetadata().getName()).isNotBlank());
    }

    @Test
    void everyPlainManifestFitsItsTypedModelWithoutKubectl() {
        // The same typed check on the source files themselves, so a machine without kubectl still
        // catches a wrong field type. Patches and kustomization files are partial objects: not parsed here.
        List<Path> files = new ArrayList<>(Deploy.files(Deploy.K8S.resolve("base"), ".yaml"));
        files.addAll(Deploy.files(Deploy.K8S.resolve("overlays"), "namespace.yaml"));
        files.add(Deploy.KAFKA.resolve("kafkatopics.yaml"));
        files.add(Deploy.PROMETHEUS.resolve("servicemonitor.yaml"));
        files.add(Deploy.PROMETHEUS.resolve("prometheusrule.yaml"));
        files.removeIf(f -> f.getFileName().toString().equals("kustomization.yaml"));

        int objects = 0;
        for (Path file : files) {
            for (var doc : Manifests.documents(Deploy.read(file))) {
                try {
                    Manifests.typed(doc);
                } catch (AssertionError e) {
                    throw new AssertionError(Deploy.DIR.relativize(file) + ": " + e.getMessage(), e);
                }
                objects++;
            }
        }
        assertThat(objects).as("objects parsed from %d files", files.size()).isGreaterThan(30);
    }

    @Test
    void aMistypedFieldIsCaught() {
        // The guard itself: a port given as a string, and a misspelt field, must both fail.
        String quotedPort = """
                apiVersion: v1
                kind: Service
                metadata: {name: x}
                spec:
                  ports:
                    - port: "8081"
                """;
        String misspelt = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers:
                        - name: x
                          securityContext:
                            readOnlyRootFilesytem: true
                """;
        for (String yaml : List.of(quotedPort, misspelt)) {
            var doc = Manifests.documents(yaml).get(0);
            try {
                Manifests.typed(doc);
            } catch (AssertionError expected) {
                continue;
            }
            throw new AssertionError("accepted a wrong manifest:\n" + yaml);
        }
    }
}
