package io.hangcheck.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/alertmanager: the plain Alertmanager configuration passes {@code amtool check-config}, routes each
 * kind of alert to the receiver it must reach ({@code amtool config routes test}), and the AlertmanagerConfig
 * resource for Prometheus Operator users carries the same routes, receivers and inhibitions.
 */
class AlertmanagerTest {

    static final Path DIR = Deploy.DIR.resolve("alertmanager");

    @Test
    void amtoolChecksTheConfiguration() {
        Tool.AMTOOL.assume("amtool check-config");
        Tool.Result result = Tool.AMTOOL.run(DIR, "check-config", "alertmanager.yml");
        assertThat(result.ok()).as(result.describe()).isTrue();
        assertThat(result.output()).contains("SUCCESS").contains("3 inhibit rules");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "alertname=HangcheckWatchdog severity=none service=prometheus, hangcheck-deadmansswitch",
            "alertname=HangcheckFleetFrozen severity=critical namespace=hangcheck, hangcheck-critical",
            "alertname=HangcheckRebootRateAboveCap severity=critical, hangcheck-critical",
            "alertname=HangcheckHostQuarantined severity=warning, hangcheck-warning",
            "alertname=HangcheckConsumerLagHigh severity=warning, hangcheck-warning",
            "alertname=SomethingElse severity=none, hangcheck-null",
            "alertname=SomethingUnlabelled, hangcheck-warning",
    })
    void amtoolRoutesEachAlertToItsReceiver(String labels, String receiver) {
        Tool.AMTOOL.assume("amtool config routes test");
        List<String> args = new ArrayList<>(List.of("config", "routes", "test", "--config.file=alertmanager.yml",
                "--verify.receivers=" + receiver));
        args.addAll(List.of(labels.split(" ")));
        Tool.Result result = Tool.AMTOOL.run(DIR, args.toArray(String[]::new));
        assertThat(result.ok()).as(result.describe()).isTrue();
    }

    @Test
    void everySeverityTheRulesUseHasARoute() {
        Set<String> severities = new TreeSet<>();
        PrometheusRulesTest.rules().forEach(r -> severities.add(r.path("labels").path("severity").asText()));
        Set<String> routed = new TreeSet<>();
        for (JsonNode route : plain().path("route").path("routes")) {
            route.path("matchers").forEach(m -> {
                if (m.asText().startsWith("severity = ")) {
                    routed.add(m.asText().replaceAll(".*\"(.*)\"", "$1"));
                }
            });
        }
        assertThat(routed).containsAll(severities);
    }

    @Test
    void theAlertmanagerConfigResourceMatchesThePlainConfiguration() {
        JsonNode plain = plain();
        JsonNode resource = Manifests.documents(Deploy.read(DIR.resolve("alertmanagerconfig.yaml"))).get(0);
        Manifests.typed(resource);

        // Same receivers, same order of routes with the same matchers and receivers, same inhibitions.
        List<String> plainReceivers = new ArrayList<>();
        plain.path("receivers").forEach(r -> plainReceivers.add(r.path("name").asText()));
        List<String> resourceReceivers = new ArrayList<>();
        resource.at("/spec/receivers").forEach(r -> resourceReceivers.add(r.path("name").asText()));
        assertThat(resourceReceivers).isEqualTo(plainReceivers);

        assertThat(routes(resource.at("/spec/route/routes"), true)).isEqualTo(routes(plain.at("/route/routes"), false));
        assertThat(resource.at("/spec/route/receiver")).isEqualTo(plain.at("/route/receiver"));

        List<String> plainInhibit = new ArrayList<>();
        plain.path("inhibit_rules").forEach(r -> plainInhibit.add(
                matchers(r.path("source_matchers"), false) + " => " + matchers(r.path("target_matchers"), false)
                        + " on " + (r.has("equal") ? r.path("equal") : Manifests.JSON.createArrayNode())));
        List<String> resourceInhibit = new ArrayList<>();
        resource.at("/spec/inhibitRules").forEach(r -> resourceInhibit.add(
                matchers(r.path("sourceMatch"), true) + " => " + matchers(r.path("targetMatch"), true)
                        + " on " + (r.has("equal") ? r.path("equal") : Manifests.JSON.createArrayNode())));
        assertThat(resourceInhibit).isEqualTo(plainInhibit);
        // The resource never inlines a receiver URL: Secrets only.
        assertThat(Deploy.read(DIR.resolve("alertmanagerconfig.yaml"))).doesNotContain("url:").doesNotContain("http");
    }

    static JsonNode plain() {
        return Manifests.documents(Deploy.read(DIR.resolve("alertmanager.yml"))).get(0);
    }

    private static List<String> routes(JsonNode routes, boolean operator) {
        List<String> out = new ArrayList<>();
        routes.forEach(r -> out.add(r.path("receiver").asText() + " " + matchers(r.path("matchers"), operator)));
        return out;
    }

    /** Matchers in one notation: {@code name=value} / {@code name=~value}, from either format. */
    private static List<String> matchers(JsonNode matchers, boolean operator) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : matchers) {
            if (operator) {
                out.add(m.path("name").asText() + m.path("matchType").asText("=") + m.path("value").asText());
            } else {
                out.add(m.asText().replaceAll("^(\\w+) (=~|=) \"(.*)\"$", "$1$2$3"));
            }
        }
        return out;
    }
}
