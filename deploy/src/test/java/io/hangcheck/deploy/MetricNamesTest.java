package io.hangcheck.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every hangcheck_* metric a rule or a dashboard query names is one a service declares in its sources
 * (a string literal such as {@code Counter.build("hangcheck_ingest_received_total", ...)}). This is the
 * build-time half of the check; deploy/check-metrics.sh does the same against live /metrics output
 * (LiveMetricsTest, when HANGCHECK_LIVE_METRICS lists URLs).
 */
class MetricNamesTest {

    static final Pattern DECLARED = Pattern.compile("\"(hangcheck_[a-z0-9_]*[a-z0-9])\"");

    /** Sample-name suffixes the text format adds to a family (counter _total/_created, histogram parts). */
    static String family(String name) {
        return name.replaceAll("_(total|created|bucket|sum|count)$", "");
    }

    /** Metric names declared in the four services' main sources, by family. */
    static Map<String, String> declaredFamilies() {
        Map<String, String> families = new TreeMap<>();
        for (Deploy.Service service : Deploy.Service.values()) {
            Path src = Deploy.ROOT.resolve(service.module).resolve("src/main/java");
            if (!Files.isDirectory(src)) {
                continue;
            }
            for (Path file : Deploy.files(src, ".java")) {
                Matcher m = DECLARED.matcher(Deploy.read(file));
                while (m.find()) {
                    families.put(family(m.group(1)), service.module + ": " + m.group(1));
                }
            }
        }
        return families;
    }

    @Test
    void everyMetricInRulesAndDashboardsIsDeclaredByAService() {
        Map<String, String> declared = declaredFamilies();
        assertThat(declared).as("metric names declared in the services' sources").isNotEmpty();

        List<String> missing = new ArrayList<>();
        Stream.of(Expressions.rules(), Expressions.dashboards(), Expressions.variableQueries())
                .flatMap(List::stream)
                .forEach(e -> Expressions.metricNames(e.promql()).stream()
                        .filter(name -> !declared.containsKey(family(name)))
                        .forEach(name -> missing.add(name + "  (" + e.where() + ")")));

        assertThat(missing)
                .as("metrics used by rules/dashboards that no service declares; declared: %s", declared.values())
                .isEmpty();
    }

    /** Labels Prometheus attaches to every target (ServiceMonitor, plain config) rather than the services. */
    static final Set<String> TARGET_LABELS = Set.of("namespace", "pod", "instance", "job", "node", "service", "endpoint", "container");

    static final Pattern LABEL_LIST = Pattern.compile("(?:labelNames|List\\.of)\\(([^)]*)\\)");
    static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

    /** Label names each metric family is declared with (the quoted names of labelNames(...) or List.of(...) in its statement). */
    static Map<String, Set<String>> declaredLabels() {
        Map<String, Set<String>> labels = new TreeMap<>();
        for (Deploy.Service service : Deploy.Service.values()) {
            Path src = Deploy.ROOT.resolve(service.module).resolve("src/main/java");
            if (!Files.isDirectory(src)) {
                continue;
            }
            for (Path file : Deploy.files(src, ".java")) {
                String text = Deploy.read(file);
                Matcher m = DECLARED.matcher(text);
                while (m.find()) {
                    String statement = text.substring(m.end(), statementEnd(text, m.end()));
                    Set<String> names = new TreeSet<>();
                    Matcher list = LABEL_LIST.matcher(statement);
                    if (list.find()) {
                        Matcher q = QUOTED.matcher(list.group(1));
                        while (q.find()) {
                            names.add(q.group(1));
                        }
                    }
                    labels.merge(family(m.group(1)), names, (a, b) -> {
                        Set<String> union = new TreeSet<>(a);
                        union.addAll(b);
                        return union;
                    });
                }
            }
        }
        return labels;
    }

