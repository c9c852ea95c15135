package io.hangcheck.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
 * hangs brings a second attempt.
 */
class ExecutorKillTest {
    private static final String PREFIX = "xk";
    /** The killable executor's re-check: every second, for incidents HUNG five seconds by its own receive time. */
    static final Duration RECHECK_INTERVAL = Duration.ofSeconds(1);
    static final Duration RECHECK_AFTER = Duration.ofSeconds(5);
    private static Stack stack;
    private static Fleet fleet;
    private static Path marks;

    @BeforeAll
    static void start() throws Exception {
        marks = Files.createTempDirectory("e2e-executor-kill");
        stack = killable("executor_kill").start();
        fleet = new Fleet(stack.ingest, PREFIX, 12);
        fleet.start(Duration.ofMillis(500));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        Stack.close(fleet, stack);
    }

    /** Whatever a test left behind when it failed half-way: its host still hung, the executor dead. */
    @AfterEach
    void putBack() throws Exception {
        for (String h : fleet.hosts()) {
            if (fleet.isHung(h)) {
                fleet.reboot(h);
            }
        }
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
        inventory(host, "bash|-c|echo start >> " + started + "; sleep 30; echo {resetType} >> " + acted);
        fleet.hang(host);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(started));
        killExecutorWithItsDriver();

        Instant restarted = restartExecutor();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(ledger(host)).contains("UNKNOWN INTERRUPTED_ATTEMPT"));
        // the re-check looks at the still hung host twice (it is the only one hung) and must not act
        Facts.recheckLooked(stack.executor, 2, 2, restarted, RECHECK_AFTER, RECHECK_INTERVAL);
        // a HUNG redelivered after the restart is a duplicate's skip; nothing else may follow
        assertThat(ledger(host)).filteredOn(row -> !row.equals("SKIPPED DUPLICATE_INCIDENT"))
                .containsExactly("INTENT POLICY_PASSED", "UNKNOWN INTERRUPTED_ATTEMPT");
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
        inventory(host, "bash|-c|echo {resetType} >> " + acted + "; sleep 30");
        fleet.hang(host);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(acted));
        killExecutorWithItsDriver();

        Instant restarted = restartExecutor();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(ledger(host)).contains("UNKNOWN INTERRUPTED_ATTEMPT"));
        Facts.recheckLooked(stack.executor, 2, 2, restarted, RECHECK_AFTER, RECHECK_INTERVAL);
        // a HUNG redelivered after the restart is a duplicate's skip; nothing else may follow
        assertThat(ledger(host)).filteredOn(row -> !row.equals("SKIPPED DUPLICATE_INCIDENT"))
                .containsExactly("INTENT POLICY_PASSED", "UNKNOWN INTERRUPTED_ATTEMPT");
        assertThat(lines(acted)).as("resets made").isEqualTo(1);
        System.out.printf("FIGURE row 4b (SIGKILL between act and record): resets %d, ledger %s%n", lines(acted), ledger(host));
        fleet.reboot(host);
    }

    /** A stack whose executor runs slow exec drivers, re-checks every second and may reset several hosts an hour. */
    static Stack.Builder killable(String name) {
        return Stack.builder(name)
                .executor("HANGCHECK_EXECUTOR_EXEC_TIMEOUT", "5m")
                .executor("HANGCHECK_EXECUTOR_RECHECK_INTERVAL", RECHECK_INTERVAL.toSeconds() + "s")
                .executor("HANGCHECK_EXECUTOR_RECHECK_AFTER", RECHECK_AFTER.toSeconds() + "s")
                // two hosts in the inventory: the default share (10 % an hour, at least one host) would allow one
                .executor("HANGCHECK_EXECUTOR_LIMITS_FLEET_SHARE_PER_HOUR", "1.0");
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

    private static void inventory(String host, String argv) {
        inventory(stack, host, argv);
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
