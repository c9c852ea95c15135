package io.hangcheck.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every HANGCHECK_* environment variable the manifests give a container is one its service reads: a key of the
 * service's {@code @ConfigMapping} (HANGCHECK_EXECUTOR_DEFAULT_DRIVER = hangcheck.executor.default-driver), or a
 * name its application.properties or code uses (${HANGCHECK_KAFKA:...}). A renamed setting would otherwise be
 * ignored in the cluster without a word, e.g. the executor falling back to its default driver.
 */
class ContainerEnvironmentTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;

    /** What a service reads: env names used literally, and the env names of its @ConfigMapping keys. */
    record Reads(Set<String> literal, Set<String> mapped, Set<String> mappedPrefixes) {
        boolean reads(String env) {
            return literal.contains(env) || mapped.contains(env) || mappedPrefixes.stream().anyMatch(env::startsWith);
        }
    }

    static final Pattern ENV_IN_PROPERTIES = Pattern.compile("\\$\\{(HANGCHECK_[A-Z0-9_]+)");
    static final Pattern ENV_IN_CODE = Pattern.compile("\"(HANGCHECK_[A-Z0-9_]+)\"");
    static final Pattern PREFIX = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"\\)");
    static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)\\s*\\{");
    static final Pattern METHOD = Pattern.compile("(?:@WithName\\(\"([^\"]+)\"\\)\\s*)?(?:@\\w+(?:\\([^)]*\\))?\\s*)*([\\w.<>, ?\\[\\]]+?)\\s+(\\w+)\\(\\)\\s*;");

    static Reads reads(String module) {
        Set<String> literal = new TreeSet<>();
        Set<String> mapped = new TreeSet<>();
        Set<String> prefixes = new TreeSet<>();
        for (String dir : List.of(module, "service-support")) {
            Path props = Deploy.ROOT.resolve(dir).resolve("src/main/resources/application.properties");
            if (Files.exists(props)) {
                find(ENV_IN_PROPERTIES, Deploy.read(props), literal);
            }
            Path src = Deploy.ROOT.resolve(dir).resolve("src/main/java");
            if (!Files.isDirectory(src)) {
                continue;
            }
            for (Path file : Deploy.files(src, ".java")) {
                String code = Deploy.read(file);
                find(ENV_IN_CODE, code, literal);
                find(ENV_IN_PROPERTIES, code, literal); // expressions in @WithDefault("${HANGCHECK_...}")
                Matcher prefix = PREFIX.matcher(code);
                if (prefix.find() && dir.equals(module)) {
                    Map<String, String> bodies = interfaceBodies(code);
                    String root = code.substring(prefix.end());
                    Matcher first = INTERFACE.matcher(root);
                    if (first.find()) {
                        paths(prefix.group(1), first.group(1), bodies, mapped, prefixes, 0);
                    }
                }
            }
        }
        return new Reads(literal, mapped, prefixes);
    }

    private static void find(Pattern p, String text, Set<String> into) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    /** Interface name → its body with nested interface bodies cut out. */
    static Map<String, String> interfaceBodies(String code) {
        Map<String, String> bodies = new TreeMap<>();
        Matcher m = INTERFACE.matcher(code);
        while (m.find()) {
            int open = m.end() - 1;
            int depth = 0;
            StringBuilder own = new StringBuilder();
            for (int i = open; i < code.length(); i++) {
                char c = code.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    if (depth == 0) {
                        break;
                    }
                } else if (depth == 1) {
                    own.append(c);
                }
            }
            bodies.put(m.group(1), own.toString().replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", ""));
        }
        return bodies;
    }

    private static void paths(String prefix, String iface, Map<String, String> bodies, Set<String> mapped,
                              Set<String> prefixes, int depth) {
        if (depth > 5) {
            return;
        }
        Matcher m = METHOD.matcher(bodies.getOrDefault(iface, ""));
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : kebab(m.group(3));
            String type = m.group(2).strip();
            String path = prefix + "." + name;
            String simple = type.replaceAll("^Optional<(.*)>$", "$1");
            if (bodies.containsKey(simple)) {
                paths(path, simple, bodies, mapped, prefixes, depth + 1);
            } else if (type.startsWith("Map<")) {
                prefixes.add(env(path) + "_");
            } else {
                mapped.add(env(path));
            }
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    static String env(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    @Test
    void theConfigMappingIsReadAsSmallRyeNamesIt() {
        // The parser's guard, on settings that exist today.
        Reads executor = reads("reboot-executor");
        assertThat(executor.mapped()).contains("HANGCHECK_EXECUTOR_DEFAULT_DRIVER", "HANGCHECK_EXECUTOR_ADMIN_OPERATOR_TOKENS",
                "HANGCHECK_EXECUTOR_LIMITS_IN_FLIGHT");
        assertThat(executor.literal()).contains("HANGCHECK_KAFKA", "HANGCHECK_DB_URL");
        assertThat(reads("socket-monitor").mapped()).contains("HANGCHECK_SOCKETS_PROC_ROOT", "HANGCHECK_SOCKETS_PG_URLS");
        assertThat(kebab("operatorTokens")).isEqualTo("operator-tokens");
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("OVERLAYS")
    void everyHangcheckVariableGivenToAContainerIsReadByItsService(String overlay) {
        List<HasMetadata> resources = Kustomize.build(overlay);
        List<String> unread = new ArrayList<>();
        Set<String> common = new TreeSet<>();
        Set<String> readSomewhere = new TreeSet<>();

        for (WorkloadPolicyTest.Workload w : WorkloadPolicyTest.workloads(resources)) {
            for (Container c : w.pod().getContainers()) {
                Reads reads = reads(c.getName());
                Set<String> given = new TreeSet<>();
                List<EnvVar> env = Optional.ofNullable(c.getEnv()).orElse(List.of());
                env.forEach(e -> given.add(e.getName()));
                for (EnvFromSource from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
                    ConfigMap cm = Kustomize.ofKind(resources, ConfigMap.class).stream()
                            .filter(m -> m.getMetadata().getName().equals(from.getConfigMapRef().getName()))
                            .findFirst().orElseThrow();
                    if (cm.getMetadata().getName().startsWith("hangcheck-common")) {
                        common.addAll(cm.getData().keySet()); // shared: each must be read by some service
                        cm.getData().keySet().stream().filter(reads::reads).forEach(readSomewhere::add);
                    } else {
                        given.addAll(cm.getData().keySet());
                    }
                }
                for (String name : given) {
                    boolean usedByManifest = env.stream().anyMatch(e -> e.getValue() != null && e.getValue().contains("$(" + name + ")"));
                    if (name.startsWith("HANGCHECK_") && !reads.reads(name) && !usedByManifest) {
                        unread.add(c.getName() + ": " + name);
                    }
                }
            }
        }
        common.stream().filter(n -> n.startsWith("HANGCHECK_") && !readSomewhere.contains(n))
                .forEach(n -> unread.add("hangcheck-common: " + n + " (read by no service)"));
        assertThat(unread).as("environment variables no service reads (renamed or misspelt settings)").isEmpty();
    }
}
