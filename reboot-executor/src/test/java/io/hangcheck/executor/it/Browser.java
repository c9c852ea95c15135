package io.hangcheck.executor.it;

import io.hangcheck.testing.RequiredTools;

import com.fasterxml.jackson.databind.JsonNode;
import io.hangcheck.events.EventCodec;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless chromium driven over WebDriver (chromium-driver), with a fresh profile, and axe-core
 * (from npm, installed under {@code target/tools/axe}) for the accessibility check. Without chromium the
 * caller is skipped loudly, unless {@code HANGCHECK_REQUIRE_TOOLS} names {@code chromium} (CI): then it fails.
 */
final class Browser implements AutoCloseable {
    static final String AXE_VERSION = "4.14.1";
    private static final Path TARGET = Path.of("target").toAbsolutePath();

    final ChromeDriver driver;
    private final String axeSource;

    private Browser(ChromeDriver driver, String axeSource) {
        this.driver = driver;
        this.axeSource = axeSource;
    }

    /** Starts chromium, or skips (fails when required) saying what to install. */
    static Browser start() throws IOException {
        Optional<Path> chromium = onPath("chromium");
        Optional<Path> chromedriver = onPath("chromedriver");
        if (chromium.isEmpty() || chromedriver.isEmpty()) {
            missing("the console's browser test needs 'chromium' and 'chromedriver' on PATH (apt-get install -y chromium chromium-driver)");
        }
        String axe = axe();
        Path profile = Files.createTempDirectory(Files.createDirectories(TARGET.resolve("chromium")), "profile-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,1200", "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.get().toFile())
                .usingAnyFreePort().withLogFile(TARGET.resolve("chromium").resolve("chromedriver.log").toFile()).build();
        ChromeDriver d = new ChromeDriver(service, options);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(d, axe);
    }

    /** Runs axe-core on the current page; returns its serious and critical violations, described. */
    List<String> seriousViolations() {
        driver.executeScript(axeSource);
        Object result = driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']})"
                + ".then(function (r) { done(JSON.stringify(r.violations)); })"
                + ".catch(function (e) { done('ERROR ' + e); });");
        String json = String.valueOf(result);
        if (json.startsWith("ERROR")) {
            throw new AssertionError("axe-core failed on " + driver.getCurrentUrl() + ": " + json);
        }
        List<String> out = new ArrayList<>();
        try {
            for (JsonNode v : EventCodec.mapper().readTree(json)) {
                String impact = v.path("impact").asText();
                if ("serious".equals(impact) || "critical".equals(impact)) {
                    List<String> targets = new ArrayList<>();
                    v.path("nodes").forEach(n -> targets.add(n.path("target").toString()));
                    out.add(impact + " " + v.path("id").asText() + ": " + v.path("help").asText() + " at " + targets);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("axe-core answered no JSON: " + json, e);
        }
        return out;
    }

    /** Saves a PNG of the current page under target/console-screenshots/. */
    Path screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(TARGET.resolve("console-screenshots"));
        Path file = dir.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    @Override
    public void close() {
        driver.quit();
    }

    /** axe-core's browser bundle, installed from npm into target/tools/axe on first use. */
    private static String axe() throws IOException {
        Path dir = TARGET.resolve("tools").resolve("axe");
        Path bundle = dir.resolve("node_modules/axe-core/axe.min.js");
        if (!Files.isRegularFile(bundle)) {
            if (onPath("npm").isEmpty()) {
                missing("the console's accessibility check needs 'npm' to install axe-core (apt-get install -y npm)");
            }
            Files.createDirectories(dir);
            Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", dir.toString(),
                    "axe-core@" + AXE_VERSION).redirectErrorStream(true).redirectOutput(dir.resolve("npm.log").toFile()).start();
            try {
                if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(bundle)) {
                    p.destroyForcibly();
                    missing("npm could not install axe-core@" + AXE_VERSION + ": " + Files.readString(dir.resolve("npm.log")).strip());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        return Files.readString(bundle, StandardCharsets.UTF_8);
    }

    private static void missing(String message) {
        RequiredTools.unavailable("chromium", "the console's browser test", message);
    }

    private static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
            if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
