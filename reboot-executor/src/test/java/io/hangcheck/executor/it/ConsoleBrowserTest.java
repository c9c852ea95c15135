package io.hangcheck.executor.it;

import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.testing.KafkaTestResource;
import io.hangcheck.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator console in a real browser (Debian's headless chromium over WebDriver) against the real broker
 * and PostgreSQL: sign in, see a HUNG host appear by live refresh, look at it, pause, see the pause reflected
 * (banner, and a new HUNG skipped as PAUSED), reboot with the what-if shown first, silence a host, release a
 * quarantine, read the socket monitor's view; axe-core finds no serious or critical accessibility violation on
 * any page. Without a browser, the HTTP-level checks still run: sign-in required, the cookie's flags, CSRF,
 * the viewer role and confirmation before any change.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "database", value = "hangcheck_test_executor_console"), @ResourceArg(name = "recreate", value = "true")})
@QuarkusTestResource(value = PeersResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsolePeersResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final String HOST = ConsolePeersResource.KNOWN_HOST;
    static final String HOST2 = "console-hung-2";
    static final Duration WAIT = Duration.ofSeconds(60);

    static ItSupport it;

    @TestHTTPResource("/")
    URL root;

    @BeforeAll
    static void start() {
        it = new ItSupport();
    }

    /** The application runs (and RestAssured knows its port) only from here on; the schema exists once ready. */
    @BeforeEach
    void ready() throws Exception {
        await().atMost(WAIT).until(() -> given().when().get("/q/health/ready").statusCode() == 200);
        ItSupport.truncateAll();
        try (Connection c = ItSupport.db(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE console_audit RESTART IDENTITY");
        }
    }

    @AfterAll
    static void stop() {
        System.clearProperty(ConsolePeersResource.DOWN);
        it.close();
    }

    @Test
    @Order(1)
    void everyPageNeedsASessionAndEveryChangeAnOperatorTheCsrfTokenAndAConfirmation() throws Exception {
        given().redirects().follow(false).when().get("/").then().statusCode(303).header("Location", Matchers.endsWith("/console/login"));
        given().redirects().follow(false).when().get("/console/hosts/" + HOST).then().statusCode(303);
        given().redirects().follow(false).formParam("token", "wrong").when().post("/console/login").then().statusCode(401)
                .body(org.hamcrest.Matchers.containsString("token: this token is not known"));

        Response op = given().redirects().follow(false).formParam("token", PeersResource.OPERATOR_TOKEN).formParam("name", "alice")
                .when().post("/console/login");
        assertThat(op.statusCode()).isEqualTo(303);
        assertThat(op.header("Location")).endsWith("/").doesNotContain(PeersResource.OPERATOR_TOKEN);
        String setCookie = op.header("Set-Cookie");
        assertThat(setCookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").doesNotContain(PeersResource.OPERATOR_TOKEN);
        String opSession = op.cookie(sessionCookie());
        String opCsrf = csrf(given().cookie(sessionCookie(), opSession).when().get("/").then().statusCode(200).extract().asString());

        // no CSRF token, or another one: refused, nothing changed
        given().cookie(sessionCookie(), opSession).formParam("action", "PAUSE").formParam("reason", "x").formParam("confirm", "yes")
                .when().post("/console/action").then().statusCode(403).body(org.hamcrest.Matchers.containsString("csrf"));
        given().cookie(sessionCookie(), opSession).formParam("csrf", "forged").formParam("action", "PAUSE").formParam("reason", "x")
                .formParam("confirm", "yes").when().post("/console/action").then().statusCode(403);
        // with the token but not confirmed: only the confirmation page
        given().cookie(sessionCookie(), opSession).formParam("csrf", opCsrf).formParam("action", "PAUSE").formParam("reason", "x")
                .when().post("/console/action").then().statusCode(200).body(org.hamcrest.Matchers.containsString("name=\"confirm\" value=\"yes\""));
        assertThat(ItSupport.count("SELECT count(*) FROM pause WHERE paused")).isZero();

        // a viewer sees the console but may change nothing; the refusal is in the audit trail
        Response viewer = given().redirects().follow(false).formParam("token", PeersResource.VIEWER_TOKEN).formParam("name", "victor")
                .when().post("/console/login");
        String viewerSession = viewer.cookie(sessionCookie());
        String viewerPage = given().cookie(sessionCookie(), viewerSession).when().get("/").then().statusCode(200).extract().asString();
        assertThat(viewerPage).contains("victor (viewer)", "Unhealthy host groups").doesNotContain("id=\"pause\"");
        given().cookie(sessionCookie(), viewerSession).formParam("csrf", csrf(viewerPage)).formParam("action", "PAUSE")
                .formParam("reason", "x").formParam("confirm", "yes").when().post("/console/action").then().statusCode(403)
                .body(org.hamcrest.Matchers.containsString("role viewer may not change anything"));
        assertThat(ItSupport.count("SELECT count(*) FROM pause WHERE paused")).isZero();
        assertThat(ItSupport.count("SELECT count(*) FROM console_audit WHERE actor = 'victor' AND role = 'viewer' AND outcome LIKE 'refused%'")).isEqualTo(1);

        // an open redirect is not possible through "back"
        given().redirects().follow(false).cookie(sessionCookie(), opSession).formParam("csrf", opCsrf).formParam("action", "RESUME")
                .formParam("confirm", "yes").formParam("back", "//evil.example/").when().post("/console/action")
                .then().statusCode(303).header("Location", Matchers.startsWith(root.toString().replaceAll("/$", "") + "/?done="));

        // signing out ends the session on the server
        given().redirects().follow(false).cookie(sessionCookie(), opSession).formParam("csrf", opCsrf).when().post("/console/logout").then().statusCode(303);
        given().redirects().follow(false).cookie(sessionCookie(), opSession).when().get("/").then().statusCode(303);
    }

    @Test
    @Order(2)
    void anOperatorSeesAHungHostPausesRebootsSilencesAndReleasesInARealBrowser() throws Exception {
        ItSupport.inventory(HOST, "dry-run", Map.of());
        ItSupport.inventory(HOST2, "dry-run", Map.of());
        it.fleet(FleetMode.NORMAL);
        it.flush();
        try (Browser b = Browser.start()) {
            WebDriverWait wait = new WebDriverWait(b.driver, WAIT);
            String base = root.toString().replaceAll("/$", "");

            b.driver.get(base + "/?q=console-hung");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
            assertThat(b.driver.getCurrentUrl()).endsWith("/console/login");
            accessible(b, "sign-in page");
            b.screenshot("login");
            b.driver.findElement(By.id("name")).sendKeys("alice");
            b.driver.findElement(By.id("token")).sendKeys(PeersResource.OPERATOR_TOKEN);
            b.driver.findElement(By.id("sign-in")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("host-table")));
            assertThat(b.driver.getCurrentUrl()).doesNotContain(PeersResource.OPERATOR_TOKEN);
            assertThat(b.driver.manage().getCookieNamed(sessionCookie()).isHttpOnly()).isTrue();

            // the HUNG host appears by the page's own live refresh, without a reload
            b.driver.get(base + "/?q=console-hung");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("host-table")));
            assertThat(b.driver.findElements(By.cssSelector("tr[data-host='" + HOST + "']"))).isEmpty();
            it.hung(HOST, "boot-1", 1);
            it.flush();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-host='" + HOST + "']")));
            assertThat(b.driver.findElement(By.cssSelector("tr[data-host='" + HOST + "'] .tag")).getText()).isEqualTo("HUNG");
            assertThat(b.driver.findElement(By.id("fleet-mode")).getText()).isEqualTo("NORMAL");

            // a rack silent together and a pool with a few silent hosts: the groups table appears by the same live
            // refresh, FROZEN first, while the fleet stays NORMAL
            assertThat(b.driver.findElements(By.id("no-groups"))).hasSize(1);
            java.time.Instant now = java.time.Instant.now();
            it.fleetWithGroups(FleetMode.NORMAL, List.of(
                    new FleetHealth.GroupHealth("pool=nightly", FleetMode.DEGRADED, 40, 9, now.minusSeconds(20), "9 of 40 silent (0.23 >= 0.20)"),
                    new FleetHealth.GroupHealth("rack=r12", FleetMode.FROZEN, 8, 8, now.minusSeconds(40), "8 of 8 silent (1.00 >= 0.50)")));
            it.flush();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-group='rack=r12']")));
            List<WebElement> groups = b.driver.findElements(By.cssSelector("#group-table tbody tr"));
            assertThat(groups).extracting(WebElement::getText).hasSize(2);
            assertThat(groups.get(0).getText()).contains("rack=r12", "FROZEN", "8 / 8", "s ago", "ev-1");
            assertThat(groups.get(1).getText()).contains("pool=nightly", "DEGRADED", "9 / 40", "ev-1");
            assertThat(b.driver.findElements(By.id("no-groups"))).isEmpty();
            assertThat(b.driver.findElement(By.id("fleet-mode")).getText()).isEqualTo("NORMAL");

            // filtered by state, and the host page with the evaluator's view, the what-if and the ledger (the dry-run reset)
            b.driver.get(base + "/?state=HUNG&q=console");
            assertThat(b.driver.findElement(By.cssSelector("tr[data-host='" + HOST + "']"))).isNotNull();
            accessible(b, "fleet page");
            b.screenshot("fleet");
            await().atMost(WAIT).until(() -> ItSupport.ledger(HOST).contains("EXECUTED POLICY_PASSED"));
            b.driver.findElement(By.linkText(HOST)).click();
            wait.until(ExpectedConditions.textToBe(By.id("host-state"), "HUNG"));
            String hostPage = b.driver.findElement(By.tagName("main")).getText();
            assertThat(hostPage).contains("phi", "12.5", "boot-1", "ingest-0", "EXECUTED", "POLICY_PASSED", "dry-run");
            assertThat(b.driver.findElements(By.cssSelector("#what-if tbody tr"))).hasSize(2);
            accessible(b, "host page");
            b.screenshot("host");

            // pause with a reason, confirmed; the banner says so on every page
            b.driver.get(base + "/");
            b.driver.findElement(By.id("pause-reason")).sendKeys("BMC firmware upgrade in rack 4");
            b.driver.findElement(By.id("pause")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
            accessible(b, "confirmation page");
            b.driver.findElement(By.id("confirm")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flash")));
            assertThat(b.driver.findElement(By.id("flash")).getText()).contains("paused by alice (operator): BMC firmware upgrade in rack 4");
            assertThat(b.driver.findElement(By.id("pause-banner")).getText()).contains("PAUSED", "BMC firmware upgrade in rack 4");
            assertThat(b.driver.findElements(By.id("resume"))).hasSize(1);
            assertThat(ItSupport.count("SELECT count(*) FROM pause WHERE paused AND reason = 'BMC firmware upgrade in rack 4'")).isEqualTo(1);

            // the pause is in force: a new hang is skipped as PAUSED, and the console shows that
            it.hung(HOST2, "boot-2", 1);
            it.flush();
            await().atMost(WAIT).until(() -> ItSupport.ledger(HOST2).contains("SKIPPED PAUSED"));
            b.driver.get(base + "/console/hosts/" + HOST2);
            wait.until(ExpectedConditions.textToBe(By.id("host-state"), "HUNG"));
            assertThat(b.driver.findElement(By.tagName("main")).getText()).contains("SKIPPED", "PAUSED");
            assertThat(b.driver.findElement(By.id("evaluator-failure")).getText()).contains("evaluator answered 404", "no heartbeat seen from " + HOST2);

            // reboot with a reason: the what-if comes first, then the chain decides (paused: nothing is reset)
            b.driver.get(base + "/console/hosts/" + HOST);
            b.driver.findElement(By.id("reboot-reason")).sendKeys("stuck in a kernel debugger");
            b.driver.findElement(By.id("reboot")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
            assertThat(b.driver.findElement(By.tagName("main")).getText()).contains("What-if of the policy chain", "PAUSED");
            accessible(b, "reboot confirmation with what-if");
            b.screenshot("confirm-reboot");
            b.driver.findElement(By.id("confirm")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flash")));
            assertThat(b.driver.findElement(By.id("flash")).getText()).contains("reboot of " + HOST, "PAUSED");
            assertThat(ItSupport.count("SELECT count(*) FROM action WHERE host_id = ?", HOST)).isEqualTo(1);

            // silence the host for two hours
            b.driver.findElement(By.id("silence-reason")).sendKeys("disk replacement");
            b.driver.findElement(By.id("silence")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flash")));
            assertThat(b.driver.findElement(By.id("flash")).getText()).contains("silence", "added until");
            assertThat(b.driver.findElement(By.id("host-silences")).getText()).contains("host " + HOST, "disk replacement", "alice (operator)");
            assertThat(ItSupport.count("SELECT count(*) FROM silence WHERE host_id = ? AND reason = 'disk replacement' AND ends_at > now() + interval '119 minutes'", HOST)).isEqualTo(1);

            // release a quarantine
            try (Connection c = ItSupport.db(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO quarantine (host_id, since, reason) VALUES ('" + HOST2 + "', now(), 'three resets in 24 h')");
            }
            b.driver.get(base + "/console/hosts/" + HOST2);
            b.driver.findElement(By.id("release")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flash")));
            assertThat(b.driver.findElement(By.id("flash")).getText()).contains(HOST2 + " released from quarantine");
            assertThat(ItSupport.count("SELECT count(*) FROM quarantine WHERE host_id = ?", HOST2)).isZero();

            // a dead evaluator is said so, the page still renders
            System.setProperty(ConsolePeersResource.DOWN, "true");
            b.driver.get(base + "/console/hosts/" + HOST);
            assertThat(b.driver.findElement(By.id("evaluator-failure")).getText()).contains("evaluator unreachable");
            assertThat(b.driver.findElement(By.id("host-state")).getText()).isEqualTo("HUNG");
            System.clearProperty(ConsolePeersResource.DOWN);

            // the ledger, notifications, silences and the audit trail, newest first
            b.driver.get(base + "/console/activity");
            String activity = b.driver.findElement(By.tagName("main")).getText();
            assertThat(activity).contains("SKIPPED", "PAUSED", "EXECUTED", "disk replacement");
            List<WebElement> audit = b.driver.findElements(By.cssSelector("#audit tbody tr"));
            assertThat(audit).hasSize(4);
            assertThat(audit.get(0).getText()).contains("RELEASE", HOST2);
            assertThat(audit.get(3).getText()).contains("alice (operator)", "PAUSE", "BMC firmware upgrade in rack 4");
            accessible(b, "ledger page");
            b.screenshot("activity");

            // the socket monitor's view: top peers, forecast, open alerts
            b.driver.get(base + "/console/sockets");
            String sockets = b.driver.findElement(By.tagName("main")).getText();
            assertThat(sockets).contains("127.0.0.2", "changelist", "the limit is reached in about 75 s", "EXHAUSTION_FORECAST");
            accessible(b, "sockets page");
            b.screenshot("sockets");

            // readable on a phone
            b.size(390, 844);
            b.driver.get(base + "/?q=console");
            accessible(b, "fleet page on a phone");
            b.screenshot("fleet-phone");
        }
        it.fleet(FleetMode.NORMAL); // no FROZEN group left behind on the shared topic
        it.flush();
    }

    private static void accessible(Browser b, String page) {
        assertThat(b.seriousViolations()).as("axe-core: serious or critical violations on the %s", page).isEmpty();
    }

    private static String sessionCookie() {
        return io.hangcheck.executor.console.Sessions.COOKIE;
    }

    private static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }

    /** Hamcrest matchers for headers. */
    private static final class Matchers {
        static org.hamcrest.Matcher<String> endsWith(String s) {
            return org.hamcrest.Matchers.endsWith(s);
        }

        static org.hamcrest.Matcher<String> startsWith(String s) {
            return org.hamcrest.Matchers.startsWith(s);
        }
    }
}
