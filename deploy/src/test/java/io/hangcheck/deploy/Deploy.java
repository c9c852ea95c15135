package io.hangcheck.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Paths of the deploy module's files, wherever Maven runs the tests from. */
final class Deploy {

    /** The {@code deploy/} directory. */
    static final Path DIR = locate();
    /** The repository root (parent of {@code deploy/}). */
    static final Path ROOT = DIR.getParent();

    static final Path K8S = DIR.resolve("k8s");
    static final Path KAFKA = DIR.resolve("kafka");
    static final Path PROMETHEUS = DIR.resolve("prometheus");
    static final Path RULES = PROMETHEUS.resolve("rules/hangcheck.rules.yml");
    static final Path RULE_TESTS = PROMETHEUS.resolve("tests/hangcheck.rules.test.yml");
    static final Path GRAFANA = DIR.resolve("grafana");
    static final Path DASHBOARDS = GRAFANA.resolve("dashboards");
    static final Path RUNBOOK = DIR.resolve("RUNBOOK.md");
    static final Path README = DIR.resolve("README.md");

    /** The four services: module directory, HTTP port. */
    enum Service {
        INGEST("heartbeat-ingest", 8081),
        EVALUATOR("liveness-evaluator", 8082),
        EXECUTOR("reboot-executor", 8083),
        SOCKET_MONITOR("socket-monitor", 8084);

        final String module;
        final int port;

        Service(String module, int port) {
            this.module = module;
            this.port = port;
        }
    }

    private static Path locate() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("k8s")) && Files.isDirectory(p.resolve("prometheus"))) {
                return p;
            }
            if (Files.isDirectory(p.resolve("deploy/k8s"))) {
                return p.resolve("deploy");
            }
        }
        throw new IllegalStateException("deploy/ not found above " + here);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files under {@code dir} whose names end with one of {@code suffixes}, sorted, skipping target/. */
    static List<Path> files(Path dir, String... suffixes) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !DIR.relativize(p).toString().startsWith("target"))
                    .filter(p -> Stream.of(suffixes).anyMatch(s -> p.getFileName().toString().endsWith(s)))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Deploy() {
    }
}
