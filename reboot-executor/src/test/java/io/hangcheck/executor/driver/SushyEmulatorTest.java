package io.hangcheck.executor.driver;

import io.hangcheck.executor.domain.ResetType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The redfish driver against a Redfish implementation we did not write: OpenStack sushy-tools' emulator
 * (what Ironic tests against), as a real process. Each emulator is started once for the class.
 */
class SushyEmulatorTest {
    static final String NODE1 = "27946b59-9e44-4fa7-8e91-f3527a1ef094";
    static final String NODE2 = "48295eb5-f3b3-4d5f-9a14-3a1c1d2c1e11";
    static final String NODE3 = "7a1c66b8-0d5c-4b7e-8f6e-2b0a9d1e5f22";

    @TempDir
    static Path dir;
    static final List<SushyEmulator> started = new ArrayList<>();
    static SushyEmulator one;
    static SushyEmulator two;

    final RedfishDriver driver = new RedfishDriver(name -> new RedfishDriver.Login("admin", "password"), true, Duration.ofSeconds(10));

    @BeforeAll
    static void startPlain() throws Exception {
        one = track(SushyEmulator.start(Files.createDirectories(dir.resolve("one")),
                List.of(new SushyEmulator.FakeSystem(NODE1, "lab-node-01", "On")), null, null));
        two = track(SushyEmulator.start(Files.createDirectories(dir.resolve("two")),
                List.of(new SushyEmulator.FakeSystem(NODE2, "lab-node-02", "Off"),
                        new SushyEmulator.FakeSystem(NODE3, "lab-node-03", "On")), null, null));
    }

    @AfterAll
    static void stop() {
        started.forEach(SushyEmulator::close);
    }

    static SushyEmulator track(SushyEmulator e) {
        started.add(e);
        return e;
    }

    static ResetRequest request(String bmc, ResetType type, String systemId) {
        Map<String, String> p = new HashMap<>();
        p.put("bmc", bmc);
        if (systemId != null) {
            p.put("systemId", systemId);
        }
        return new ResetRequest("h1", "h1/b1/41", 1, type, p);
    }

