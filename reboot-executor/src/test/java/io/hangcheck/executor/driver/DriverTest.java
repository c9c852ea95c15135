package io.hangcheck.executor.driver;

import io.hangcheck.executor.domain.ResetType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The drivers against real peers: a fake BMC over HTTP, real processes. */
class DriverTest {
    static final String RESET_H1 = "POST /redfish/v1/Systems/h1/Actions/ComputerSystem.Reset";
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
        assertThat(bmc.count(RESET_H1)).isEqualTo(3);
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void retriesAreBounded() {
        bmc.failNext(10, 503);
        assertThatThrownBy(() -> retrier.reset(redfish, request(ResetType.PowerCycle)))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.kind()).isEqualTo(DriverException.Kind.RETRYABLE));
        assertThat(bmc.count(RESET_H1)).isEqualTo(3);
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
    void retryAfterIsHonouredUpToTheBound() throws Exception {
        RedfishDriver bounded = new RedfishDriver(name -> new RedfishDriver.Login("admin", "s3cret"), true, Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofMinutes(10), Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC));
        bmc.failNext(2, 503, "30");
        retrier.reset(bounded, request(ResetType.ForceRestart));
        assertThat(slept).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
        slept.clear();
        bmc.failNext(1, 429, "Wed, 02 Dec 2026 08:00:03 GMT");
        retrier.reset(bounded, request(ResetType.ForceRestart));
        assertThat(slept).containsExactly(Duration.ofSeconds(3));
        slept.clear();
        bmc.failNext(1, 503, "soon");
        retrier.reset(bounded, request(ResetType.ForceRestart));
        assertThat(slept).as("an unreadable Retry-After falls back to the back-off").containsExactly(Duration.ofSeconds(1));
        assertThat(bmc.resets()).hasSize(3);
    }

    @Test
    void anUnlistedTypeIsNotAcceptedBeforeSendingAndNamesTheNextListedStep() {
        bmc.allow("On", "ForceOff", "ForceRestart", "PowerCycle"); // iDRAC9 3.34: no GracefulRestart
        assertThatThrownBy(() -> retrier.reset(redfish, request(ResetType.GracefulRestart)))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DriverException.Kind.NOT_ACCEPTED);
                    assertThat(e.getMessage()).contains("BMC 127.0.0.1:").contains("GracefulRestart refused")
                            .contains("next listed step: ForceRestart");
                });
        assertThat(bmc.count(RESET_H1)).isZero();
        assertThat(slept).isEmpty();
    }

    @Test
    void aRefusalOfTheActionIsNotAcceptedAndNamesTheStatusWithoutTheHtmlPage() {
        bmc.failNext(1, 400);
        assertThatThrownBy(() -> retrier.reset(redfish, request(ResetType.GracefulRestart)))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DriverException.Kind.NOT_ACCEPTED);
                    assertThat(e.getMessage()).contains("HTTP 400").contains("text/html body").doesNotContain("<html");
                });
        assertThat(bmc.count(RESET_H1)).isEqualTo(1);
    }

    @Test
    void noAnswerAfterTheResetWasSentIsFatalAndNeverRepeated() {
        RedfishDriver impatient = new RedfishDriver(name -> new RedfishDriver.Login("admin", "s3cret"), true, Duration.ofMillis(500));
        bmc.stallResets(2000);
        assertThatThrownBy(() -> retrier.reset(impatient, request(ResetType.ForceRestart)))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DriverException.Kind.FATAL);
                    assertThat(e.getMessage()).contains("may have happened");
                });
        assertThat(bmc.count(RESET_H1)).isEqualTo(1);
    }

    @Test
    void aLoginWithoutAnswerIsRetryableForNothingWasReset() {
        RedfishDriver impatient = new RedfishDriver(name -> new RedfishDriver.Login("admin", "s3cret"), true, Duration.ofMillis(500));
        bmc.sessions(true);
        bmc.stallLogins(2000);
        assertThatThrownBy(() -> impatient.reset(request(ResetType.ForceRestart)))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DriverException.Kind.RETRYABLE);
                    assertThat(e.getMessage()).contains("POST /redfish/v1/SessionService/Sessions", "nothing was reset");
                });
        assertThat(bmc.count(RESET_H1)).isZero();
    }

    @Test
    void sessionsAreOpenedOnceReusedAndRenewedOn401() throws Exception {
        bmc.sessions(true);
        redfish.reset(request(ResetType.GracefulRestart));
        redfish.reset(request(ResetType.ForceRestart));
        assertThat(bmc.count("POST /redfish/v1/SessionService/Sessions")).isEqualTo(1);
        bmc.expireSessions();
        redfish.reset(request(ResetType.PowerCycle));
        assertThat(bmc.count("POST /redfish/v1/SessionService/Sessions")).isEqualTo(2);
        assertThat(bmc.resets()).extracting(FakeBmc.Reset::resetType).containsExactly("GracefulRestart", "ForceRestart", "PowerCycle");
        assertThat(bmc.count("GET /redfish/v1")).as("discovery is cached").isEqualTo(1);
    }

    @Test
    void discoveryIsCachedForItsTtl() throws Exception {
        Instant[] now = {Instant.parse("2026-12-02T08:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        RedfishDriver cached = new RedfishDriver(name -> new RedfishDriver.Login("admin", "s3cret"), true, Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofMinutes(10), clock);
        cached.reset(request(ResetType.GracefulRestart));
        now[0] = now[0].plus(Duration.ofMinutes(9));
        cached.reset(request(ResetType.GracefulRestart));
        assertThat(bmc.count("GET /redfish/v1")).isEqualTo(1);
        now[0] = now[0].plus(Duration.ofMinutes(2));
        cached.reset(request(ResetType.GracefulRestart));
        assertThat(bmc.count("GET /redfish/v1")).isEqualTo(2);
        assertThat(bmc.count("GET /redfish/v1/Systems/h1")).as("the system is read once before every reset (PowerState)").isEqualTo(3);
    }

    @Test
    void systemIdsAreQuotedAndEveryRequestSaysConnectionCloseWithoutUpgrade() throws Exception {
        ResetRequest r = new ResetRequest("h1", "i", 1, ResetType.GracefulRestart, Map.of("bmc", bmc.url() + "/redfish/v1", "systemId", "rack 1/../node"));
        redfish.reset(r);
        assertThat(bmc.resets()).containsExactly(new FakeBmc.Reset("rack 1/../node", "GracefulRestart"));
        assertThat(bmc.requests()).contains("POST /redfish/v1/Systems/rack%201%2F..%2Fnode/Actions/ComputerSystem.Reset");
        assertThat(bmc.connectionHeaders()).isNotEmpty().allMatch("close|null"::equals);
        assertThat(RedfishDriver.quoteSegment("..")).isEqualTo("%2E%2E");
    }

    @Test
    void aRedirectToAnotherHostIsNotFollowed() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                if (ex.getRequestURI().getPath().startsWith("/redfish/v1/Systems/")) {
                    ex.getResponseHeaders().set("Location", bmc.url().replace("127.0.0.1", "localhost") + "/redfish/v1/Systems/h1");
                    ex.sendResponseHeaders(307, -1);
                } else {
                    byte[] b = "{\"Systems\":{\"@odata.id\":\"/redfish/v1/Systems\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(200, b.length);
                    ex.getResponseBody().write(b);
                }
            }
        });
        server.start();
        try {
            ResetRequest r = new ResetRequest("h1", "i", 1, ResetType.GracefulRestart,
                    Map.of("bmc", "http://127.0.0.1:" + server.getAddress().getPort(), "systemId", "h1"));
            assertThatThrownBy(() -> redfish.reset(r)).isInstanceOfSatisfying(DriverException.class, e -> {
                assertThat(e.kind()).isEqualTo(DriverException.Kind.FATAL);
                assertThat(e.getMessage()).contains("to another host").contains("not followed");
            });
            assertThat(bmc.calls()).isZero();
        } finally {
            server.stop(0);
        }
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
