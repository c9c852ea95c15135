package io.hangcheck.executor.it;

import io.hangcheck.events.FleetMode;
import io.hangcheck.executor.driver.FakeBmc;
import io.hangcheck.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts the executor on a database a crash left behind (an intent without outcome), and checks escalation
 * with a short boot timeout. Real broker, real PostgreSQL, real SMTP, fake BMC.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PeersResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "boot-timeout", value = "2s"))
@QuarkusTestResource(value = InterruptedAttemptResource.class, restrictToAnnotatedClass = true)
class ExecutorRestartTest extends WithPeers {

    @Test
    void killBetweenIntentAndActLeavesUnknownAndNoSecondReset() throws Exception {
        String host = InterruptedAttemptResource.HOST;
        // at start-up the attempt without outcome became UNKNOWN, and was reported
        assertThat(ItSupport.ledger(host)).containsExactly("INTENT POLICY_PASSED", "UNKNOWN INTERRUPTED_ATTEMPT");
        assertThat(ItSupport.count("SELECT count(*) FROM action WHERE NOT closed")).isZero();
        // the evaluator's HUNG arrives again (redelivered after the crash): a duplicate, never a second reset
        it.fleet(FleetMode.NORMAL);
        it.hung(host, "b1", 7);
        await().atMost(Duration.ofSeconds(30)).until(() -> ItSupport.ledger(host).size() >= 3);
        assertThat(ItSupport.ledger(host)).containsExactly("INTENT POLICY_PASSED", "UNKNOWN INTERRUPTED_ATTEMPT", "SKIPPED DUPLICATE_INCIDENT");
        assertThat(bmc.resets(host)).isEmpty();
        await().atMost(Duration.ofSeconds(20)).until(() -> Arrays.stream(smtp.getReceivedMessages())
                .anyMatch(m -> ExecutorKafkaTest.subject(m).contains("interrupted-attempts")));
    }

    @Test
    void attemptWithoutDriverAnswerPastTheOutcomeTimeoutBecomesUnknownWhileRunning() throws Exception {
        String host = "stuck-1";
        ItSupport.inventory(host, "redfish", Map.of("bmc", bmc.url(), "systemId", host));
        try (var c = ItSupport.db(); var st = c.createStatement()) {
            // what a driver call whose outcome could not be written leaves behind, 11 minutes ago
            st.execute("INSERT INTO incident (incident_id, host_id, boot_id, origin, claimed_at) VALUES ('stuck-1/b1/2', 'stuck-1', 'b1', 'HUNG', now() - interval '11 minutes')");
            st.execute("INSERT INTO action (incident_id, host_id, attempt, driver, reset_type, boot_id, intent_at) VALUES ('stuck-1/b1/2', 'stuck-1', 1, 'redfish', 'GracefulRestart', 'b1', now() - interval '11 minutes')");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.ledger(host).contains("UNKNOWN INTERRUPTED_ATTEMPT"));
        assertThat(ItSupport.count("SELECT count(*) FROM action WHERE host_id = 'stuck-1' AND NOT closed")).isZero();
        assertThat(bmc.resets(host)).isEmpty();
    }

    @Test
    void hostThatDoesNotComeBackIsEscalatedOnceThenQuarantined() throws Exception {
        String host = "slow-1";
        ItSupport.inventory(host, "redfish", Map.of("bmc", bmc.url(), "systemId", host));
        for (int i = 0; i < 40; i++) { // a fleet of 42+: 10 % per hour allows 4 hosts (crash-1, stuck-1 may count)
            ItSupport.inventory("filler-" + i, "dry-run", Map.of());
        }
        it.fleet(FleetMode.NORMAL);
        it.hung(host, "b1", 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> ItSupport.ledger(host).contains("QUARANTINED BOOT_TIMEOUT"));
        assertThat(ItSupport.ledger(host)).containsExactly(
                "INTENT POLICY_PASSED", "EXECUTED POLICY_PASSED",
                "ESCALATED BOOT_TIMEOUT", "INTENT BOOT_TIMEOUT", "EXECUTED BOOT_TIMEOUT",
                "QUARANTINED BOOT_TIMEOUT");
        assertThat(bmc.resets(host)).containsExactly(new FakeBmc.Reset(host, "GracefulRestart"), new FakeBmc.Reset(host, "ForceRestart"));
        // a later hang of the quarantined host is skipped, never reset
        Thread.sleep(1000);
        it.hung(host, "b9", 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> ItSupport.ledger(host).contains("SKIPPED HOST_QUARANTINED"));
        assertThat(bmc.resets(host)).hasSize(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> Arrays.stream(smtp.getReceivedMessages())
                .anyMatch(m -> ExecutorKafkaTest.subject(m).contains("quarantine")));
    }
}
