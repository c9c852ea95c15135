package io.hangcheck.evaluator.domain;

import io.hangcheck.events.FleetMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FleetGuardTest {
    private final Thresholds t = Thresholds.defaults(); // 10 % / 40 %, thaw below 5 % / 30 % for 120 s

    private static FleetGuard.Figures f(int tracked, int silent) {
        return new FleetGuard.Figures(tracked, silent, 0, List.of());
    }

    @Test
    void modesFollowTheSilentShareWithHysteresis() {
        FleetGuard g = new FleetGuard(t, 0);
        assertThat(g.assess(f(100, 9), 0)).isFalse();
        assertThat(g.mode()).isEqualTo(FleetMode.NORMAL);
        assertThat(g.assess(f(100, 10), 1000)).isTrue();
        assertThat(g.mode()).isEqualTo(FleetMode.DEGRADED);
        assertThat(g.assess(f(100, 40), 2000)).isTrue();
        assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
        assertThat(g.reasons()).containsExactly("silent share 0.40 >= 0.40 (40 of 100 hosts)");
        // below 40 % but not below 30 %: stays FROZEN
        g.assess(f(100, 35), 3000);
        g.assess(f(100, 35), 200_000);
        assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
        // below 30 % for less than 120 s: still FROZEN
        g.assess(f(100, 20), 300_000);
        g.assess(f(100, 20), 419_999);
        assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
        assertThat(g.thaws()).isZero();
        assertThat(g.assess(f(100, 20), 420_000)).isTrue();
        assertThat(g.mode()).isEqualTo(FleetMode.DEGRADED);
        assertThat(g.thaws()).isEqualTo(1);
        // a blip above the thaw line restarts the timer
        g.assess(f(100, 4), 430_000);
        g.assess(f(100, 6), 500_000);
        g.assess(f(100, 4), 510_000);
        g.assess(f(100, 4), 629_999);
        assertThat(g.mode()).isEqualTo(FleetMode.DEGRADED);
        g.assess(f(100, 4), 630_000);
        assertThat(g.mode()).isEqualTo(FleetMode.NORMAL);
    }

    @Test
    void twoHostsOrFewerMoveTheFleetOnlyWhenAllAreDown() {
        FleetGuard g = new FleetGuard(t, 0);
        g.assess(f(2, 1), 0);
        assertThat(g.mode()).isEqualTo(FleetMode.NORMAL);
        // F1: all of a small fleet down is a full disruption (Kubernetes' ComputeZoneState)
        g.assess(f(2, 2), 0);
        assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
        assertThat(g.reasons()).containsExactly("all 2 tracked hosts down");
        g = new FleetGuard(t, 0);
        g.assess(f(3, 2), 0);
        assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
    }

    @Test
    void manyNewlySilentWithinAMinuteFreezes() {
        FleetGuard g = new FleetGuard(t, 0);
        g.assess(new FleetGuard.Figures(1000, 150, 150, List.of()), 0); // 15 % silent, but 150 at once
        assertThat(g.mode()).isEqualTo(FleetMode.NORMAL.mostCautious(FleetMode.DEGRADED));
        g.assess(new FleetGuard.Figures(1000, 200, 200, List.of()), 0);
        assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
        assertThat(g.reasons()).contains("200 hosts went silent within 60 s (>= 200)");
    }

    @Test
    void noTicksFreezesWhateverTheShare() {
        FleetGuard g = new FleetGuard(t, 0);
        g.assess(new FleetGuard.Figures(0, 0, 0, List.of(0, 3)), 0);
        assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
        assertThat(g.reasons()).containsExactly("no ticks on partitions [0, 3]");
    }
}
