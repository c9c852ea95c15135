package io.hangcheck.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
