package io.hangcheck.executor.domain;

import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.testing.SteppedClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FleetViewTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    final SteppedClock clock = new SteppedClock(T0);
    final FleetView view = new FleetView(clock, Duration.ofSeconds(90), Duration.ofMinutes(15));

    static FleetHealth report(String id, FleetMode mode, Instant at) {
        return new FleetHealth(id, mode, List.of(), 10, 0, 0.0, 0, List.of(0), List.of(), at, at);
    }

    @Test
    void noReportAtAllIsFrozenAndUnknownUntilStaleAfterThenAFreeze() {
        assertThat(view.status().mode()).isEqualTo(FleetMode.FROZEN);
        assertThat(view.status().unknown()).as("right after the start").isTrue();
        clock.step(Duration.ofSeconds(90));
        assertThat(view.status().unknown()).isTrue();
        clock.step(Duration.ofSeconds(1));
        assertThat(view.status().mode()).isEqualTo(FleetMode.FROZEN);
        assertThat(view.status().unknown()).as("no report for stale-after since the start").isFalse();
    }

    @Test
    void aReportDatedAheadIsJudgedByItsReceiveTimeAndCannotPinAMode() {
        view.update(report("ev-1", FleetMode.NORMAL, T0));
        // a forged FROZEN for the real evaluator id, dated 150 s ahead, on a record stamped now
        view.update(report("ev-1", FleetMode.FROZEN, T0.plusSeconds(150)), T0);
        assertThat(view.status().mode()).isEqualTo(FleetMode.FROZEN);
        clock.step(Duration.ofSeconds(10));
        view.update(report("ev-1", FleetMode.NORMAL, clock.instant()), clock.instant()); // the evaluator's next report
        assertThat(view.status().mode()).as("the real report is newer than the forged one's receive time").isEqualTo(FleetMode.NORMAL);
    }

    @Test
    void onlyConfiguredEvaluatorIdsCount() {
        FleetView strict = new FleetView(clock, Duration.ofSeconds(90), Duration.ofMinutes(15), Duration.ofSeconds(5), java.util.Set.of("ev-1"));
        assertThat(strict.update(report("ev-1", FleetMode.NORMAL, T0))).isTrue();
        assertThat(strict.update(report("intruder", FleetMode.NORMAL, T0))).isFalse();
        clock.step(Duration.ofSeconds(60));
        strict.update(report("ev-1", FleetMode.NORMAL, clock.instant()));
        clock.step(Duration.ofSeconds(60));
        strict.update(report("ev-1", FleetMode.NORMAL, clock.instant()));
        assertThat(strict.status().mode()).as("the unknown id's report goes stale nowhere").isEqualTo(FleetMode.NORMAL);
        assertThat(strict.reports()).containsOnlyKeys("ev-1");
    }

    @Test
    void theFirstReportEndsTheUnknownStartForGood() {
        view.update(report("ev-1", FleetMode.NORMAL, T0));
        assertThat(view.status()).isEqualTo(new io.hangcheck.executor.domain.FleetStatus(FleetMode.NORMAL, List.of()));
        clock.step(Duration.ofMinutes(16)); // forgotten: FROZEN, and a freeze now, not an unknown start
        assertThat(view.status().mode()).isEqualTo(FleetMode.FROZEN);
        assertThat(view.status().unknown()).isFalse();
    }

    @Test
    void mostCautiousEvaluatorWins() {
        view.update(report("ev-1", FleetMode.NORMAL, T0));
        view.update(report("ev-2", FleetMode.DEGRADED, T0));
        assertThat(view.status().mode()).isEqualTo(FleetMode.DEGRADED);
        view.update(report("ev-3", FleetMode.FROZEN, T0));
        assertThat(view.status().mode()).isEqualTo(FleetMode.FROZEN);
        view.update(report("ev-3", FleetMode.NORMAL, T0.plusSeconds(1)));
        assertThat(view.status().mode()).isEqualTo(FleetMode.DEGRADED);
    }

    @Test
    void olderReportDoesNotReplaceNewer() {
        view.update(report("ev-1", FleetMode.FROZEN, T0.plusSeconds(10)));
        view.update(report("ev-1", FleetMode.NORMAL, T0));
        clock.step(Duration.ofSeconds(10));
        assertThat(view.status().mode()).isEqualTo(FleetMode.FROZEN);
    }

    @Test
    void staleReportCountsAsFrozenAndForgottenEvaluatorLeavesNothingSoFrozen() {
        view.update(report("ev-1", FleetMode.NORMAL, T0));
        clock.step(Duration.ofSeconds(90));
        assertThat(view.status().mode()).isEqualTo(FleetMode.NORMAL);
        clock.step(Duration.ofSeconds(1));
        FleetStatus s = view.status();
        assertThat(s.mode()).isEqualTo(FleetMode.FROZEN);
        assertThat(s.reasons()).anyMatch(r -> r.contains("stale"));
        clock.step(Duration.ofMinutes(15));
        assertThat(view.status().reasons()).containsExactly("no fleet-health report from any evaluator");
    }

    @Test
    void scaledDownEvaluatorIsForgottenWhileOthersReport() {
        view.update(report("ev-1", FleetMode.NORMAL, T0));
        view.update(report("ev-2", FleetMode.NORMAL, T0));
        clock.step(Duration.ofMinutes(16));
        view.update(report("ev-2", FleetMode.NORMAL, clock.instant()));
        assertThat(view.status().mode()).isEqualTo(FleetMode.NORMAL);
    }
}
