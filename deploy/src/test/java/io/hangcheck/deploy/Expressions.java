package io.hangcheck.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Every PromQL expression the repository ships (rules and dashboards), and the metric names they use. */
final class Expressions {

    /** An expression and where it is, for messages. */
    record Expr(String where, String promql) {
    }

    static final Pattern METRIC = Pattern.compile("\\bhangcheck_[a-z0-9_]*[a-z0-9]\\b");

    static List<Expr> rules() {
        List<Expr> out = new ArrayList<>();
        for (JsonNode rule : PrometheusRulesTest.rules()) {
            out.add(new Expr("rule " + rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText()));
        }
        return out;
    }

    static JsonNode dashboard(Path file) {
        try {
            return Manifests.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Panel queries of every dashboard (Grafana variables left in). */
    static List<Expr> dashboards() {
        List<Expr> out = new ArrayList<>();
        for (Path file : Deploy.files(Deploy.DASHBOARDS, ".json")) {
            JsonNode d = dashboard(file);
            for (JsonNode panel : d.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    out.add(new Expr(file.getFileName() + " panel " + panel.path("id").asInt() + " \""
                            + panel.path("title").asText() + "\" " + target.path("refId").asText(),
                            target.path("expr").asText()));
                }
            }
        }
        return out;
    }

    /** Queries of the dashboards' template variables (label_values(...) etc.: not PromQL, but they name metrics). */
    static List<Expr> variableQueries() {
        List<Expr> out = new ArrayList<>();
        for (Path file : Deploy.files(Deploy.DASHBOARDS, ".json")) {
            for (JsonNode v : dashboard(file).path("templating").path("list")) {
                if (v.path("type").asText().equals("query")) {
                    // Grafana's schema has the query in query.query (an object) or query (a string); no "definition".
                    JsonNode q = v.path("query");
                    out.add(new Expr(file.getFileName() + " variable " + v.path("name").asText(),
                            q.isObject() ? q.path("query").asText() : q.asText()));
                }
            }
        }
        return out;
    }

    /** Grafana's variables replaced by values PromQL accepts: durations for the interval ones, ".*" otherwise. */
    static String substituteGrafanaVariables(String expr) {
        String s = expr.replaceAll("\\$\\{?__(rate_interval|interval|range)(_ms|_s)?\\}?", "5m");
        s = s.replaceAll("\\$\\{\\w+(:\\w+)?\\}", ".*");
        s = s.replaceAll("\\[\\[\\w+]]", ".*");
        s = s.replaceAll("\\$\\w+", ".*");
        return s;
    }

    /** hangcheck_* metric names an expression uses. */
    static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        // Label values and regexes are not metric names: drop string literals first.
        Matcher m = METRIC.matcher(expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""));
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    private Expressions() {
    }
}
