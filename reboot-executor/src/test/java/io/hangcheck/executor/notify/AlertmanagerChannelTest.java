package io.hangcheck.executor.notify;

import io.hangcheck.testing.RequiredTools;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Against a real Alertmanager (Debian {@code prometheus-alertmanager}, started here on a free port): a fleet-frozen
 * alert appears in {@code amtool alert query}, and is gone from it once resolved. Skipped with the install command
 * when the tool is missing, unless {@code HANGCHECK_REQUIRE_TOOLS} lists {@code alertmanager}.
 */
class AlertmanagerChannelTest {
    static Process alertmanager;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> bin = onPath("prometheus-alertmanager").or(() -> onPath("alertmanager"));
        Optional<Path> amtool = onPath("amtool");
        if (bin.isEmpty() || amtool.isEmpty()) {
            RequiredTools.unavailable("alertmanager", "the Alertmanager channel test",
                    "'prometheus-alertmanager' and 'amtool' are needed (apt-get install -y prometheus-alertmanager)");
        }
        Path dir = Files.createTempDirectory("executor-alertmanager");
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, "route:\n  receiver: nobody\n  group_wait: 1s\nreceivers:\n  - name: nobody\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        url = "http://127.0.0.1:" + port;
        alertmanager = new ProcessBuilder(bin.get().toString(), "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (alertmanager != null) {
            alertmanager.destroy();
            alertmanager.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFreezeAppearsInAmtoolAndResolvesWhenItEnds() throws Exception {
        AlertmanagerChannel channel = new AlertmanagerChannel(URI.create(url), HttpClient.newHttpClient(), Clock.systemUTC(), Duration.ofMinutes(5));
        channel.fire(new Alert(FleetFreezeWatch.GROUP, FleetFreezeWatch.KEY, "The fleet is FROZEN since now: nothing is rebooted"));
        channel.fire(new Alert(FleetFreezeWatch.GROUP, FleetFreezeWatch.KEY, "The fleet is FROZEN since now: nothing is rebooted")); // refreshed, still one
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(amtool()).contains("hangcheck_fleet_frozen")
                .contains("nothing is rebooted"));
        assertThat(amtool().lines().filter(l -> l.contains("hangcheck_fleet_frozen")).count()).isEqualTo(1);
        channel.resolve(FleetFreezeWatch.GROUP, FleetFreezeWatch.KEY, "The fleet is NORMAL again");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(amtool()).doesNotContain("hangcheck_fleet_frozen"));
    }

    private static String amtool() throws Exception {
        Process p = new ProcessBuilder("amtool", "alert", "query", "--alertmanager.url=" + url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static Optional<Path> onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path c = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isRegularFile(c) && Files.isExecutable(c)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
