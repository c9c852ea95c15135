package io.hangcheck.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One active executor, enforced, on real processes: two executors on one database, the first holds the leader lock
 * and the second stands by (ready, passive). The leader is SIGKILLed (with the driver process it started) between
 * the committed intent and the act: the standby takes the lock within a bounded time, runs the start-up recovery
 * only then, the attempt becomes UNKNOWN exactly once, and there is no second reset — neither from the redelivered
 * HUNG nor from the re-check, while the host stays hung.
 */
class ExecutorFailoverTest {
    private static final String PREFIX = "xf";
    /** The executors' re-check: every second, for incidents HUNG five seconds by their own receive time. */
    private static final Duration RECHECK_INTERVAL = Duration.ofSeconds(1);
    private static final Duration RECHECK_AFTER = Duration.ofSeconds(5);
    private static Stack stack;
    private static Fleet fleet;
    private static Path marks;

    @BeforeAll
    static void start() throws Exception {
        marks = Files.createTempDirectory("e2e-executor-failover");
        stack = Stack.builder("executor_failover").executorInstances(2)
                .executor("HANGCHECK_EXECUTOR_LEADERSHIP_RETRY_INTERVAL", "1s")
                .executor("HANGCHECK_EXECUTOR_EXEC_TIMEOUT", "5m")
                .executor("HANGCHECK_EXECUTOR_RECHECK_INTERVAL", RECHECK_INTERVAL.toSeconds() + "s")
                .executor("HANGCHECK_EXECUTOR_RECHECK_AFTER", RECHECK_AFTER.toSeconds() + "s")
                // no limit that could stand in for the "no second reset" this test asserts
                .executor("HANGCHECK_EXECUTOR_LIMITS_FLEET_SHARE_PER_HOUR", "1.0")
                .start();
        fleet = stack.startFleet(PREFIX, 12);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        Stack.close(fleet, stack);
    }

    @Test
    void theStandbyTakesOverWhenTheLeaderIsKilledBetweenIntentAndActAndTheAttemptIsUnknownOnce() throws Exception {
        ServiceProcess leader = stack.executors.get(0);
        ServiceProcess standby = stack.executors.get(1);
        assertThat(leader.metric("hangcheck_executor_leader", "")).isEqualTo(1.0);
        assertThat(standby.metric("hangcheck_executor_leader", "")).isEqualTo(0.0);
        assertThat(standby.get("/q/health/ready").statusCode()).as("a standby is ready").isEqualTo(200);
        assertThat(standby.get("/q/health/ready").body()).contains("standby");

        String host = fleet.hosts().get(3);
        Path started = marks.resolve(host + ".started");
        Path acted = marks.resolve(host + ".acted");
        // the driver: says it started, sleeps, and only then "resets" the host
        ExecutorKillTest.inventory(stack, host, "bash|-c|echo start >> " + started + "; sleep 30; echo {resetType} >> " + acted);
        fleet.hang(host);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(started));
        assertThat(stack.ledger(host)).containsExactly("INTENT POLICY_PASSED");

        ProcessHandle.of(leader.pid()).ifPresent(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        long killedAt = System.nanoTime();
        leader.kill();
        assertThat(leader.alive()).isFalse();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> standby.metric("hangcheck_executor_leader", "") == 1.0);
        double takeover = (System.nanoTime() - killedAt) / 1e9;
        Instant leads = Instant.now();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(stack.ledger(host)).contains("UNKNOWN INTERRUPTED_ATTEMPT"));
        // the re-check (every 1 s, after 5 s) must have looked at the still hung host several times
        Facts.recheckLooked(standby, 2, 2, leads, RECHECK_AFTER, RECHECK_INTERVAL);
        assertThat(stack.ledger(host)).filteredOn(row -> !row.equals("SKIPPED DUPLICATE_INCIDENT"))
                .containsExactly("INTENT POLICY_PASSED", "UNKNOWN INTERRUPTED_ATTEMPT");
        assertThat(lines(started)).as("driver runs").isEqualTo(1);
        assertThat(lines(acted)).as("resets made").isZero();
        System.out.printf("FIGURE executor failover: standby leads %.1f s after the leader's SIGKILL; driver runs %d, resets %d, ledger %s%n",
                takeover, lines(started), lines(acted), stack.ledger(host));
        fleet.reboot(host);
    }

    private static int lines(Path file) throws Exception {
        return ExecutorKillTest.lines(file);
    }
}
