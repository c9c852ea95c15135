package io.hangcheck.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault matrix row 4, on real processes: the executor is SIGKILLed (with the driver process it started) between
 * the committed intent and the act, and between the act and the record of its outcome. The driver is the
 * {@code exec} driver running a script that writes a marker file when it "resets" the host, before or after a
 * long sleep. After the restart the attempt is UNKNOWN / INTERRUPTED_ATTEMPT, reported, and never made again —
 * the host is still hung and the evaluator still says so, and neither the HUNG nor the re-check of unanswered
 * hangs brings a second attempt. It runs on the {@link SharedStack} (whose executor re-checks every second and runs
 * slow exec drivers); its hosts are {@code xk-*}.
 */
@Order(3)
class ExecutorKillTest {
    private static final String PREFIX = "xk";
    private static Stack stack;
    private static Fleet fleet;
    private static Path marks;

    @BeforeAll
    static void start() throws Exception {
        marks = Files.createTempDirectory("e2e-executor-kill");
        SharedStack shared = SharedStack.get();
        stack = shared.stack;
        fleet = shared.fleet(PREFIX, 12);
    }

    /** Whatever a test left behind when it failed half-way: its host still hung, the executor dead. */
    @AfterEach
    void putBack() throws Exception {
        SharedStack.putBack(fleet);
        if (!stack.executor.alive()) {
            restartExecutor();
        }
    }

    @Test
    void killedBetweenIntentAndActTheAttemptIsUnknownAndNeverMade() throws Exception {
        String host = fleet.hosts().get(2);
        Path started = marks.resolve(host + ".started");
        Path acted = marks.resolve(host + ".acted");
        // the driver: says it started, sleeps, and only then "resets" the host
        killMidReset(host, "bash|-c|echo start >> " + started + "; sleep 30; echo {resetType} >> " + acted, started);
        assertThat(lines(started)).as("driver runs").isEqualTo(1);
        assertThat(lines(acted)).as("resets made").isZero();
        System.out.printf("FIGURE row 4a (SIGKILL between intent and act): driver runs %d, resets %d, ledger %s%n",
                lines(started), lines(acted), ledger(host));
        fleet.reboot(host);
    }

    @Test
    void killedBetweenActAndRecordTheAttemptIsUnknownAndNotRepeated() throws Exception {
        String host = fleet.hosts().get(5);
        Path acted = marks.resolve(host + ".acted");
        // the driver "resets" the host at once, then takes long to answer
        killMidReset(host, "bash|-c|echo {resetType} >> " + acted + "; sleep 30", acted);
        assertThat(lines(acted)).as("resets made").isEqualTo(1);
        System.out.printf("FIGURE row 4b (SIGKILL between act and record): resets %d, ledger %s%n", lines(acted), ledger(host));
        fleet.reboot(host);
    }

    /**
     * Puts {@code host} on the exec driver {@code argv} and hangs it; once the driver has written {@code mark},
     * SIGKILLs the executor with the driver and restarts it. Then the attempt must be UNKNOWN / INTERRUPTED_ATTEMPT
     * and, after the re-check has looked at the still hung host twice, nothing else may have followed (a HUNG
     * redelivered after the restart is a duplicate's skip).
     */
    private static void killMidReset(String host, String argv, Path mark) throws Exception {
        inventory(stack, host, argv);
        fleet.hang(host);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(mark));
        killExecutorWithItsDriver();

        Instant restarted = restartExecutor();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(ledger(host)).contains("UNKNOWN INTERRUPTED_ATTEMPT"));
        // the re-check looks at the still hung host twice (the only host hung on the stack) and must not act
        Facts.recheckLooked(stack.executor, 2, 2, restarted, SharedStack.RECHECK_AFTER, SharedStack.RECHECK_INTERVAL);
        assertThat(ledger(host)).filteredOn(row -> !row.equals("SKIPPED DUPLICATE_INCIDENT"))
                .containsExactly("INTENT POLICY_PASSED", "UNKNOWN INTERRUPTED_ATTEMPT");
    }

    private static void killExecutorWithItsDriver() throws InterruptedException {
        ProcessHandle.of(stack.executor.pid()).ifPresent(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        stack.executor.kill();
        assertThat(stack.executor.alive()).isFalse();
    }

    /** Restarts the executor; returns when it started (before it could have received anything). */
    private static Instant restartExecutor() throws Exception {
        Instant started = Instant.now();
        stack.executor.start().awaitReady(Duration.ofMinutes(2));
        return started;
    }

    /** Puts {@code host} on the exec driver with this argv ({@code |}-separated). */
    static void inventory(Stack stack, String host, String argv) {
        stack.inventory(host, "{\"driver\":\"exec\",\"params\":{\"argv\":\"" + argv.replace("\"", "\\\"")
                + "\"},\"labels\":{\"pool\":\"e2e\"},\"enabled\":true,\"author\":\"e2e\"}");
    }

    private static List<String> ledger(String host) throws Exception {
        return stack.ledger(host);
    }

    static int lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }
}
