package io.hangcheck.e2e;

import io.hangcheck.testing.TestKafka;
import io.hangcheck.testing.TestPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ingest, evaluator and executor as separate processes on a real broker and a real PostgreSQL database,
 * with test-sized thresholds: hosts beat every 500 ms and are hung after 4 s of silence.
 * {@link #start(String)} uses the shared in-process broker and the machine's PostgreSQL; {@link #builder(String)}
 * lets a test choose the broker (e.g. a restartable {@code KafkaProcess}), the database and extra settings.
 */
final class Stack implements AutoCloseable {
    static final String OPERATOR_TOKEN = "e2e-operator-token";

    final String bootstrap;
    final TestKafka kafka;
    final String dbUrl;
    final ServiceProcess ingest;
    /** Every ingest instance; {@link #ingest} is the first. */
    final List<ServiceProcess> ingests;
    final ServiceProcess evaluator;
    /** Every evaluator instance (one Streams application, sharing the partitions); {@link #evaluator} is the first. */
    final List<ServiceProcess> evaluators;
    final ServiceProcess executor;
    /** Every executor instance (one leader, the others standbys); {@link #executor} is the first, started first. */
    final List<ServiceProcess> executors;
    /** The socket monitor, when the builder asked for one (it watches the stack's database); else null. */
    final ServiceProcess sockets;
    private final List<ServiceProcess> all = new ArrayList<>();

    /** What a test may choose; defaults are those of the walking skeleton. */
    static final class Builder {
        private final String name;
        private String bootstrap;
        private String dbUrl;
        private int ingestInstances = 1;
        private final Map<String, String> ingestEnv = new LinkedHashMap<>();
        private final Map<String, String> evaluatorEnv = new LinkedHashMap<>();
        private int evaluatorInstances = 1;
        private final Map<String, String> executorEnv = new LinkedHashMap<>();
        private int executorInstances = 1;
        private Map<String, String> socketsEnv;

        private Builder(String name) {
            this.name = name;
        }

        /** Kafka bootstrap servers (the contract topics must exist there); default the shared broker. */
        Builder kafka(String bootstrapServers) {
            this.bootstrap = bootstrapServers;
            return this;
        }

        /** The executor's database (user and password of {@link TestPostgres}); default a fresh one on the machine's server. */
        Builder database(String jdbcUrl) {
            this.dbUrl = jdbcUrl;
            return this;
        }

        /** How many ingest instances run (each its own process, instance id and port); default one. */
        Builder ingestInstances(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("at least one ingest instance");
            }
            this.ingestInstances = n;
            return this;
        }

        Builder ingest(String key, String value) {
            ingestEnv.put(key, value);
            return this;
        }

        /** How many evaluator instances run (same application id, so they split the partitions); default one. */
        Builder evaluatorInstances(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("at least one evaluator instance");
            }
            this.evaluatorInstances = n;
            return this;
        }

        Builder evaluator(String key, String value) {
            evaluatorEnv.put(key, value);
            return this;
        }

        /** How many executor instances run (one leads, the others stand by); default one. */
        Builder executorInstances(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("at least one executor instance");
            }
            this.executorInstances = n;
            return this;
        }

        Builder executor(String key, String value) {
            executorEnv.put(key, value);
            return this;
        }

        /**
         * A socket monitor too, watching the stack's database, with these settings; it starts with the other services
         * (not after them: a JVM's start is the slow part of a stack on a busy machine).
         */
        Builder socketMonitor(Map<String, String> settings) {
            this.socketsEnv = new LinkedHashMap<>(settings);
            return this;
        }

        /**
         * Starts the services and waits until each is ready. A stack of a class's own: the {@link SharedStack}, if
         * one runs, is stopped first, so that it does not compete for the cores.
         */
        Stack start() throws Exception {
            SharedStack.stop();
            return startAlongside();
        }

        /** Starts the services and waits until each is ready, leaving any other stack running. */
        Stack startAlongside() throws Exception {
            Stack s = new Stack(this);
            try {
                for (ServiceProcess p : s.all) {
                    p.start();
                    if (p == s.executor && s.executors.size() > 1) {
                        p.awaitReady(Duration.ofMinutes(3)); // the first executor leads: the others start as standbys
                    }
                }
                for (ServiceProcess p : s.all) {
                    p.awaitReady(Duration.ofMinutes(3));
                }
                return s;
            } catch (Exception | Error e) {
                s.close();
                throw e;
            }
        }
    }

    static Builder builder(String name) {
        return new Builder(name);
    }

    /** The walking skeleton's stack: the shared broker, a fresh database on the machine's PostgreSQL. */
    static Stack start(String name) throws Exception {
        return builder(name).start();
    }

    private Stack(Builder b) throws Exception {
        String name = b.name;
        if (b.bootstrap == null) {
            kafka = TestKafka.shared();
            // empty topics for every stack: an earlier class's hosts would otherwise freeze this one's fleet
            KafkaTool.recreateContractTopics(kafka.bootstrapServers());
            bootstrap = kafka.bootstrapServers();
        } else {
            kafka = null;
            bootstrap = b.bootstrap;
        }
        dbUrl = b.dbUrl != null ? b.dbUrl : TestPostgres.recreate("hangcheck_e2e_" + name);
        Map<String, String> common = Map.of("HANGCHECK_KAFKA", bootstrap);

        Map<String, String> ingestEnv = new LinkedHashMap<>(common);
        // Ingest refuses to start without heartbeat credentials; stacks not about authentication choose insecure
        // explicitly (their fleets post without tokens). SecurityTest configures credentials through ingestEnv.
        ingestEnv.put("HANGCHECK_INGEST_AUTH_INSECURE", "true");
        ingestEnv.putAll(b.ingestEnv);
        List<ServiceProcess> ingestList = new ArrayList<>();
        for (int i = 0; i < b.ingestInstances; i++) {
            String id = instanceName("ingest", name, i, b.ingestInstances);
            ingestList.add(ServiceProcess.quarkus("heartbeat-ingest", id, ingestEnv));
        }
        ingests = List.copyOf(ingestList);
        ingest = ingests.get(0);

        Map<String, String> evaluatorEnv = new LinkedHashMap<>(common);
        evaluatorEnv.put("HANGCHECK_EVALUATOR_EXPECTED_INTERVAL", "500ms");
        evaluatorEnv.put("HANGCHECK_EVALUATOR_SUSPECT_AFTER", "2s");
        evaluatorEnv.put("HANGCHECK_EVALUATOR_HANG_AFTER", "4s");
        evaluatorEnv.put("HANGCHECK_EVALUATOR_BOOT_GRACE", "0s");
        evaluatorEnv.put("HANGCHECK_EVALUATOR_ACCEPTABLE_PAUSE", "300ms");
        evaluatorEnv.put("HANGCHECK_EVALUATOR_MIN_STD_DEVIATION", "200ms");
        evaluatorEnv.put("HANGCHECK_EVALUATOR_HELD_RECHECK", "1s");
        evaluatorEnv.put("HANGCHECK_EVALUATOR_FLEET_REPORT_INTERVAL", "2s");
        evaluatorEnv.put("KAFKA_STREAMS_COMMIT_INTERVAL_MS", "100");
        evaluatorEnv.put("QUARKUS_KAFKA_STREAMS_APPLICATION_ID", "hangcheck-e2e-" + name);
        evaluatorEnv.putAll(b.evaluatorEnv);
        List<ServiceProcess> evaluatorList = new ArrayList<>();
        for (int i = 0; i < b.evaluatorInstances; i++) {
            String id = instanceName("evaluator", name, i, b.evaluatorInstances);
            Map<String, String> env = new LinkedHashMap<>(evaluatorEnv);
            env.putIfAbsent("HANGCHECK_STATE_DIR", Files.createTempDirectory("e2e-evaluator-state").toString()); // one each
            evaluatorList.add(ServiceProcess.quarkus("liveness-evaluator", id, env));
        }
        evaluators = List.copyOf(evaluatorList);
        evaluator = evaluators.get(0);

        Map<String, String> executorEnv = new LinkedHashMap<>(common);
        executorEnv.put("HANGCHECK_DB_URL", dbUrl);
        executorEnv.put("HANGCHECK_DB_USER", TestPostgres.user());
        executorEnv.put("HANGCHECK_DB_PASSWORD", TestPostgres.password());
        executorEnv.put("HANGCHECK_EXECUTOR_ADMIN_OPERATOR_TOKENS", OPERATOR_TOKEN);
        executorEnv.put("HANGCHECK_EXECUTOR_GROUP", "hangcheck-e2e-executor-" + name);
        executorEnv.putAll(b.executorEnv);
        List<ServiceProcess> executorList = new ArrayList<>();
        for (int i = 0; i < b.executorInstances; i++) {
            executorList.add(ServiceProcess.quarkus("reboot-executor", instanceName("executor", name, i, b.executorInstances), executorEnv));
        }
        executors = List.copyOf(executorList);
        executor = executors.get(0);
        all.addAll(ingests);
        all.addAll(evaluators);
        all.addAll(executors);
        if (b.socketsEnv != null) {
            Map<String, String> socketsEnv = new LinkedHashMap<>(common);
            socketsEnv.put("HANGCHECK_SOCKETS_PG_URLS", dbUrl);
            socketsEnv.putAll(b.socketsEnv);
            sockets = ServiceProcess.quarkus("socket-monitor", "sockets-" + name, socketsEnv);
            all.add(sockets);
        } else {
            sockets = null;
        }
    }

    /** {@code role-name} for a single instance, {@code role-a-name}, {@code role-b-name}… for several. */
    private static String instanceName(String role, String name, int i, int n) {
        return n == 1 ? role + "-" + name : role + "-" + (char) ('a' + i) + "-" + name;
    }

    /** The executor's ledger for {@code host}, oldest first, as "DECISION REASON". */
    List<String> ledger(String host) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(dbUrl, TestPostgres.user(), TestPostgres.password());
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT decision, reason FROM ledger WHERE host_id = ? ORDER BY id")) {
            ps.setString(1, host);
            List<String> out = new ArrayList<>();
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            return out;
        }
    }

    /** EXECUTED ledger rows beyond the first of each incident, read on {@code db} (which this closes). */
    static int duplicateReboots(java.sql.Connection db) throws java.sql.SQLException {
        try (db; java.sql.PreparedStatement ps = db.prepareStatement(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM ledger WHERE decision = 'EXECUTED' GROUP BY incident_id) x");
             java.sql.ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Puts {@code host} into the executor's inventory (JSON body of the admin API) as an operator. */
    void inventory(String host, String json) {
        java.net.http.HttpResponse<String> put = executor.send(java.net.http.HttpRequest.newBuilder(executor.uri("/v1/inventory/" + host))
                .header("Authorization", "Bearer " + OPERATOR_TOKEN)
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json)));
        if (put.statusCode() != 200 && put.statusCode() != 201) {
            throw new AssertionError("inventory of " + host + ": " + put.statusCode() + " " + put.body());
        }
    }

    /** A fleet of {@code size} hosts {@code prefix-0…} beating to the first ingest every 500 ms (the stack's expected interval). */
    Fleet startFleet(String prefix, int size) {
        return new Fleet(ingest, prefix, size).start(Duration.ofMillis(500));
    }

    static Path logDir() {
        return ServiceProcess.ROOT.resolve("e2e-tests/target/e2e-logs");
    }

    /**
     * Appends one scenario's figures to {@code target/<file>} (e2e-results.txt, chaos-results.txt: what RESULTS.md
     * is written from) and prints the line.
     */
    static void recordResult(String file, String line) throws java.io.IOException {
        Path out = logDir().resolveSibling(file);
        Files.createDirectories(out.getParent());
        Files.writeString(out, line + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        System.out.println("[e2e result] " + line);
    }

    /** The agent's jar that real agents run (built by the reactor before the e2e tests). */
    static Path agentJar() throws java.io.IOException {
        return jar("host-agent", "hangcheck-host-agent");
    }

    /** The fleet simulator's jar the simulated fleets run (built by the reactor before the e2e tests). */
    static Path simulatorJar() throws java.io.IOException {
        return jar("fleet-simulator", "hangcheck-fleet-simulator");
    }

    private static Path jar(String module, String artifact) throws java.io.IOException {
        try (java.nio.file.DirectoryStream<Path> jars = Files.newDirectoryStream(ServiceProcess.ROOT.resolve(module + "/target"),
                artifact + "-*.jar")) {
            for (Path j : jars) {
                String n = j.getFileName().toString();
                if (!n.endsWith("-sources.jar") && !n.endsWith("-tests.jar") && !n.endsWith("-javadoc.jar")) {
                    return j;
                }
            }
        }
        throw new IllegalStateException(module + "/target/" + artifact + "-*.jar is missing: build " + module + " first (./mvnw install)");
    }

    /**
     * Closes, in this order, each of {@code resources} that is not null (a start that failed half-way); a failure
     * does not keep the later ones open, and the first is thrown once all were tried.
     */
    static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Stops the fleet's senders first, then the stack; either may be null (a start that failed half-way). */
    static void close(Fleet fleet, Stack stack) throws InterruptedException {
        if (fleet != null) {
            fleet.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (ServiceProcess p : all) {
            p.close();
        }
    }
}
