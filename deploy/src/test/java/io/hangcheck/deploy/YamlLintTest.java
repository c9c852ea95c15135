package io.hangcheck.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every YAML file of deploy/k8s, kafka, prometheus and grafana passes yamllint (deploy/.yamllint.yaml) and parses. */
class YamlLintTest {

    static final List<String> DIRS = List.of("k8s", "kafka", "prometheus", "grafana", "alertmanager", ".yamllint.yaml");

    @Test
    void yamllintPasses() {
        Tool.YAMLLINT.assume("YAML lint of deploy/");
        List<String> args = new ArrayList<>(List.of("--strict", "-c", ".yamllint.yaml", "-f", "parsable"));
        args.addAll(DIRS);
        Tool.Result result = Tool.YAMLLINT.run(Deploy.DIR, args.toArray(String[]::new));
        assertThat(result.ok()).as(result.describe()).isTrue();
    }

    @Test
    void everyYamlFileParses() {
        // deploy/agents/ belongs to the host-agent module's owner and is not checked here.
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("k8s", "kafka", "prometheus", "grafana", "alertmanager")) {
            files.addAll(Deploy.files(Deploy.DIR.resolve(dir), ".yaml", ".yml"));
        }
        assertThat(files).hasSizeGreaterThan(20);
        for (Path file : files) {
            try {
                Manifests.documents(Deploy.read(file));
            } catch (RuntimeException e) {
                throw new AssertionError(Deploy.DIR.relativize(file) + " does not parse: " + e.getMessage(), e);
            }
        }
    }
}
