package io.hangcheck.executor.driver;

import io.hangcheck.executor.domain.ResetType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The drivers against real peers: a fake BMC over HTTP, real processes. */
class DriverTest {
    final FakeBmc bmc;
    final List<Duration> slept = new ArrayList<>();
    final Retrier retrier = new Retrier(3, Duration.ofSeconds(1), slept::add);
    final RedfishDriver redfish = new RedfishDriver(name -> new RedfishDriver.Login("admin", "s3cret"), true, Duration.ofSeconds(5));

    DriverTest() throws IOException {
        bmc = new FakeBmc("admin", "s3cret");
    }

    @AfterEach
    void stop() {
        bmc.close();
    }

    ResetRequest request(ResetType type) {
        return new ResetRequest("h1", "h1/b1/41", 1, type, Map.of("bmc", bmc.url(), "systemId", "h1"));
    }

    @Test
    void redfishPostsTheResetActionWithBasicAuth() throws Exception {
        String msg = retrier.reset(redfish, request(ResetType.GracefulRestart));
        assertThat(msg).contains("accepted");
        assertThat(bmc.resets()).containsExactly(new FakeBmc.Reset("h1", "GracefulRestart"));
        assertThat(slept).isEmpty();
    }

    @Test
    void busyBmcIsRetriedWithDoublingBackOffThenSucceeds() throws Exception {
        bmc.failNext(2, 503);
        retrier.reset(redfish, request(ResetType.ForceRestart));
        assertThat(bmc.resets()).containsExactly(new FakeBmc.Reset("h1", "ForceRestart"));
        assertThat(bmc.calls()).isEqualTo(3);
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void retriesAreBounded() {
        bmc.failNext(10, 503);
        assertThatThrownBy(() -> retrier.reset(redfish, request(ResetType.PowerCycle)))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.kind()).isEqualTo(DriverException.Kind.RETRYABLE));
        assertThat(bmc.calls()).isEqualTo(3);
        assertThat(bmc.resets()).isEmpty();
    }

    @Test
    void wrongCredentialsAreFatalAndNotRetried() {
        RedfishDriver wrong = new RedfishDriver(name -> new RedfishDriver.Login("admin", "nope"), true, Duration.ofSeconds(5));
        assertThatThrownBy(() -> retrier.reset(wrong, request(ResetType.GracefulRestart)))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DriverException.Kind.FATAL);
                    assertThat(e.getMessage()).contains("401");
                });
        assertThat(bmc.calls()).isEqualTo(1);
    }

    @Test
    void unreachableBmcIsRetryable() {
        ResetRequest r = new ResetRequest("h1", "i", 1, ResetType.GracefulRestart, Map.of("bmc", "http://127.0.0.1:1"));
        assertThatThrownBy(() -> redfish.reset(r))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.kind()).isEqualTo(DriverException.Kind.RETRYABLE));
    }

    @Test
    void missingBmcParameterIsFatalAndNamesIt() {
        ResetRequest r = new ResetRequest("h1", "i", 1, ResetType.GracefulRestart, Map.of());
        assertThatThrownBy(() -> redfish.reset(r)).hasMessageContaining("'bmc'");
    }

    @Test
    void execBuildsArgvWithoutAShellSoParametersCannotInject() {
        ExecDriver exec = new ExecDriver(List.of("ipmitool", "-H", "{bmc}", "chassis", "power", "{ipmiAction}"), Duration.ofSeconds(5));
        ResetRequest r = new ResetRequest("h1", "i", 1, ResetType.PowerCycle, Map.of("bmc", "10.0.0.5; rm -rf /"));
        assertThat(exec.argv(r)).containsExactly("ipmitool", "-H", "10.0.0.5; rm -rf /", "chassis", "power", "cycle");
    }

    @Test
    void execSuccessTempFailAndOtherExits() throws Exception {
        ExecDriver ok = new ExecDriver(List.of("sh", "-c", "echo reset {host}", "ignored"), Duration.ofSeconds(5));
        assertThat(ok.reset(new ResetRequest("h1", "i", 1, ResetType.GracefulRestart, Map.of()))).contains("reset h1");
        ExecDriver temp = new ExecDriver(List.of("sh", "-c", "exit 75"), Duration.ofSeconds(5));
        assertThatThrownBy(() -> temp.reset(new ResetRequest("h1", "i", 1, ResetType.GracefulRestart, Map.of())))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.kind()).isEqualTo(DriverException.Kind.RETRYABLE));
        ExecDriver bad = new ExecDriver(List.of("false"), Duration.ofSeconds(5));
        assertThatThrownBy(() -> bad.reset(new ResetRequest("h1", "i", 1, ResetType.GracefulRestart, Map.of())))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.kind()).isEqualTo(DriverException.Kind.FATAL));
    }

    @Test
    void execTimeoutKillsAndIsFatal() {
        ExecDriver slow = new ExecDriver(List.of("sleep", "30"), Duration.ofMillis(300));
        assertThatThrownBy(() -> slow.reset(new ResetRequest("h1", "i", 1, ResetType.GracefulRestart, Map.of())))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DriverException.Kind.FATAL);
                    assertThat(e.getMessage()).contains("did not finish");
                });
    }

    @Test
    void webhookPostsJsonAndTypesFailures() throws Exception {
        List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        int[] status = {200};
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/reset", ex -> {
            try (ex) {
                bodies.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                ex.sendResponseHeaders(status[0], -1);
            }
        });
        server.start();
        try {
            WebhookDriver hook = new WebhookDriver(Duration.ofSeconds(5));
            ResetRequest r = new ResetRequest("h1", "h1/b1/41", 2, ResetType.ForceRestart,
                    Map.of("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/reset"));
            assertThat(hook.reset(r)).contains("200");
            assertThat(bodies).singleElement().satisfies(b -> assertThat(b)
                    .contains("\"hostId\":\"h1\"").contains("\"resetType\":\"ForceRestart\"").contains("\"attempt\":2"));
            status[0] = 503;
            assertThatThrownBy(() -> hook.reset(r)).isInstanceOfSatisfying(DriverException.class,
                    e -> assertThat(e.kind()).isEqualTo(DriverException.Kind.RETRYABLE));
            status[0] = 400;
            assertThatThrownBy(() -> hook.reset(r)).isInstanceOfSatisfying(DriverException.class,
                    e -> assertThat(e.kind()).isEqualTo(DriverException.Kind.FATAL));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void escalationOrder() {
        assertThat(ResetType.GracefulRestart.next()).contains(ResetType.ForceRestart);
        assertThat(ResetType.ForceRestart.next()).contains(ResetType.PowerCycle);
        assertThat(ResetType.PowerCycle.next()).isEmpty();
    }
}
