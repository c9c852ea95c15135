package io.hangcheck.executor.driver;

import io.hangcheck.testing.RequiredTools;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OpenStack sushy-tools' Redfish emulator (vendored unmodified in {@code third_party/sushy-tools}) as a child
 * process on a free port, with a generated config: fake systems, optional basic auth (bcrypt htpasswd) and TLS.
 * A test that cannot start it is skipped with a message that says why, unless {@code HANGCHECK_REQUIRE_TOOLS}
 * names {@code sushy} (CI): then it fails.
 */
final class SushyEmulator implements AutoCloseable {
    static final String PYTHON = "/usr/bin/python3";
    static final String DEPS = "python3-flask python3-requests python3-tenacity python3-bcrypt python3-webob";

    /** One fake system. */
    record FakeSystem(String uuid, String name, String powerState) {
        String python() {
            return "{'uuid': '" + uuid + "', 'name': '" + name + "', 'power_state': '" + powerState
                    + "', 'external_notifier': False, 'nics': [{'mac': '00:5c:52:31:3a:9c', 'ip': '127.0.0.1'}]}";
        }
    }

    private final Process process;
    private final int port;
    private final boolean tls;
    final Path log;

    private SushyEmulator(Process process, int port, boolean tls, Path log) {
        this.process = process;
        this.port = port;
        this.tls = tls;
        this.log = log;
    }

    /**
     * Starts it. {@code htpasswd} (user → bcrypt line) and {@code certAndKey} are optional; the run script installs
     * the Python dependencies from Debian when it runs as root and they are missing.
     */
    static SushyEmulator start(Path dir, List<FakeSystem> systems, String htpasswdLine, Path[] certAndKey) {
        Path run = repoRoot().resolve("third_party/sushy-tools/run");
        assume(Files.isRegularFile(run), "the vendored emulator " + run + " is missing");
        assume(Files.isExecutable(Path.of(PYTHON)) && (importsOk() || canInstall()),
                PYTHON + " with " + DEPS + " is needed (apt-get install -y " + DEPS + ")");
        try {
            int port = freePort();
            StringBuilder conf = new StringBuilder();
            conf.append("SUSHY_EMULATOR_LISTEN_IP = '127.0.0.1'\n");
            conf.append("SUSHY_EMULATOR_LISTEN_PORT = ").append(port).append('\n');
            // The fake driver keeps its systems in a state directory shared by default: one per emulator.
            conf.append("SUSHY_EMULATOR_STATE_DIR = '").append(Files.createDirectories(dir.resolve("state"))).append("'\n");
            conf.append("SUSHY_EMULATOR_FAKE_SYSTEMS = [\n");
            for (FakeSystem s : systems) {
                conf.append("    ").append(s.python()).append(",\n");
            }
            conf.append("]\n");
            if (htpasswdLine != null) {
                Path auth = dir.resolve("htpasswd");
                Files.writeString(auth, htpasswdLine + "\n");
                conf.append("SUSHY_EMULATOR_AUTH_FILE = '").append(auth).append("'\n");
            }
            if (certAndKey != null) {
                conf.append("SUSHY_EMULATOR_SSL_CERT = '").append(certAndKey[0]).append("'\n");
                conf.append("SUSHY_EMULATOR_SSL_KEY = '").append(certAndKey[1]).append("'\n");
            }
            Path config = dir.resolve("emulator.conf");
            Files.writeString(config, conf.toString());
            Path log = dir.resolve("emulator.log");
            Process p = new ProcessBuilder("bash", run.toString(), config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            SushyEmulator e = new SushyEmulator(p, port, certAndKey != null, log);
            e.awaitListening();
            return e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port;
    }

    /** Requests the emulator logged for a path (Werkzeug logs one line per request: method, path, status). */
    long logged(String method, String pathPart) throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("\"" + method + " ") && l.contains(pathPart)).count();
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180); // the first start may install packages
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String out = Files.readString(log, StandardCharsets.UTF_8);
                String message = "the sushy emulator exited (" + process.exitValue() + "): " + out;
                assume(process.exitValue() != 3, message); // 3: dependencies missing and not installable here
                throw new AssertionError(message);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        close();
        throw new AssertionError("the sushy emulator did not listen on " + port + " within 180 s: "
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM to bash, which exec'd python
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A bcrypt htpasswd line for the emulator's basic auth. */
    static String htpasswd(String user, String password) {
        String hash = run(List.of(PYTHON, "-c", "import bcrypt,sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(rounds=4)).decode())", password)).strip();
        return user + ":" + hash;
    }

    /** A self-signed certificate for 127.0.0.1 and its key (PEM): with an IP subject alternative name, or with none (as BMCs ship). */
    static Path[] certificate(Path dir, String name, boolean withSan) {
        assume(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make test certificates (apt-get install -y openssl)");
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=bmc.test"));
        if (withSan) {
            cmd.addAll(List.of("-addext", "subjectAltName=IP:127.0.0.1"));
        }
        run(cmd);
        return new Path[]{cert, key};
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve("third_party/sushy-tools"))) {
                return q;
            }
        }
        return p;
    }

    private static boolean importsOk() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import flask, requests, tenacity, bcrypt, webob")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean canInstall() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/apt-get"));
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(cmd + " failed: " + err);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Skips (or, when HANGCHECK_REQUIRE_TOOLS names sushy, fails) unless {@code ok}. */
    static void assume(boolean ok, String why) {
        if (ok) {
            return;
        }
        RequiredTools.unavailable("sushy", "the sushy-tools Redfish emulator", why);
    }
}
