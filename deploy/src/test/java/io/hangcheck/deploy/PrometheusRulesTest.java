package io.hangcheck.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerting rules: promtool accepts and tests them, every alert carries what an on-call person needs and
 * has a runbook section and a promtool test case (one that fires it and, where it can, one that must not),
 * and the PrometheusRule resource is generated from the plain file.
 */
class PrometheusRulesTest {

    /** The alerts issue 8 asks for (plus target-down and partition-clock alerts added alongside). */
    static final Set<String> REQUIRED = Set.of(
            "HangcheckFleetFrozen", "HangcheckFleetDegraded", "HangcheckIngestDegraded", "HangcheckPipelineStalled",
            "HangcheckSocketExhaustionForecast", "HangcheckConnectionLeakByPeer", "HangcheckExecutorPausedLong",
            "HangcheckHostQuarantined", "HangcheckRebootRateAboveCap", "HangcheckWatchdog");

    static List<JsonNode> rules() {
        List<JsonNode> rules = new ArrayList<>();
        JsonNode root = Manifests.documents(Deploy.read(Deploy.RULES)).get(0);
        root.path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    @Test
    void promtoolChecksTheRules() {
        Tool.PROMTOOL.assume("promtool check rules");
        Tool.Result result = Tool.PROMTOOL.run(Deploy.PROMETHEUS, "check", "rules", "rules/hangcheck.rules.yml");
        assertThat(result.ok()).as(result.describe()).isTrue();
    }

    @Test
    void promtoolUnitTestsPass() {
        Tool.PROMTOOL.assume("promtool test rules");
        Tool.Result result = Tool.PROMTOOL.run(Deploy.PROMETHEUS, "test", "rules", "tests/hangcheck.rules.test.yml");
        assertThat(result.ok()).as(result.describe()).isTrue();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasForSeveritySummaryDescriptionAndARunbookSection() {
        String runbook = Deploy.read(Deploy.RUNBOOK);
        Set<String> anchors = new TreeSet<>();
        Matcher heading = Pattern.compile("(?m)^#{2,3} (.+)$").matcher(runbook);
        while (heading.find()) {
            anchors.add(heading.group(1).strip().toLowerCase().replaceAll("[^a-z0-9 -]", "").replace(' ', '-'));
        }
        Set<String> names = new TreeSet<>();
        for (JsonNode rule : rules()) {
            String alert = rule.path("alert").asText();
            assertThat(alert).as("every rule is an alert (recording rules would need no runbook): %s", rule).isNotBlank();
            names.add(alert);
            assertThat(rule.has("for")).as("%s has for:", alert).isTrue();
            assertThat(rule.path("labels").path("severity").asText()).as("%s severity", alert)
                    .isIn("critical", "warning", "none");
            for (String annotation : List.of("summary", "description", "runbook_url")) {
                assertThat(rule.path("annotations").path(annotation).asText()).as("%s %s", alert, annotation).isNotBlank();
            }
            String url = rule.path("annotations").path("runbook_url").asText();
            assertThat(url).as("%s runbook_url", alert).contains("deploy/RUNBOOK.md#");
            String anchor = url.substring(url.indexOf('#') + 1);
            assertThat(anchor).as("%s: anchor is the alert name in lower case", alert).isEqualTo(alert.toLowerCase());
            assertThat(anchors).as("deploy/RUNBOOK.md has a section for %s", alert).contains(anchor);
        }
        assertThat(names).containsAll(REQUIRED);
    }

    @Test
    void everyAlertHasATestCaseThatFiresItAndOneThatDoesNot() {
        Map<String, int[]> cases = new HashMap<>(); // alert -> {firing cases, quiet cases}
        JsonNode tests = Manifests.documents(Deploy.read(Deploy.RULE_TESTS)).get(0);
        tests.path("tests").forEach(t -> t.path("alert_rule_test").forEach(a -> {
            int[] counts = cases.computeIfAbsent(a.path("alertname").asText(), k -> new int[2]);
            counts[a.path("exp_alerts").isEmpty() ? 1 : 0]++;
        }));
        for (JsonNode rule : rules()) {
            String alert = rule.path("alert").asText();
            int[] counts = cases.getOrDefault(alert, new int[2]);
            assertThat(counts[0]).as("promtool cases where %s fires", alert).isPositive();
            if (!alert.equals("HangcheckWatchdog")) { // the dead man's switch has no quiet case by definition
                assertThat(counts[1]).as("promtool cases where %s must stay quiet", alert).isPositive();
            }
        }
    }

    @Test
    void thePrometheusRuleIsGeneratedFromThePlainFileAndUpToDate() {
        Tool.BASH.assume("generate-prometheusrule.sh");
        Tool.Result generated = Tool.BASH.run(Deploy.PROMETHEUS, "generate-prometheusrule.sh", "--stdout");
        assertThat(generated.ok()).as(generated.describe()).isTrue();
        String committed = Deploy.read(Deploy.PROMETHEUS.resolve("prometheusrule.yaml"));
        assertThat(committed).startsWith("# GENERATED by deploy/prometheus/generate-prometheusrule.sh");
        assertThat(committed)
                .as("prometheusrule.yaml is stale: run deploy/prometheus/generate-prometheusrule.sh")
                .isEqualTo(generated.output());

        // And the resource carries exactly the plain file's groups.
        JsonNode resource = Manifests.documents(committed).get(0);
        JsonNode plain = Manifests.documents(Deploy.read(Deploy.RULES)).get(0);
        assertThat(resource.path("spec").path("groups")).isEqualTo(plain.path("groups"));
    }

    @Test
    void promtoolChecksTheLocalPrometheusConfig() {
        Tool.PROMTOOL.assume("promtool check config");
        Tool.Result result = Tool.PROMTOOL.run(Deploy.PROMETHEUS, "check", "config", "prometheus.yml");
        assertThat(result.ok()).as(result.describe()).isTrue();
    }

    @Test
    void promtoolChecksTheKubernetesScrapeJob(@TempDir Path dir) throws IOException {
        Tool.PROMTOOL.assume("promtool check config (scrape-kubernetes.yml)");
        // The job is a scrape_configs entry: wrap it into a whole configuration to check it.
        String job = Deploy.read(Deploy.PROMETHEUS.resolve("scrape-kubernetes.yml")).replaceFirst("(?s)^---\n", "");
        StringBuilder config = new StringBuilder("scrape_configs:\n");
        job.lines().filter(l -> !l.startsWith("#")).forEach(l -> config.append("  ").append(l).append('\n'));
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);

        Tool.Result result = Tool.PROMTOOL.run(dir, "check", "config", file.toString());
        Assumptions.assumeFalse(result.output().contains("field kubernetes_sd_configs not found"),
                "this promtool was built without Kubernetes service discovery (Debian's is); "
                        + "scrape-kubernetes.yml is checked where promtool is the upstream build");
        assertThat(result.ok()).as(result.describe()).isTrue();
    }
}
