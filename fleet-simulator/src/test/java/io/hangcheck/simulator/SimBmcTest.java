package io.hangcheck.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hangcheck.testing.RequiredTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulated BMCs: DMTF conventions, vendor profiles, and a real Redfish client (python3-sushy) driving a reset. */
class SimBmcTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8));

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<FleetSimulator> toClose = new ArrayList<>();

    @AfterEach
    void stop() {
        toClose.forEach(FleetSimulator::close);
    }

    FleetSimulator simulator(String profile) throws Exception {
        FleetSimulator sim = new FleetSimulator(SimConfig.from(new String[]{"--pools", "nightly:3",
                "--control-port", "0", "--status-every", "0", "--ingest", "127.0.0.1:9", "--interval", "1s", "--seed", "1",
                "--bmc-user", "admin", "--bmc-password", "pw", "--bmc-profile", profile}, Map.of()), Clock.systemUTC());
        toClose.add(sim);
        sim.start();
        return sim;
    }

    HttpResponse<String> send(FleetSimulator sim, String method, String path, String body, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.controlPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (auth) {
            b.header("Authorization", AUTH);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void followsTheDmtfConventionsAClientReliesOn() throws Exception {
        FleetSimulator sim = simulator("hangcheck");
        assertThat(json(send(sim, "GET", "/redfish", null, false)).get("v1").asText()).isEqualTo("/redfish/v1/");
        HttpResponse<String> root = send(sim, "GET", "/redfish/v1/", null, false);
        assertThat(root.headers().firstValue("OData-Version")).contains("4.0");
        JsonNode r = json(root);
        assertThat(r.at("/Links/Sessions/@odata.id").asText()).isEqualTo("/redfish/v1/SessionService/Sessions");
        assertThat(r.at("/Systems/@odata.id").asText()).isEqualTo("/redfish/v1/Systems");
        assertThat(send(sim, "GET", "/redfish/v1/Systems", null, false).statusCode()).isEqualTo(401);

        HttpResponse<String> login = send(sim, "POST", "/redfish/v1/SessionService/Sessions",
                "{\"UserName\":\"admin\",\"Password\":\"pw\"}", false);
        assertThat(login.statusCode()).isEqualTo(201);
        String token = login.headers().firstValue("X-Auth-Token").orElseThrow();
        HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.controlPort()
                + "/redfish/v1/Systems/nightly-001")).header("X-Auth-Token", token).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode system = json(withToken);
        assertThat(system.get("Boot").get("BootSourceOverrideEnabled").asText()).isEqualTo("Disabled");
        assertThat(send(sim, "POST", "/redfish/v1/SessionService/Sessions", "{\"UserName\":\"admin\",\"Password\":\"no\"}", false)
                .statusCode()).isEqualTo(401);

        // A request that says Connection: close gets an answer that says so too, and then the end of the stream.
        try (Socket s = new Socket("127.0.0.1", sim.controlPort())) {
            s.getOutputStream().write(("GET /redfish/v1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.setSoTimeout(5000);
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("\r\nConnection: close\r\n");
        }
    }

    @Test
    void idracProfileHasOneSystemPerHostBmcRefusesGracefulRestartAndIsBusyAtFirst() throws Exception {
        FleetSimulator sim = simulator("idrac");
        String bmc = "/bmc/nightly-002/redfish/v1";
        JsonNode members = json(send(sim, "GET", bmc + "/Systems", null, true)).get("Members");
        assertThat(members).hasSize(1);
        assertThat(members.get(0).get("@odata.id").asText()).isEqualTo(bmc + "/Systems/System.Embedded.1");
        JsonNode system = json(send(sim, "GET", bmc + "/Systems/System.Embedded.1", null, true));
        assertThat(system.at("/Actions/#ComputerSystem.Reset/ResetType@Redfish.AllowableValues").toString())
                .doesNotContain("GracefulRestart").contains("PowerCycle");
        String action = system.at("/Actions/#ComputerSystem.Reset/target").asText();
        assertThat(send(sim, "POST", action, "{\"ResetType\":\"GracefulRestart\"}", true).statusCode()).isEqualTo(400);
        HttpResponse<String> busy = send(sim, "POST", action, "{\"ResetType\":\"ForceRestart\"}", true);
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).contains("1");
        assertThat(send(sim, "POST", action, "{\"ResetType\":\"ForceRestart\"}", true).statusCode()).isEqualTo(204);
        assertThat(json(send(sim, "GET", "/status", null, false)).at("/resets/byHost/nightly-002").asInt()).isEqualTo(1);
    }

    @Test
    void sushyProfileNamesSystemsByUuidRedirectsNamesAndLacksPowerCycle() throws Exception {
        FleetSimulator sim = simulator("sushy");
        String uuid = BmcProfile.uuid(0);
        HttpResponse<String> byName = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.controlPort()
                + "/redfish/v1/Systems/nightly-001")).header("Authorization", AUTH).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(byName.statusCode()).isEqualTo(307);
        assertThat(byName.headers().firstValue("Location")).contains("/redfish/v1/Systems/" + uuid);
        JsonNode system = json(send(sim, "GET", "/redfish/v1/Systems/" + uuid, null, true));
        assertThat(system.get("Name").asText()).isEqualTo("nightly-001");
        assertThat(send(sim, "POST", "/redfish/v1/Systems/" + uuid + "/Actions/ComputerSystem.Reset", "{\"ResetType\":\"PowerCycle\"}", true)
                .statusCode()).isEqualTo(501);
        assertThat(send(sim, "GET", "/redfish/v1/Systems/1", null, true).statusCode()).isEqualTo(404);
    }

    @Test
    void theSushyClientLibraryDrivesAResetOnTheSimulator(@TempDir Path dir) throws Exception {
        assumePythonSushy();
        Path script = dir.resolve("sushy-reset.py");
        try (InputStream in = SimBmcTest.class.getResourceAsStream("/sushy-reset.py")) {
            Files.copy(in, script);
        }
        FleetSimulator sim = simulator("idrac");
        String base = "http://127.0.0.1:" + sim.controlPort();
        // Discovery of the only system of a host's own BMC; iDRAC is busy at first and sushy does not retry a POST.
        Run first = python(script, base, "/bmc/nightly-003/redfish/v1/", "admin", "pw", "-", "ForceRestart");
        assertThat(first.exit()).as(first.output()).isEqualTo(1);
        assertThat(first.output()).contains("system System.Embedded.1 power On").contains("returned code 503");
        Run second = python(script, base, "/bmc/nightly-003/redfish/v1/", "admin", "pw", "-", "ForceRestart");
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).contains("reset sent");
        // The fleet's BMC, the system given by path.
        Run fleet = python(script, base, "/redfish/v1/", "admin", "pw", "/redfish/v1/Systems/nightly-001", "PowerCycle");
        assertThat(fleet.exit()).as(fleet.output()).isOne(); // first reset of nightly-001: busy
        fleet = python(script, base, "/redfish/v1/", "admin", "pw", "/redfish/v1/Systems/nightly-001", "PowerCycle");
        assertThat(fleet.exit()).as(fleet.output()).isZero();
        Run wrong = python(script, base, "/bmc/nightly-003/redfish/v1/", "admin", "nope", "-", "ForceRestart");
        assertThat(wrong.output()).contains("401");

        JsonNode status = json(send(sim, "GET", "/status", null, false));
        assertThat(status.at("/resets/byHost/nightly-003").asInt()).isEqualTo(1);
        assertThat(status.at("/resets/byHost/nightly-001").asInt()).isEqualTo(1);
        assertThat(status.at("/resets/total").asInt()).isEqualTo(2);
    }

    @Test
    void overHttpsWithASanLessCertificateTheSushyClientResetsOnlyWithVerificationOff(@TempDir Path dir) throws Exception {
        assumePythonSushy();
        Path script = dir.resolve("sushy-reset.py");
        try (InputStream in = SimBmcTest.class.getResourceAsStream("/sushy-reset.py")) {
            Files.copy(in, script);
        }
        FleetSimulator sim = new FleetSimulator(SimConfig.from(new String[]{"--pools", "nightly:2",
                "--control-port", "0", "--status-every", "0", "--ingest", "127.0.0.1:9", "--interval", "1s", "--seed", "1",
                "--bmc-user", "admin", "--bmc-password", "pw", "--bmc-profile", "ilo", "--bmc-tls-port", "0"}, Map.of()), Clock.systemUTC());
        toClose.add(sim);
        sim.start();
        java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(Files.newInputStream(sim.bmcCertificate()));
        assertThat(cert.getSubjectAlternativeNames()).as("no SAN, as BMCs ship").isNull();
        String base = "https://127.0.0.1:" + sim.bmcTlsPort();
        Run verified = python(script, base, "/bmc/nightly-001/redfish/v1/", "admin", "pw", "-", "ForceRestart", sim.bmcCertificate().toString());
        assertThat(verified.exit()).as(verified.output()).isOne();
        assertThat(verified.output()).containsIgnoringCase("certificate");
        Run busy = python(script, base, "/bmc/nightly-001/redfish/v1/", "admin", "pw", "-", "ForceRestart", "insecure");
        assertThat(busy.output()).contains("system 1 power On").contains("returned code 503");
        Run ok = python(script, base, "/bmc/nightly-001/redfish/v1/", "admin", "pw", "-", "ForceRestart", "insecure");
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(json(send(sim, "GET", "/status", null, false)).at("/resets/byHost/nightly-001").asInt()).isEqualTo(1);
    }

    record Run(int exit, String output) {
    }

    static Run python(Path script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        // requests lets these override a session's verify=False (its issue 3829): the client must decide alone.
        b.environment().remove("REQUESTS_CA_BUNDLE");
        b.environment().remove("CURL_CA_BUNDLE");
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** Skips unless Debian's python3-sushy is importable; fails instead when HANGCHECK_REQUIRE_TOOLS names it. */
    static void assumePythonSushy() throws Exception {
        boolean ok = Files.isExecutable(Path.of("/usr/bin/python3"))
                && new ProcessBuilder("/usr/bin/python3", "-c", "import sushy").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        if (!ok) {
            RequiredTools.unavailable("python3-sushy", "the real-client check (SimBmcTest)",
                    "/usr/bin/python3 cannot import sushy (apt-get install -y python3-sushy)");
        }
    }
}
