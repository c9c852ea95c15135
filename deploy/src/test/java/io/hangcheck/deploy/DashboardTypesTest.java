package io.hangcheck.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards type-check against Grafana's own dashboard model: each JSON file becomes
 * {@code (json) satisfies Loose<Dashboard>} with Dashboard from {@code @grafana/schema} (pinned in
 * src/test/node/package.json), and {@code tsc --noEmit} must accept them all: no unknown field, no missing
 * required one, no wrong type.
 */
class DashboardTypesTest {

    @Test
    void everyDashboardSatisfiesGrafanasSchema() throws IOException {
        Path home = NodeTools.install("dashboards type-check (@grafana/schema, tsc --noEmit)");
        Path check = home.resolve("check");
        Files.createDirectories(check);
        try (var old = Files.list(check)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        int dashboards = 0;
        for (Path file : Deploy.files(Deploy.DASHBOARDS, ".json")) {
            String name = file.getFileName().toString().replace(".json", "");
            Files.writeString(check.resolve(name + ".ts"), "import type { Dashboard } from '@grafana/schema';\n"
                    + "import type { Loose } from '../loose.js';\n"
                    + "export const dashboard = (" + Deploy.read(file).strip() + ") satisfies Loose<Dashboard>;\n");
            dashboards++;
        }
        assertThat(dashboards).isEqualTo(4);
        Tool.Result tsc = Tool.NODE.run(home, "node_modules/typescript/bin/tsc", "-p", "tsconfig.json");
        assertThat(tsc.ok()).as(tsc.describe()).isTrue();
    }

    @Test
    void theTypeCheckCatchesAMissingRequiredFieldAndAnUnknownOne() throws IOException {
        // The guard itself: a link without its required tooltip, and a variable with a field Grafana does not know.
        Path home = NodeTools.install("dashboards type-check (@grafana/schema, tsc --noEmit)");
        Path dir = Files.createDirectories(home.resolve("guard/check"));
        Files.copy(home.resolve("loose.ts"), home.resolve("guard/loose.ts"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(home.resolve("tsconfig.json"), home.resolve("guard/tsconfig.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("bad.ts"), """
                import type { Dashboard } from '@grafana/schema';
                import type { Loose } from '../loose.js';
                export const dashboard = ({
                  "title": "x", "editable": false, "graphTooltip": 0, "schemaVersion": 39,
                  "links": [{"asDropdown": false, "icon": "external link", "includeVars": true, "keepTime": true,
                             "tags": [], "targetBlank": false, "title": "t", "type": "dashboards"}],
                  "templating": {"list": [{"name": "v", "type": "query", "definition": "up"}]}
                }) satisfies Loose<Dashboard>;
                """);
        Tool.Result tsc = Tool.NODE.run(home.resolve("guard"), home.resolve("node_modules/typescript/bin/tsc").toString(),
                "-p", "tsconfig.json");
        assertThat(tsc.ok()).as(tsc.describe()).isFalse();
        assertThat(tsc.output()).contains("tooltip").contains("definition");
    }

    @Test
    void everyDashboardHasDatasourceNamespaceAndPodOrInstanceVariables() {
        for (Path file : Deploy.files(Deploy.DASHBOARDS, ".json")) {
            Set<String> names = new HashSet<>();
            for (JsonNode v : Expressions.dashboard(file).path("templating").path("list")) {
                names.add(v.path("name").asText());
            }
            assertThat(names).as("%s variables", file.getFileName()).contains("datasource", "namespace");
            assertThat(names).as("%s has a pod or instance variable", file.getFileName())
                    .containsAnyOf("pod", "instance");
        }
    }
}
