package io.hangcheck.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Grafana dashboards: valid JSON, pinned (uid, schemaVersion, version), the data source chosen by the
 * ${datasource} variable everywhere, unique panel ids, a query in every panel, every query parses as PromQL,
 * and the provisioning files load them all.
 */
class DashboardsTest {

    static final String DATASOURCE = "${datasource}";
    static final List<String> EXPECTED = List.of("fleet.json", "reboots.json", "sockets.json", "pipeline.json");

    static List<Path> dashboards() {
        return Deploy.files(Deploy.DASHBOARDS, ".json");
    }

    @Test
    void theFourDashboardsExistWithUniqueUids() {
        assertThat(dashboards().stream().map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(EXPECTED);
        Set<String> uids = new HashSet<>();
        for (Path file : dashboards()) {
            assertThat(uids.add(Expressions.dashboard(file).path("uid").asText())).as("unique uid in %s", file).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dashboards")
    void isPinnedAndUsesTheDatasourceVariableEverywhere(Path file) {
        JsonNode d = Expressions.dashboard(file); // throws on invalid JSON
        assertThat(d.path("uid").asText()).as("uid").matches("hangcheck-[a-z]+");
        assertThat(d.path("schemaVersion").asInt()).as("schemaVersion").isGreaterThanOrEqualTo(36);
        assertThat(d.path("version").asInt()).as("version").isPositive();
        assertThat(d.path("title").asText()).startsWith("hangcheck / ");
        assertThat(d.path("id").isNull() || d.path("id").isMissingNode()).as("no instance-specific id").isTrue();

        JsonNode datasourceVar = null;
        for (JsonNode v : d.path("templating").path("list")) {
            if (v.path("name").asText().equals("datasource")) {
                datasourceVar = v;
            } else if (v.has("datasource")) {
                assertThat(v.path("datasource").path("uid").asText()).as("variable %s data source", v.path("name").asText())
                        .isEqualTo(DATASOURCE);
            }
        }
        assertThat(datasourceVar).as("a datasource variable").isNotNull();
        assertThat(datasourceVar.path("type").asText()).isEqualTo("datasource");
        assertThat(datasourceVar.path("query").asText()).isEqualTo("prometheus");

        assertThat(Manifests.JSON.valueToTree(d).toString())
                .as("no data source pinned by a concrete uid or name")
                .doesNotContain("\"uid\":\"prometheus\"").doesNotContain("\"datasource\":\"Prometheus\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dashboards")
    void everyPanelHasAUniqueIdAQueryAndTheDatasourceVariable(Path file) {
        JsonNode d = Expressions.dashboard(file);
        Set<Integer> ids = new HashSet<>();
        assertThat(d.path("panels").size()).isGreaterThanOrEqualTo(4);
        for (JsonNode panel : d.path("panels")) {
            String where = file.getFileName() + " panel \"" + panel.path("title").asText() + "\"";
            assertThat(panel.path("id").isInt()).as("%s id", where).isTrue();
            assertThat(ids.add(panel.path("id").asInt())).as("%s id %d unique", where, panel.path("id").asInt()).isTrue();
            assertThat(panel.path("type").asText()).as("%s type", where).isNotBlank().isNotEqualTo("row");
            assertThat(panel.path("datasource").path("uid").asText()).as("%s data source", where).isEqualTo(DATASOURCE);
            assertThat(panel.path("gridPos").path("w").asInt()).as("%s width", where).isBetween(1, 24);
            assertThat(panel.path("targets").size()).as("%s has a query", where).isPositive();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as("%s query %s", where, target.path("refId").asText()).isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).as("%s query data source", where).isEqualTo(DATASOURCE);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dashboards")
    void panelsDoNotOverlapOnTheGrid(Path file) {
        List<JsonNode> panels = new ArrayList<>();
        Expressions.dashboard(file).path("panels").forEach(panels::add);
        for (int i = 0; i < panels.size(); i++) {
            for (int j = i + 1; j < panels.size(); j++) {
                JsonNode a = panels.get(i).path("gridPos");
                JsonNode b = panels.get(j).path("gridPos");
                boolean apart = a.path("x").asInt() + a.path("w").asInt() <= b.path("x").asInt()
                        || b.path("x").asInt() + b.path("w").asInt() <= a.path("x").asInt()
                        || a.path("y").asInt() + a.path("h").asInt() <= b.path("y").asInt()
                        || b.path("y").asInt() + b.path("h").asInt() <= a.path("y").asInt();
                assertThat(apart).as("%s: panels \"%s\" and \"%s\" overlap", file.getFileName(),
                        panels.get(i).path("title").asText(), panels.get(j).path("title").asText()).isTrue();
            }
        }
    }

    @Test
    void everyDashboardQueryParsesAsPromQl(@TempDir Path dir) throws IOException {
        Tool.PROMTOOL.assume("PromQL parse of the dashboards' queries (promtool check rules)");
        // promtool parses expressions in rule files: one recording rule per query, Grafana variables substituted.
        List<Expressions.Expr> exprs = new ArrayList<>(Expressions.dashboards());
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            String promql = Expressions.substituteGrafanaVariables(exprs.get(i).promql());
            rules.append("      - record: dashboard:query_").append(i).append(":check\n")
                    .append("        expr: ").append(Manifests.JSON.writeValueAsString(promql)).append('\n');
        }
        Path file = dir.resolve("dashboards.rules.yml");
        Files.writeString(file, rules);

        Tool.Result result = Tool.PROMTOOL.run(dir, "check", "rules", file.toString());
        assertThat(result.ok()).as("%s\n(query_N is the Nth of: %s)", result.describe(),
                exprs.stream().map(Expressions.Expr::where).toList()).isTrue();
        assertThat(result.output()).contains("SUCCESS: " + exprs.size() + " rules found");
    }

    @Test
    void theParseCheckRejectsABrokenQuery(@TempDir Path dir) throws IOException {
        Tool.PROMTOOL.assume("PromQL parse guard (promtool check rules)");
        Path file = dir.resolve("broken.rules.yml");
        Files.writeString(file, "groups:\n  - name: x\n    rules:\n      - record: x:y\n        expr: "
                + Manifests.JSON.writeValueAsString(Expressions.substituteGrafanaVariables(
                "sum by (pod (rate(hangcheck_ingest_ticks_sent_total[$__rate_interval]))")) + "\n");
        assertThat(Tool.PROMTOOL.run(dir, "check", "rules", file.toString()).ok()).isFalse();
    }

    @Test
    void provisioningLoadsEveryDashboard() {
        JsonNode providers = Manifests.documents(Deploy.read(Deploy.GRAFANA.resolve("provisioning/dashboards.yaml"))).get(0);
        assertThat(providers.path("apiVersion").asInt()).isEqualTo(1);
        JsonNode provider = providers.path("providers").get(0);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText()).isNotBlank();

        String kustomization = Deploy.read(Deploy.GRAFANA.resolve("kustomization.yaml"));
        for (Path file : dashboards()) {
            assertThat(kustomization).as("grafana/kustomization.yaml ships %s", file.getFileName())
                    .contains("dashboards/" + file.getFileName());
        }
    }
}
