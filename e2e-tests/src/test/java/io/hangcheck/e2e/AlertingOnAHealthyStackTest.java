package io.hangcheck.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hangcheck.testing.RequiredTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The project's alerting rules on the series the services really export: a real Prometheus (Debian's
 * {@code prometheus}) scrapes the four real services of a freshly started, healthy stack with
 * deploy/prometheus/rules loaded and sends to a real Alertmanager ({@code prometheus-alertmanager}) configured
 * with deploy/alertmanager/alertmanager.yml. Over a minute of 2-second evaluations no alert but the Watchdog
 * is ever pending or firing, and the Watchdog reaches Alertmanager: the whole alerting path works and stays
 * quiet when nothing is wrong. It runs first of all classes: the socket monitor reads the whole machine's socket
 * table, and a class before it would leave its closed connections there (ScenariosTest's hosts post on a new
 * connection each beat), which {@code HangcheckConnectionLeakByPeer} reports.
 */
@Order(1)
class AlertingOnAHealthyStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** Evaluations of every rule group (one a second) a healthy stack must pass without an alert besides the Watchdog. */
    private static final int EVALUATIONS = 30;
    private static Stack stack;
    private static Fleet fleet;
    private static ServiceProcess sockets;
    private static final List<Process> monitors = new ArrayList<>();
    private static String prometheus;
    private static String alertmanager;

    @BeforeAll
    static void start() throws Exception {
        for (String tool : List.of("prometheus", "prometheus-alertmanager")) {
            RequiredTools.require(tool, "alerting on a healthy stack", "apt-get install -y prometheus prometheus-alertmanager");
        }
        stack = Stack.start("alerting");
        // the socket monitor starts on the ready stack, as one is added to a running lab (a pool filling up as the
        // stack starts is not a leak either: PG_IDLE_GROWTH wants growth over half its window, LeakDetectorTest)
        sockets = ServiceProcess.quarkus("socket-monitor", "sockets-alerting", Map.of(
                "HANGCHECK_KAFKA", stack.kafka.bootstrapServers(),
                "HANGCHECK_SOCKETS_INTERVAL", "1s",
                "HANGCHECK_SOCKETS_PG_URLS", stack.dbUrl)).start();
        sockets.awaitReady(Duration.ofMinutes(3));
        fleet = new Fleet(stack.ingest, "alerting", 12);
        fleet.start(Duration.ofMillis(500));

        Path dir = Files.createDirectories(Stack.logDir().resolve("alerting-monitoring"));
        int amPort = freePort();
        int promPort = freePort();
        alertmanager = "http://127.0.0.1:" + amPort;
        prometheus = "http://127.0.0.1:" + promPort;
        Path deploy = ServiceProcess.ROOT.resolve("deploy");

        StringBuilder config = new StringBuilder()
                .append("global: {scrape_interval: 2s, evaluation_interval: 1s}\n")
                .append("rule_files: [\"").append(deploy.resolve("prometheus/rules/hangcheck.rules.yml")).append("\"]\n")
                .append("alerting:\n  alertmanagers: [{static_configs: [{targets: [\"127.0.0.1:").append(amPort).append("\"]}]}]\n")
                .append("scrape_configs:\n");
        Map<String, ServiceProcess> jobs = Map.of("heartbeat-ingest", stack.ingest, "liveness-evaluator", stack.evaluator,
                "reboot-executor", stack.executor, "socket-monitor", sockets);
        jobs.forEach((job, p) -> {
            URI uri = p.uri("/metrics");
            config.append("  - {job_name: ").append(job).append(", static_configs: [{targets: [\"")
                    .append(uri.getHost()).append(':').append(uri.getPort())
                    .append("\"], labels: {namespace: e2e, pod: e2e-").append(job).append("}}]}\n");
        });
        Files.writeString(dir.resolve("prometheus.yml"), config);

        monitors.add(new ProcessBuilder("prometheus-alertmanager",
                "--config.file=" + deploy.resolve("alertmanager/alertmanager.yml"),
                "--storage.path=" + dir.resolve("alertmanager-data"),
                "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start());
        monitors.add(new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
                "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                status(prometheus + "/-/ready") == 200 && status(alertmanager + "/-/ready") == 200);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (Process p : monitors) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (sockets != null) {
            sockets.close();
        }
        Stack.close(fleet, stack);
    }

    @Test
    void aHealthyFreshStackFiresNothingButTheWatchdogAndTheWatchdogReachesAlertmanager() throws Exception {
        // Every target is scraped and up, and the rules are evaluated.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode up = get(prometheus + "/api/v1/query?query=up").path("data").path("result");
            Set<String> upJobs = new TreeSet<>();
            up.forEach(r -> {
                if (r.path("value").path(1).asText().equals("1")) {
                    upJobs.add(r.path("metric").path("job").asText());
                }
            });
            assertThat(upJobs).containsExactly("heartbeat-ingest", "liveness-evaluator", "reboot-executor", "socket-monitor");
        });
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(alertNames(alertmanager + "/api/v2/alerts", true)).contains("HangcheckWatchdog"));

        // EVALUATIONS more evaluations of every rule group, alerts read after each second: anything pending or
        // firing besides the Watchdog is a false alarm.
        Map<String, Double> from = groupIterations();
        assertThat(from).as("rule groups evaluated").isNotEmpty();
        Set<String> seen = new TreeSet<>();
        int[] polls = {0};
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            seen.addAll(alertNames(prometheus + "/api/v1/alerts", false));
            polls[0]++;
            Map<String, Double> now = groupIterations();
            return from.keySet().stream().allMatch(g -> now.getOrDefault(g, 0.0) >= from.get(g) + EVALUATIONS);
        });
        seen.addAll(alertNames(prometheus + "/api/v1/alerts", false));
        assertThat(polls[0]).isGreaterThan(10);
        assertThat(seen).as("alerts pending or firing on a healthy fresh stack").containsExactly("HangcheckWatchdog");

        JsonNode groups = get(prometheus + "/api/v1/rules").path("data").path("groups");
        int evaluated = 0;
        for (JsonNode g : groups) {
            for (JsonNode r : g.path("rules")) {
                assertThat(r.path("health").asText()).as("rule %s", r.path("name").asText()).isEqualTo("ok");
                evaluated++;
            }
        }
        assertThat(evaluated).as("rules loaded and evaluated").isGreaterThan(20);
    }

    /** Completed evaluations of each rule group, from Prometheus's own metrics. */
    private static Map<String, Double> groupIterations() throws Exception {
        Map<String, Double> out = new java.util.HashMap<>();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prometheus + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        for (String line : r.body().split("\n")) {
            if (line.startsWith("prometheus_rule_group_iterations_total{")) {
                out.put(line.substring(0, line.lastIndexOf(' ')), Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return out;
    }

    /** Alert names from Prometheus (/api/v1/alerts: pending and firing) or Alertmanager (/api/v2/alerts). */
    private static Set<String> alertNames(String url, boolean alertmanagerApi) throws Exception {
        JsonNode body = get(url);
        JsonNode alerts = alertmanagerApi ? body : body.path("data").path("alerts");
        Set<String> names = new TreeSet<>();
        alerts.forEach(a -> names.add(a.path("labels").path("alertname").asText()));
        return names;
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
