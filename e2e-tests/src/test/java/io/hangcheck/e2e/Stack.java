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
 */
final class Stack implements AutoCloseable {
    static final String OPERATOR_TOKEN = "e2e-operator-token";

    final TestKafka kafka;
    final String dbUrl;
    final ServiceProcess ingest;
    final ServiceProcess evaluator;
    final ServiceProcess executor;
    private final List<ServiceProcess> all = new ArrayList<>();

    private Stack(String name) throws Exception {
        kafka = TestKafka.shared();
        kafka.createContractTopics();
        dbUrl = TestPostgres.recreate("hangcheck_e2e_" + name);
        Map<String, String> common = Map.of("HANGCHECK_KAFKA", kafka.bootstrapServers());

        Map<String, String> ingestEnv = new LinkedHashMap<>(common);
        ingest = ServiceProcess.quarkus("heartbeat-ingest", "ingest-" + name, ingestEnv);

        Map<String, String> evaluatorEnv = new LinkedHashMap<>(common);
        evaluatorEnv.put("HANGCHECK_STATE_DIR", Files.createTempDirectory("e2e-evaluator-state").toString());
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
        evaluator = ServiceProcess.quarkus("liveness-evaluator", "evaluator-" + name, evaluatorEnv);

        Map<String, String> executorEnv = new LinkedHashMap<>(common);
        executorEnv.put("HANGCHECK_DB_URL", dbUrl);
        executorEnv.put("HANGCHECK_DB_USER", TestPostgres.user());
        executorEnv.put("HANGCHECK_DB_PASSWORD", TestPostgres.password());
        executorEnv.put("HANGCHECK_EXECUTOR_ADMIN_OPERATOR_TOKENS", OPERATOR_TOKEN);
        executorEnv.put("HANGCHECK_EXECUTOR_GROUP", "hangcheck-e2e-executor-" + name);
        executor = ServiceProcess.quarkus("reboot-executor", "executor-" + name, executorEnv);
        all.addAll(List.of(ingest, evaluator, executor));
    }

    /** Starts the three services and waits until each is ready. */
    static Stack start(String name) throws Exception {
        Stack s = new Stack(name);
        try {
            for (ServiceProcess p : s.all) {
                p.start();
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

    static Path logDir() {
        return ServiceProcess.ROOT.resolve("e2e-tests/target/e2e-logs");
    }

    @Override
    public void close() throws InterruptedException {
        for (ServiceProcess p : all) {
            p.close();
        }
    }
}
