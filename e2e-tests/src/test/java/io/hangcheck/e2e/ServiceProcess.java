package io.hangcheck.e2e;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One hangcheck service (or the host agent) running as a real child JVM, the way {@code ./lab up} runs it:
 * {@code java -jar <module>/target/quarkus-app/quarkus-run.jar} with settings in its environment.
 * Its output goes to {@code e2e-tests/target/e2e-logs/<name>.log}.
 */
final class ServiceProcess implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("hangcheck.root", "..")).toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final int port;
    private final Path log;
    private Process process;

    private ServiceProcess(String name, List<String> command, Map<String, String> env, int port) {
        this.name = name;
        this.command = command;
        this.env = env;
        this.port = port;
        this.log = ROOT.resolve("e2e-tests/target/e2e-logs/" + name + ".log");
    }

    /** A Quarkus service of this repository, on a free HTTP port. */
    static ServiceProcess quarkus(String module, String name, Map<String, String> settings) {
        Path jar = ROOT.resolve(module + "/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the service first (./mvnw install)");
        }
        int port = settings.containsKey("HANGCHECK_HTTP_PORT")
                ? Integer.parseInt(settings.get("HANGCHECK_HTTP_PORT")) : freePort();
        Map<String, String> env = new LinkedHashMap<>(settings);
        env.put("HANGCHECK_HTTP_PORT", Integer.toString(port));
        env.putIfAbsent("HANGCHECK_INSTANCE_ID", name);
        List<String> cmd = List.of(javaBin(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString());
        return new ServiceProcess(name, cmd, env, port);
    }

    /** Any other JVM program (e.g. the host agent's jar). */
    static ServiceProcess jar(String name, Path jar, List<String> args, Map<String, String> env, int port) {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString()));
        cmd.addAll(args);
        return new ServiceProcess(name, cmd, new LinkedHashMap<>(env), port);
    }

    /** Any other command (e.g. a program started inside a network namespace); it has no HTTP port of its own. */
    static ServiceProcess command(String name, List<String> command) {
        return new ServiceProcess(name, List.copyOf(command), new LinkedHashMap<>(), 0);
    }

    ServiceProcess start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        return this;
    }

    /** Waits until {@code /q/health/ready} answers 200, or fails with the tail of the service's log. */
    ServiceProcess awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "\n" + tail());
            }
            if (get("/q/health/ready").statusCode() == 200) {
                return this;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "\n" + tail());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new FailedResponse(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FailedResponse(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    int port() {
        return port;
    }

    String name() {
        return name;
    }

    /** The process id of the running JVM (for logs), or -1. */
    long pid() {
        return process == null ? -1 : process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, as a crash would. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Sum of a metric's samples on this service's {@code /metrics} whose line contains {@code labelFragment} (may be empty). */
    double metric(String name, String labelFragment) {
        double sum = 0;
        for (String line : get("/metrics").body().split("\n")) {
            if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(labelFragment)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A response standing for "no answer", so callers can poll without exception handling. */
    private record FailedResponse(Exception error) implements HttpResponse<String> {
        public int statusCode() {
            return -1;
        }

        public HttpRequest request() {
            return null;
        }

        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
        }

        public String body() {
            return error.toString();
        }

        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        public URI uri() {
            return null;
        }

        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