    /** PowerState as the emulator reports it (read with the JDK's client, not the driver's). */
    static String powerState(SushyEmulator e, String uuid) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(e.url() + "/redfish/v1/Systems/" + uuid))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"PowerState\"\\s*:\\s*\"(\\w+)\"").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return m.group(1);
    }

    @Test
    void withNoSystemIdTheOnlySystemIsFoundAndResetAndTheResetIsReadBack() throws Exception {
        assertThat(powerState(one, NODE1)).isEqualTo("On");
        String msg = driver.reset(request(one.url(), ResetType.ForceRestart, null));
        assertThat(msg).contains("ForceRestart accepted").contains("/redfish/v1/Systems/" + NODE1);
        assertThat(one.logged("POST", "/redfish/v1/Systems/" + NODE1 + "/Actions/ComputerSystem.Reset")).isEqualTo(1);
        // The emulator's fake hardware drops power at once and comes back On within 1-11 s.
        assertThat(powerState(one, NODE1)).isEqualTo("Off");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(powerState(one, NODE1)).isEqualTo("On"));
    }

    @Test
    void aSystemNamedByItsNameIsFollowedThroughThe307ToItsUuid() throws Exception {
        assertThat(driver.reset(request(one.url(), ResetType.GracefulRestart, "lab-node-01")))
                .contains("GracefulRestart accepted").contains("/redfish/v1/Systems/" + NODE1);
        assertThat(one.logged("GET", "/redfish/v1/Systems/lab-node-01 HTTP/1.1\" 307")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aBmcAddressWithTheRootPathIsTheRoot() throws Exception {
        assertThat(driver.reset(request(one.url() + "/redfish/v1/", ResetType.GracefulRestart, NODE1))).contains("accepted");
        assertThat(one.logged("GET", "/redfish/v1/redfish")).isZero();
    }

    @Test
    void powerCycleIsNotListedSoItIsRefusedBeforeSendingAndNamesTheNextStep() throws Exception {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(powerState(one, NODE1)).isEqualTo("On"));
        long posts = one.logged("POST", "ComputerSystem.Reset");
        assertThatThrownBy(() -> driver.reset(request(one.url(), ResetType.PowerCycle, null)))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DriverException.Kind.NOT_ACCEPTED);
                    assertThat(e.getMessage()).contains("BMC 127.0.0.1:").contains("PowerCycle refused")
                            .contains("AllowableValues [On, ForceOff, GracefulShutdown, GracefulRestart, ForceRestart, Nmi, ForceOn]")
                            .contains("next listed step: none").doesNotContain("<");
                });
        assertThat(one.logged("POST", "ComputerSystem.Reset")).isEqualTo(posts);
    }

    @Test
    void anUnknownSystemIdIsAFatalErrorNamingItNotAnHtmlPage() {
        assertThatThrownBy(() -> driver.reset(request(one.url(), ResetType.GracefulRestart, "no such/../node")))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DriverException.Kind.FATAL);
                    assertThat(e.getMessage()).contains("HTTP 404").contains("no%20such%2F%2E%2E%2Fnode".replace("%2E%2E", ".."))
                            .doesNotContain("<html").doesNotContain("<!doctype");
                });
    }

    @Test
    void severalSystemsAndNoIdIsAFatalErrorThatAsksForTheId() throws Exception {
        long posts = two.logged("POST", "ComputerSystem.Reset");
        assertThatThrownBy(() -> driver.reset(request(two.url(), ResetType.GracefulRestart, null)))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DriverException.Kind.FATAL);
                    assertThat(e.getMessage()).contains("lists 2 systems").contains("systemId");
                });
        assertThat(two.logged("POST", "ComputerSystem.Reset")).as("nothing was sent").isEqualTo(posts);
    }

    @Test
    void aSystemThatIsOffIsPoweredOn() throws Exception {
        assertThat(powerState(two, NODE2)).isEqualTo("Off");
        assertThat(driver.reset(request(two.url(), ResetType.GracefulRestart, NODE2)))
                .contains("On (asked GracefulRestart; the system was Off) accepted");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(powerState(two, NODE2)).isEqualTo("On"));
    }

    @Test
    void basicAuthRightIsAcceptedAndWrongIsAClearFatalErrorSentOnce() throws Exception {
        Path d = Files.createDirectories(dir.resolve("auth"));
        try (SushyEmulator auth = SushyEmulator.start(d, List.of(new SushyEmulator.FakeSystem(NODE1, "lab-node-01", "On")),
                SushyEmulator.htpasswd("admin", "s3cret"), null)) {
            RedfishDriver right = new RedfishDriver(n -> new RedfishDriver.Login("admin", "s3cret"), true, Duration.ofSeconds(10));
            assertThat(right.reset(request(auth.url(), ResetType.ForceRestart, null))).contains("ForceRestart accepted");

            RedfishDriver wrong = new RedfishDriver(n -> new RedfishDriver.Login("admin", "nope"), true, Duration.ofSeconds(10));
            List<Duration> slept = new ArrayList<>();
            assertThatThrownBy(() -> new Retrier(3, Duration.ofSeconds(1), slept::add).reset(wrong, request(auth.url(), ResetType.ForceRestart, null)))
                    .isInstanceOfSatisfying(DriverException.class, e -> {
                        assertThat(e.kind()).isEqualTo(DriverException.Kind.FATAL);
                        assertThat(e.getMessage()).contains("HTTP 401").contains("credentials of user admin refused");
                    });
            assertThat(slept).isEmpty();
            assertThat(auth.logged("GET", "/redfish/v1") - auth.logged("GET", "/redfish/v1/Systems"))
                    .as("the wrong login was tried once (the root), the right one read the root once").isEqualTo(2);
        }
    }

    @Test
    void tlsIsVerifiedWithTheCredentialsEntrysCaBundle() throws Exception {
        Path d = Files.createDirectories(dir.resolve("tls"));
        Path[] cert = SushyEmulator.certificate(d, "bmc", true);
        try (SushyEmulator tls = SushyEmulator.start(d, List.of(new SushyEmulator.FakeSystem(NODE1, "lab-node-01", "On")), null, cert)) {
            RedfishDriver withBundle = new RedfishDriver(n -> new RedfishDriver.Login("admin", "password", cert[0]), true, Duration.ofSeconds(10));
            assertThat(withBundle.reset(request(tls.url(), ResetType.ForceRestart, null))).contains("ForceRestart accepted");

            RedfishDriver systemTrust = new RedfishDriver(n -> new RedfishDriver.Login("admin", "password"), true, Duration.ofSeconds(10));
            assertThatThrownBy(() -> systemTrust.reset(request(tls.url(), ResetType.ForceRestart, null)))
                    .isInstanceOfSatisfying(DriverException.class, e -> {
                        assertThat(e.kind()).isEqualTo(DriverException.Kind.FATAL);
                        assertThat(e.getMessage()).contains("TLS refused").contains("CA bundle");
                    });
        }
    }

    @Test
    void aCertificateWithoutSanIsRefusedByNameWhenVerifiedAndAcceptedWithVerificationOff() throws Exception {
        Path d = Files.createDirectories(dir.resolve("nosan"));
        Path[] cert = SushyEmulator.certificate(d, "bmc", false);
        try (SushyEmulator tls = SushyEmulator.start(d, List.of(new SushyEmulator.FakeSystem(NODE1, "lab-node-01", "On")), null, cert)) {
            RedfishDriver bundleButNoName = new RedfishDriver(n -> new RedfishDriver.Login("admin", "password", cert[0]), true, Duration.ofSeconds(10));
            assertThatThrownBy(() -> bundleButNoName.reset(request(tls.url(), ResetType.ForceRestart, null)))
                    .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.getMessage()).contains("TLS refused"));

            RedfishDriver off = new RedfishDriver(n -> new RedfishDriver.Login("admin", "password"), false, Duration.ofSeconds(10));
            assertThat(off.reset(request(tls.url(), ResetType.ForceRestart, null))).contains("ForceRestart accepted");
        }
    }
}
