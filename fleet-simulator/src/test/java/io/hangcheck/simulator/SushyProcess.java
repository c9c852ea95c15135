package io.hangcheck.simulator;

import io.hangcheck.testing.RequiredTools;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * OpenStack sushy-tools' Redfish emulator (vendored unmodified in {@code third_party/sushy-tools}) as a child
 * process: one fake system, basic auth, and its external notifier pointed at a URL. Skipped with the reason when
 * it cannot run here, unless {@code HANGCHECK_REQUIRE_TOOLS} names {@code sushy} (CI): then it fails.
 */
final class SushyProcess implements AutoCloseable {
    private static final String PYTHON = "/usr/bin/python3";
    private final Process process;
    private final int port;
    private final Path log;

    private SushyProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The run script, or a skip (a failure when required) saying what is missing. */
    static Path script() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("third_party/sushy-tools"))) {
            root = root.getParent();
        }
        assume(root != null, "third_party/sushy-tools is missing");
        boolean deps = Files.isExecutable(Path.of(PYTHON)) && new ProcessBuilder(PYTHON, "-c", "import flask, requests, tenacity, bcrypt, webob")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        assume(deps, PYTHON + " with python3-flask python3-requests python3-tenacity python3-bcrypt python3-webob is needed");
        return root.resolve("third_party/sushy-tools/run");
    }

    static SushyProcess start(Path run, Path dir, int port, String fakeSystem, String notifyUrl, String user, String password)
            throws Exception {
        Process hash = new ProcessBuilder(PYTHON, "-c",
                "import bcrypt,sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(rounds=4)).decode())", password).start();
        String bcrypt = new String(hash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        hash.waitFor(30, TimeUnit.SECONDS);
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"), user + ":" + bcrypt + "\n");
        Path config = Files.writeString(dir.resolve("emulator.conf"), String.join("\n",
                "SUSHY_EMULATOR_LISTEN_IP = '127.0.0.1'",
                "SUSHY_EMULATOR_LISTEN_PORT = " + port,
                "SUSHY_EMULATOR_STATE_DIR = '" + Files.createDirectories(dir.resolve("state")) + "'",
                "SUSHY_EMULATOR_AUTH_FILE = '" + htpasswd + "'",
                "EXTERNAL_NOTIFICATION_URL = '" + notifyUrl + "'",
                "SUSHY_EMULATOR_FAKE_SYSTEMS = [" + fakeSystem + "]", ""));
        Path log = dir.resolve("emulator.log");
        Process p = new ProcessBuilder("bash", run.toString(), config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SushyProcess s = new SushyProcess(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the sushy emulator exited (" + p.exitValue() + "): " + s.log());
            }
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return s;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        s.close();
        throw new AssertionError("the sushy emulator did not listen on " + port + " within 60 s: " + s.log());
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** Skips (or, when HANGCHECK_REQUIRE_TOOLS names sushy, fails) unless {@code ok}. */
    private static void assume(boolean ok, String why) {
        if (ok) {
            return;
        }
        RequiredTools.unavailable("sushy", "the sushy-tools Redfish emulator", why);
    }
}