    /** Index of the first ';' after {@code from} that is not inside a string literal (help texts contain them). */
    static int statementEnd(String text, int from) {
        boolean quoted = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                return i;
            }
        }
        return text.length();
    }

    static final Pattern SELECTOR = Pattern.compile("\\b(hangcheck_[a-z0-9_]*[a-z0-9])\\s*\\{([^}]*)}");
    static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)\\s*\"");
    static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");

    /**
     * Every label a rule or dashboard query names (in a selector, or in by/without/on/ignoring) is declared on
     * a metric it uses, or is a target label: a renamed label would otherwise leave a query silently empty.
     */
    @Test
    void everyLabelInRulesAndDashboardsIsDeclaredOnTheMetricsItUses() {
        Map<String, Set<String>> declared = declaredLabels();
        List<String> unknown = new ArrayList<>();
        Stream.of(Expressions.rules(), Expressions.dashboards())
                .flatMap(List::stream)
                .forEach(e -> {
                    String expr = Expressions.substituteGrafanaVariables(e.promql());
                    Set<String> metrics = Expressions.metricNames(expr);
                    if (metrics.isEmpty()) {
                        return; // not ours (e.g. kafka_consumergroup_lag), or a constant
                    }
                    Set<String> allowed = new TreeSet<>(TARGET_LABELS);
                    for (String metric : metrics) {
                        allowed.addAll(declared.getOrDefault(family(metric), Set.of()));
                        if (metric.endsWith("_bucket")) {
                            allowed.add("le");
                        }
                    }
                    Matcher selector = SELECTOR.matcher(expr);
                    while (selector.find()) {
                        Set<String> own = new TreeSet<>(TARGET_LABELS);
                        own.addAll(declared.getOrDefault(family(selector.group(1)), Set.of()));
                        if (selector.group(1).endsWith("_bucket")) {
                            own.add("le");
                        }
                        Matcher label = MATCHER.matcher(selector.group(2));
                        while (label.find()) {
                            if (!own.contains(label.group(1))) {
                                unknown.add(selector.group(1) + "{" + label.group(1) + "}  (" + e.where() + ")");
                            }
                        }
                    }
                    Matcher grouping = GROUPING.matcher(expr);
                    while (grouping.find()) {
                        for (String label : grouping.group(1).split(",")) {
                            String name = label.strip();
                            if (!name.isEmpty() && !allowed.contains(name)) {
                                unknown.add(name + " in \"" + grouping.group().strip() + "\"  (" + e.where() + ")");
                            }
                        }
                    }
                });
        assertThat(unknown).as("labels no metric of the expression declares; declared: %s", declared).isEmpty();
    }

    @Test
    void labelDeclarationsAreRead() {
        // The guard of the label check: the services' label lists are found at all.
        Map<String, Set<String>> declared = declaredLabels();
        assertThat(declared.values().stream().mapToInt(Set::size).sum()).as("declared labels").isPositive();
        assertThat(Expressions.substituteGrafanaVariables("sum by (pod) (rate(x{namespace=~\"$namespace\"}[$__rate_interval]))"))
                .isEqualTo("sum by (pod) (rate(x{namespace=~\".*\"}[5m]))");
    }

    @Test
    void familyMatchingKnowsTheTextFormatSuffixes() {
        assertThat(family("hangcheck_evaluator_phi_bucket")).isEqualTo("hangcheck_evaluator_phi");
        assertThat(family("hangcheck_ingest_ticks_sent_total")).isEqualTo("hangcheck_ingest_ticks_sent");
        assertThat(family("hangcheck_ingest_ticks_sent")).isEqualTo("hangcheck_ingest_ticks_sent");
        assertThat(family("hangcheck_sockets_total")).isEqualTo("hangcheck_sockets");
        assertThat(Expressions.metricNames("sum(rate(hangcheck_a_total{x=\"hangcheck_not_a_metric\"}[5m]))"))
                .containsExactly("hangcheck_a_total");
    }
}
