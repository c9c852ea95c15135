package io.hangcheck.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, combined broker+controller, one node) in a child JVM that a test can stop,
 * kill and start again: for tests where Kafka goes away and comes back. The child runs
 * {@code kafka.Kafka server.properties} from this JVM's own class path (so the broker is exactly the
 * {@code kafka_2.13} version the build uses); its storage is formatted once with
 * {@code kafka.tools.StorageTool format --standalone}. Ports are fixed at construction and the data
 * directory survives {@link #stop()}/{@link #start()}, so the same broker, with its topics and records,
 * comes back on the same address. Broker output goes to {@link #logFile()}, not to the test's console.
 *
 * <p>{@link #close()} stops the broker and deletes its directory; a shutdown hook kills a child left
 * running when the test JVM exits.
 */
public final class KafkaProcess implements AutoCloseable {

    /** How long {@link #start()} waits for the broker to answer. */
    public static final long START_TIMEOUT_MILLIS = 60_000;
    /** How long {@link #stop()} waits after SIGTERM before it kills. */
    public static final long STOP_TIMEOUT_MILLIS = 30_000;

    private final int port;
    private final int controllerPort;
    private final Path dir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Thread reaper = new Thread(this::killQuietly, "kafka-process-reaper");
    private Process process;
    private boolean formatted;
    private int saslPort;
    private String scramUser;
    private String scramPassword;
    private long lastStartMillis;

    /** A broker on free ports in a fresh temporary directory (not started yet). */
    public KafkaProcess() {
        this(freePort(), freePort());
    }

    /** A broker on the given client and controller ports in a fresh temporary directory (not started yet). */
    public KafkaProcess(int port, int controllerPort) {
        this.port = port;
        this.controllerPort = controllerPort;
        try {
            this.dir = Files.createTempDirectory("hangcheck-kafka-process-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Adds a second listener, SASL_PLAINTEXT with SCRAM-SHA-512, on a free port, and the user
     * {@code user}/{@code password} (written into the storage when it is formatted: call before the first
     * {@link #start()}). The PLAINTEXT listener stays, for the broker itself and for set-up.
     */
    public synchronized KafkaProcess withScramUser(String user, String password) {
        if (formatted) {
            throw new IllegalStateException("SCRAM users are added when the storage is formatted, before the first start");
        }
        this.saslPort = freePort();
        this.scramUser = user;
        this.scramPassword = password;
        return this;
    }

    /** {@code 127.0.0.1:port} of the SASL_PLAINTEXT (SCRAM-SHA-512) listener; see {@link #withScramUser}. */
    public String saslBootstrapServers() {
        if (scramUser == null) {
            throw new IllegalStateException("no SASL listener: call withScramUser first");
        }
        return "127.0.0.1:" + saslPort;
    }

    /** {@code 127.0.0.1:port}, the same before and after a restart. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The broker's combined stdout/stderr. */
    public Path logFile() {
        return dir.resolve("kafka.log");
    }

    /** Whether the child process is alive. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Milliseconds the last {@link #start()} took until the broker answered. */
    public long lastStartMillis() {
        return lastStartMillis;
    }

    /**
     * Starts the broker (formatting its storage the first time) and returns once it answers a
     * describe-cluster request. Does nothing if it is running.
     */
    public synchronized KafkaProcess start() {
        if (isRunning()) {
            return this;
        }
        long t0 = System.nanoTime();
        try {
            Path config = writeConfig();
            if (!formatted) {
                List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "--standalone",
                        "--ignore-formatted", "-t", clusterId, "-c", config.toString()));
                if (scramUser != null) {
                    format.addAll(List.of("--add-scram", "SCRAM-SHA-512=[name=" + scramUser + ",password=" + scramPassword + "]"));
                }
                runToCompletion(format);
                formatted = true;
            }
            ProcessBuilder pb = new ProcessBuilder(javaCommand(List.of("kafka.Kafka", config.toString())))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            process = pb.start();
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lastStartMillis = (System.nanoTime() - t0) / 1_000_000;
        return this;
    }

    /** Stops the broker gracefully (SIGTERM, then SIGKILL after {@value #STOP_TIMEOUT_MILLIS} ms). Data is kept. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    /** Kills the broker at once (SIGKILL), like a crash or a power cut. Data written so far is kept. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops the broker and deletes its directory. */
    @Override
    public synchronized void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run; nothing to remove
        }
        deleteRecursively(dir);
    }

    private void killQuietly() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    private Path writeConfig() throws IOException {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        String sasl = scramUser == null ? "" : ",SASL://127.0.0.1:" + saslPort;
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + sasl + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + sasl);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
                + (scramUser == null ? "" : ",SASL:SASL_PLAINTEXT"));
        if (scramUser != null) {
            props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            props.put("listener.name.sasl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        props.put("log.dirs", dir.resolve("data").toString());
        // After a SIGKILL the controller keeps the dead incarnation registered until its session expires
        // (9 s by default) and refuses the new one meanwhile: a short session makes a killed broker come back fast.
        props.put("broker.session.timeout.ms", "3000");
        props.put("broker.heartbeat.interval.ms", "500");
        for (Map.Entry<String, String> e : TestKafka.singleNodeConfig().entrySet()) {
            props.put(e.getKey(), e.getValue());
        }
        Path config = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, "hangcheck test broker");
        }
        return config;
    }

    private Path loggingConfig() {
        Path jboss = dir.resolve("logging.properties");
        Path log4j2 = dir.resolve("log4j2.properties");
        try {
            if (!Files.exists(jboss)) {
                Files.writeString(jboss, String.join("\n",
                        "logger.level=INFO",
                        "logger.handlers=CONSOLE",
                        "loggers=org.apache.kafka.clients,org.apache.kafka.common.config",
                        "logger.org.apache.kafka.clients.level=WARN",
                        "logger.org.apache.kafka.common.config.level=WARN",
                        "handler.CONSOLE=org.jboss.logmanager.handlers.ConsoleHandler",
                        "handler.CONSOLE.formatter=PATTERN",
                        "formatter.PATTERN=org.jboss.logmanager.formatters.PatternFormatter",
                        "formatter.PATTERN.properties=pattern",
                        "formatter.PATTERN.pattern=%d{HH:mm:ss,SSS} %-5p [%c] %s%e%n",
                        ""));
                Files.writeString(log4j2, String.join("\n",
                        "rootLogger.level=INFO",
                        "rootLogger.appenderRef.out.ref=OUT",
                        "appender.out.type=Console",
                        "appender.out.name=OUT",
                        "appender.out.layout.type=PatternLayout",
                        "appender.out.layout.pattern=%d{HH:mm:ss,SSS} %-5p [%c] %m%n",
                        ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jboss;
    }

    private void runToCompletion(List<String> mainAndArgs) throws IOException {
        Process p = new ProcessBuilder(javaCommand(mainAndArgs))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Kafka storage format timed out; see " + logFile());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("Kafka storage format failed (exit " + p.exitValue() + "):\n" + logTail());
        }
    }

    private List<String> javaCommand(List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small and quick to start: this is a test broker on a shared machine.
        cmd.add("-Xms64m");
        cmd.add("-Xmx384m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Djava.awt.headless=true");
        // Quarkus test class paths bind SLF4J to the JBoss LogManager: give it a config (INFO to the log file).
        cmd.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
        cmd.add("-Dlogging.configuration=" + loggingConfig().toUri());
        // Class paths with log4j2 bindings read this one instead.
        cmd.add("-Dlog4j2.configurationFile=" + loggingConfig().resolveSibling("log4j2.properties").toUri());
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.addAll(mainAndArgs);
        return cmd;
    }

    /** The test class path: Surefire puts it in {@code surefire.test.class.path} (java.class.path may be a booter jar). */
    static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        String full = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        // Quarkus jars install a JBoss LogManager configurator that buffers every log line until a Quarkus
        // application starts, which in the broker never happens: leave them out, and the broker logs.
        return Arrays.stream(full.split(File.pathSeparator))
                .filter(entry -> !isQuarkusJar(entry))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static boolean isQuarkusJar(String entry) {
        String name = Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName().toString();
        return name.startsWith("quarkus-") && name.endsWith(".jar");
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                int exit = process.exitValue();
                process = null;
                throw new IllegalStateException("Kafka broker exited with " + exit + " while starting:\n" + logTail());
            }
            if (portOpen() && answers()) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("Kafka broker did not become ready in " + START_TIMEOUT_MILLIS + " ms:\n" + logTail());
    }

    private boolean portOpen() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean answers() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(props)) {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get().isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    /** The last lines of the broker log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + logFile() + ")";
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp dir left behind is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
