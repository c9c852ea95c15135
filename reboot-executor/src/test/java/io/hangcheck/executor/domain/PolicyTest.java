package io.hangcheck.executor.domain;

import io.hangcheck.events.FleetMode;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.testing.SteppedClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every link of the chain, with a stepped clock and explicit timestamps. */
class PolicyTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    final SteppedClock clock = new SteppedClock(T0);
    final Policy policy = new Policy(clock, Policy.Limits.defaults());

    static final InventoryEntry HOST = new InventoryEntry("h1", "redfish", Map.of("bmc", "https://bmc-h1"), Map.of("pool", "win"), true, T0, "test");

    /** A situation in which every check passes. */
    Builder ok() {
        return new Builder();
    }

    final class Builder {
        Situation.Origin origin = Situation.Origin.HUNG;
        boolean duplicate;
        PauseState pause = PauseState.RUNNING;
        Silence silence;
        InventoryEntry inventory = HOST;
        Evidence evidence = Evidence.CORROBORATED;
        FleetStatus fleet = new FleetStatus(FleetMode.NORMAL, List.of());
        boolean quarantined;
        List<Instant> hostResets = List.of();
        int inFlight;
        List<Instant> recentResets = List.of();
        int hostsResetLastHour;
        int fleetSize = 113;
        String openAttempt;

        Verdict decide() {
            return policy.decide(new Situation("h1", Map.of("pool", "win"), origin, duplicate, pause, silence, inventory,
                    evidence, fleet, quarantined, hostResets, inFlight, recentResets, hostsResetLastHour, fleetSize, openAttempt));
        }
    }

    static void assertVerdict(Verdict v, RebootDecision d, RebootReason r) {
        assertThat(v.decision()).as("decision (%s)", v).isEqualTo(d);
        assertThat(v.reason()).as("reason (%s)", v).isEqualTo(r);
    }

    @Test
    void everythingHealthyPassesToTheDriver() {
        assertVerdict(ok().decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
    }

    @Test
    void duplicateIncidentIsSkippedFirst() {
        Builder b = ok();
        b.duplicate = true;
        b.pause = new PauseState(true, "ops", "maintenance", T0);
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.DUPLICATE_INCIDENT);
    }

    @Test
    void pausedSkipsBeforeSilenceAndInventory() {
        Builder b = ok();
        b.pause = new PauseState(true, "ops", "storm", T0);
        b.inventory = null;
        Verdict v = b.decide();
        assertVerdict(v, RebootDecision.SKIPPED, RebootReason.PAUSED);
        assertThat(v.detail()).containsEntry("pausedBy", "ops");
    }

    @Test
    void hostSilenceSkipsOnlyWhileActive() {
        Builder b = ok();
        b.silence = new Silence(7, "h1", null, null, T0, T0.plus(Duration.ofHours(1)), "ops", "bios update", T0);
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.SILENCED);
        clock.step(Duration.ofHours(1));
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
    }

    @Test
    void labelSilenceMatchesTheHostsLabels() {
        Silence win = new Silence(8, null, "pool", "win", T0, T0.plus(Duration.ofMinutes(5)), "ops", "pool work", T0);
        assertThat(win.matches("h1", Map.of("pool", "win"), T0)).isTrue();
        assertThat(win.matches("h1", Map.of("pool", "linux"), T0)).isFalse();
        assertThat(win.matches("h1", Map.of(), T0)).isFalse();
        assertThat(win.matches("h1", Map.of("pool", "win"), T0.plus(Duration.ofMinutes(5)))).isFalse();
        Silence host = new Silence(9, "h1", null, null, T0, T0.plus(Duration.ofMinutes(5)), "ops", "x", T0);
        assertThat(host.matches("h1", Map.of(), T0)).isTrue();
        assertThat(host.matches("h2", Map.of(), T0)).isFalse();
        Builder b = ok();
        b.silence = win;
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.SILENCED);
    }

    @Test
    void hostNotInInventoryOrDisabledIsNeverTouched() {
        Builder b = ok();
        b.inventory = null;
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.NOT_IN_INVENTORY);
        b.inventory = new InventoryEntry("h1", "redfish", Map.of(), Map.of(), false, T0, "t");
        Verdict v = b.decide();
        assertVerdict(v, RebootDecision.SKIPPED, RebootReason.NOT_IN_INVENTORY);
        assertThat(v.detail()).containsEntry("inventory", "disabled");
    }

    @Test
    void hungNotCorroboratedByHostStateIsSkipped() {
        for (Evidence e : List.of(Evidence.NO_STATE, Evidence.STATE_BEHIND, Evidence.CONTRADICTED)) {
            Builder b = ok();
            b.evidence = e;
            assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.NOT_CORROBORATED);
        }
    }

    @Test
    void operatorRequestNeedsNoCorroboration() {
        Builder b = ok();
        b.origin = Situation.Origin.MANUAL;
        b.evidence = Evidence.NO_STATE;
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.MANUAL);
    }

    @Test
    void frozenFleetHoldsEveryReboot() {
        Builder b = ok();
        b.fleet = new FleetStatus(FleetMode.FROZEN, List.of("ev-1: no ticks"));
        Verdict v = b.decide();
        assertVerdict(v, RebootDecision.HELD, RebootReason.FLEET_FROZEN);
        assertThat(v.detail()).containsEntry("fleetReasons", "ev-1: no ticks");
    }

    @Test
    void degradedFleetUsesTheSecondarySlowRate() {
        Builder b = ok();
        b.fleet = new FleetStatus(FleetMode.DEGRADED, List.of("ev-1: silent share 0.12"));
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
        // one reset a minute ago: the secondary bucket (1 per 10 min) is empty, the primary (6) is not
        b.recentResets = List.of(T0.minus(Duration.ofMinutes(1)));
        assertVerdict(b.decide(), RebootDecision.HELD, RebootReason.FLEET_DEGRADED_RATE);
        b.fleet = new FleetStatus(FleetMode.NORMAL, List.of());
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
        b.fleet = new FleetStatus(FleetMode.DEGRADED, List.of());
        clock.step(Duration.ofMinutes(9));
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
    }

    @Test
    void aHungMarkedGroupDegradedUsesTheSlowRateWhileTheFleetIsNormal() {
        String mark = "rack=r12 DEGRADED: 9 of 40 silent (0.23 >= 0.20)";
        Situation s = new Situation("h1", Map.of("rack", "r12"), Situation.Origin.HUNG, false, PauseState.RUNNING, null,
                HOST, Evidence.CORROBORATED, new FleetStatus(FleetMode.NORMAL, List.of()), false, List.of(), 0,
                List.of(T0.minus(Duration.ofMinutes(1))), 1, 113, null);
        // one reset a minute ago: the slow bucket (1 per 10 min) is empty, the primary (6 per 10 min) is not
        Verdict held = policy.decide(s, mark);
        assertVerdict(held, RebootDecision.HELD, RebootReason.FLEET_DEGRADED_RATE);
        assertThat(held.detail()).containsEntry(Policy.GROUP_DEGRADED, mark).containsEntry("fleetMode", "NORMAL");
        assertVerdict(policy.decide(s), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
        assertVerdict(policy.decide(s, null), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
        clock.step(Duration.ofMinutes(9));
        assertVerdict(policy.decide(s, mark), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
        // an operator's request is no HUNG: the mark does not apply
        Situation manual = new Situation("h1", Map.of(), Situation.Origin.MANUAL, false, PauseState.RUNNING, null, HOST,
                null, new FleetStatus(FleetMode.NORMAL, List.of()), false, List.of(), 0, List.of(clock.instant()), 1, 113, null);
        assertVerdict(policy.decide(manual, mark), RebootDecision.INTENT, RebootReason.MANUAL);
    }

    @Test
    void hostCoolDownThirtyMinutes() {
        Builder b = ok();
        b.hostResets = List.of(T0.minus(Duration.ofMinutes(10)));
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.HOST_COOL_DOWN);
        clock.step(Duration.ofMinutes(19));
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.HOST_COOL_DOWN);
        clock.step(Duration.ofMinutes(1));
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
    }

    @Test
    void thirdResetWithin24HoursQuarantinesTheHost() {
        Builder b = ok();
        b.hostResets = List.of(T0.minus(Duration.ofHours(20)), T0.minus(Duration.ofHours(10)), T0.minus(Duration.ofHours(1)));
        Verdict v = b.decide();
        assertVerdict(v, RebootDecision.QUARANTINED, RebootReason.HOST_QUARANTINED);
        assertThat(v.detail()).containsEntry("resetsInWindow", "3");
        // once the oldest leaves the 24 h window the count is 2: no quarantine, and no cool-down either
        clock.step(Duration.ofHours(4).plusSeconds(1));
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
    }

    @Test
    void quarantinedHostIsSkippedUntilAPersonReleasesIt() {
        Builder b = ok();
        b.quarantined = true;
        Verdict v = b.decide();
        assertVerdict(v, RebootDecision.SKIPPED, RebootReason.HOST_QUARANTINED);
    }

    @Test
    void inFlightCapOfThree() {
        Builder b = ok();
        b.inFlight = 2;
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
        b.inFlight = 3;
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.IN_FLIGHT_CAP);
    }

    @Test
    void tokenBucketSixPerTenMinutes() {
        Builder b = ok();
        List<Instant> resets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            b.recentResets = List.copyOf(resets);
            assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
            resets.add(clock.instant());
        }
        b.recentResets = List.copyOf(resets);
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.RATE_LIMITED);
        clock.step(Duration.ofSeconds(99));
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.RATE_LIMITED);
        clock.step(Duration.ofSeconds(1)); // 100 s = one token at 6 per 600 s
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
    }

    @Test
    void fleetShareTenPercentPerHourAtLeastOne() {
        Builder b = ok();
        b.fleetSize = 113; // cap 11
        b.hostsResetLastHour = 10;
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
        b.hostsResetLastHour = 11;
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.FLEET_SHARE_CAP);
        b.fleetSize = 5; // 10 % of 5 is 0.5: one host per hour still
        b.hostsResetLastHour = 0;
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.POLICY_PASSED);
        b.hostsResetLastHour = 1;
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.FLEET_SHARE_CAP);
    }

    @Test
    void chainOrderFrozenBeatsCoolDownAndLimits() {
        Builder b = ok();
        b.fleet = new FleetStatus(FleetMode.FROZEN, List.of());
        b.hostResets = List.of(T0.minus(Duration.ofMinutes(1)));
        b.inFlight = 3;
        assertVerdict(b.decide(), RebootDecision.HELD, RebootReason.FLEET_FROZEN);
        b.fleet = new FleetStatus(FleetMode.NORMAL, List.of());
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.HOST_COOL_DOWN);
        b.hostResets = List.of();
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.IN_FLIGHT_CAP);
    }

    @Test
    void forcedRequestSkipsTheChainButNotDuplicateOrInventory() {
        Builder b = ok();
        b.origin = Situation.Origin.FORCED;
        b.pause = new PauseState(true, "ops", "x", T0);
        b.fleet = new FleetStatus(FleetMode.FROZEN, List.of());
        b.inFlight = 3;
        assertVerdict(b.decide(), RebootDecision.INTENT, RebootReason.MANUAL_FORCED);
        b.inventory = null;
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.NOT_IN_INVENTORY);
        b.inventory = HOST;
        b.duplicate = true;
        assertVerdict(b.decide(), RebootDecision.SKIPPED, RebootReason.DUPLICATE_INCIDENT);
    }

    @Test
    void aHostWithAnOpenActionIsNotResetAgainWhateverAsks() {
        for (Situation.Origin origin : Situation.Origin.values()) {
            Builder b = ok();
            b.origin = origin;
            b.openAttempt = "h1/b1/7#1";
            Verdict v = b.decide();
            assertVerdict(v, RebootDecision.SKIPPED, RebootReason.HOST_COOL_DOWN);
            assertThat(v.detail()).as(origin.name()).containsEntry(Policy.OPEN_ATTEMPT, "h1/b1/7#1");
        }
        Builder frozen = ok();
        frozen.openAttempt = "h1/b1/7#1";
        frozen.fleet = new FleetStatus(FleetMode.FROZEN, List.of());
        assertVerdict(frozen.decide(), RebootDecision.HELD, RebootReason.FLEET_FROZEN); // the freeze still speaks first
    }
}
