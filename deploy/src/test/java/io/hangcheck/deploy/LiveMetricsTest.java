package io.hangcheck.deploy;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/check-metrics.sh: {@code promtool check metrics} on live /metrics output, and every metric the rules
 * and dashboards name is exported. Against the real services when HANGCHECK_LIVE_METRICS lists their URLs
 * (the end-to-end stage sets it); the script's own behaviour is tested here against a local HTTP server.
 */
class LiveMetricsTest {

    static final String ENV = "HANGCHECK_LIVE_METRICS";

    @Test
    void rulesAndDashboardsNameOnlyMetricsTheLiveServicesExport() {
        String urls = System.getenv(ENV);
        Assumptions.assumeTrue(urls != null && !urls.isBlank(),
                "live metrics check needs running services; set " + ENV
                        + "=\"http://localhost:8081/metrics http://localhost:8082/metrics ...\" (the end-to-end stage does)");
        Tool.BASH.assume("check-metrics.sh");
        Tool.CURL.assume("check-metrics.sh");
        Tool.PROMTOOL.assume("promtool check metrics on live /metrics");

        List<String> args = new ArrayList<>(List.of("check-metrics.sh"));
        args.addAll(List.of(urls.trim().split("[\\s,]+")));
        Tool.Result result = Tool.BASH.run(Deploy.DIR, args.toArray(String[]::new));
        assertThat(result.ok()).as(result.describe()).isTrue();
    }

    /** Every hangcheck_* name the rules and dashboards use. */
    static Set<String> usedNames() {
        Set<String> names = new LinkedHashSet<>();
        Stream.of(Expressions.rules(), Expressions.dashboards(), Expressions.variableQueries()).flatMap(List::stream)
                .forEach(e -> names.addAll(Expressions.metricNames(e.promql())));
        return names;
    }

    /** A lint-clean exposition exporting {@code names} (histograms for _bucket names, counters for _total). */
    static String exposition(Set<String> names) {
        Set<String> families = new LinkedHashSet<>();
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            String family = MetricNamesTest.family(name);
            if (!families.add(family)) {
                continue;
            }
            if (name.endsWith("_bucket")) {
                out.append("# HELP ").append(family).append(" A histogram.\n# TYPE ").append(family).append(" histogram\n")
                        .append(family).append("_bucket{le=\"1.0\"} 0.0\n").append(family).append("_bucket{le=\"+Inf\"} 0.0\n")
                        .append(family).append("_count 0.0\n").append(family).append("_sum 0.0\n");
            } else if (name.endsWith("_total")) {
                out.append("# HELP ").append(name).append(" A counter.\n# TYPE ").append(name).append(" counter\n")
                        .append(name).append(" 0.0\n");
            } else {
                out.append("# HELP ").append(name).append(" A gauge.\n# TYPE ").append(name).append(" gauge\n")
                        .append(name).append(" 0.0\n");
            }
        }
        return out.toString();
    }

    @Test
    void theScriptPassesWhenEveryNameHasASampleAndNamesTheOneThatHasNone() throws IOException {
        Tool.BASH.assume("check-metrics.sh");
        Tool.CURL.assume("check-metrics.sh");
        Tool.PROMTOOL.assume("check-metrics.sh (promtool check metrics)");

        Set<String> used = usedNames();
        String dropped = used.stream().filter(n -> n.endsWith("_total")).findFirst().orElseThrow();
        Set<String> allButOne = new LinkedHashSet<>(used);
        allButOne.remove(dropped);

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serve(server, "/all", exposition(used));
        serve(server, "/partial", exposition(allButOne));
        // The same name declared (# HELP/# TYPE) with no sample: a labelled counter before its first event.
        serve(server, "/declared", exposition(allButOne) + "# HELP " + dropped + " A counter.\n# TYPE " + dropped
                + " counter\n");
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();

            Tool.Result all = Tool.BASH.run(Deploy.DIR, "check-metrics.sh", base + "/all");
            assertThat(all.ok()).as(all.describe()).isTrue();
            assertThat(all.output()).contains("0 without samples");

            Tool.Result partial = Tool.BASH.run(Deploy.DIR, "check-metrics.sh", base + "/partial");
            assertThat(partial.exitCode()).as(partial.describe()).isEqualTo(1);
            assertThat(partial.output()).contains("MISSING " + dropped).contains("1 without samples")
                    .contains("1 not exported");

            Tool.Result declared = Tool.BASH.run(Deploy.DIR, "check-metrics.sh", base + "/declared");
            assertThat(declared.exitCode()).as(declared.describe()).isEqualTo(1);
            assertThat(declared.output()).contains("NO-SAMPLES " + dropped).doesNotContain("MISSING ")
                    .contains("1 declared without samples");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theScriptReportsTheLintOfBadlyNamedMetrics() throws IOException {
        Tool.BASH.assume("check-metrics.sh");
        Tool.CURL.assume("check-metrics.sh");
        Tool.PROMTOOL.assume("check-metrics.sh (promtool check metrics)");

        String bad = exposition(usedNames()) + "# HELP hangcheck_badCounter A counter without _total.\n"
                + "# TYPE hangcheck_badCounter counter\nhangcheck_badCounter 1.0\n";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serve(server, "/bad", bad);
        server.start();
        try {
            Tool.Result result = Tool.BASH.run(Deploy.DIR, "check-metrics.sh",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/bad");
            assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
            assertThat(result.output()).contains("LINT").contains("hangcheck_badCounter");
        } finally {
            server.stop(0);
        }
    }

    private static void serve(HttpServer server, String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }
}
