package io.hangcheck.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each service's Dockerfile.jvm uses the Quarkus JVM layout on an allowed Java 17 runtime base, runs as a
 * non-root user and exposes the port the manifests use.
 */
class DockerfilesTest {

    static final List<String> BASES = List.of("registry.access.redhat.com/ubi9/openjdk-17-runtime:", "eclipse-temurin:17-jre");

    @ParameterizedTest(name = "{0}")
    @EnumSource(Deploy.Service.class)
    void quarkusJvmLayoutNonRootOnTheServicePort(Deploy.Service service) {
        Path file = Deploy.ROOT.resolve(service.module).resolve("src/main/docker/Dockerfile.jvm");
        assertThat(file).exists();
        String dockerfile = Deploy.read(file);
        List<String> from = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();

        assertThat(from).hasSize(1);
        assertThat(BASES).as("base image %s", from.get(0)).anyMatch(b -> from.get(0).substring(5).startsWith(b));
        for (String dir : List.of("lib/", "app/", "quarkus/")) {
            assertThat(dockerfile).contains("COPY --chown=185 target/quarkus-app/" + dir);
        }
        assertThat(dockerfile).contains("target/quarkus-app/*.jar").contains("quarkus-run.jar");
        assertThat(dockerfile).containsPattern("(?m)^USER 185$");
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + service.port + "\\b");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Deploy.Service.class)
    void theManifestsRunTheImageAsTheSameUserOnTheSamePort(Deploy.Service service) {
        List<HasMetadata> prod = Kustomize.build("k8s/overlays/prod");
        var pod = WorkloadPolicyTest.workloads(prod).stream()
                .filter(w -> w.object().getMetadata().getName().equals(service.module))
                .findFirst().orElseThrow().pod();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(185L);
        assertThat(pod.getContainers().get(0).getPorts()).anyMatch(p -> p.getContainerPort() == service.port);
        assertThat(Files.exists(Deploy.ROOT.resolve(service.module).resolve("pom.xml"))).isTrue();
    }
}
