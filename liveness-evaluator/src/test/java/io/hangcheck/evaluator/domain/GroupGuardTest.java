package io.hangcheck.evaluator.domain;

import io.hangcheck.events.FleetMode;
import io.hangcheck.testing.SteppedClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupGuardTest {
    private static final GroupThresholds G = GroupThresholds.defaults(); // 0.20 / 0.50, thaw 0.10 / 0.30, 2 min, 5, 3

    @Test
    void aWholeRackSilentFreezesAtOnceAndNamesTheCounts() {
        GroupGuard g = new GroupGuard(G, 0);
        assertThat(g.assess(40, 38, 1_000)).isTrue();
        assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
        assertThat(g.reason()).isEqualTo("38 of 40 silent (0.95 >= 0.50)");
        assertThat(g.since()).isEqualTo(1_000);
    }

    @Test
    void smallGroupsAndFewSilentHostsNeverLeaveNormal() {
        GroupGuard three = new GroupGuard(G, 0);
        three.assess(3, 1, 0);
        assertThat(three.mode()).as("a group of 3 with 1 hang").isEqualTo(FleetMode.NORMAL);
        three.assess(3, 3, 0);
        assertThat(three.mode()).as("below min-size 5 even when all of it is silent").isEqualTo(FleetMode.NORMAL);
        GroupGuard rack = new GroupGuard(G, 0);
        rack.assess(5, 2, 0);
        assertThat(rack.mode()).as("2 of 5 is 40 %, but fewer than min-silent 3").isEqualTo(FleetMode.NORMAL);
        rack.assess(5, 3, 0);
        assertThat(rack.mode()).as("3 of 5 silent: 60 %").isEqualTo(FleetMode.FROZEN);
    }

    @Test
    void degradedBetweenTheShares() {
        GroupGuard g = new GroupGuard(G, 0);
        g.assess(40, 9, 0);
        assertThat(g.mode()).isEqualTo(FleetMode.DEGRADED);
        assertThat(g.reason()).isEqualTo("9 of 40 silent (0.23 >= 0.20)");
        g.assess(40, 20, 0);
        assertThat(g.mode()).as("escalates at once").isEqualTo(FleetMode.FROZEN);
    }

    @Test
    void thawsOnlyAfterCalmHeldForThawAfterAndCountsTheThaw() {
        GroupGuard g = new GroupGuard(G, 0);
        g.assess(40, 40, 0);
        g.assess(40, 14, 10_000); // 0.35: below freeze-above, not below freeze-thaw-below 0.30
        assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
        assertThat(g.reason()).contains("holding FROZEN");
        g.assess(40, 1, 20_000); // calm from here
        assertThat(g.assess(40, 1, 20_000 + 119_999)).isFalse();
        assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
        g.assess(40, 4, 80_000); // 0.10 < 0.30: still calm, the timer runs on
        assertThat(g.assess(40, 1, 20_000 + 120_000)).isTrue();
        assertThat(g.mode()).isEqualTo(FleetMode.NORMAL);
        assertThat(g.thaws()).isEqualTo(1);
    }

    @Test
    void aReturnOfSilenceRestartsTheThawTimer() {
        GroupGuard g = new GroupGuard(G, 0);
        g.assess(40, 40, 0);
        g.assess(40, 0, 10_000);
        g.assess(40, 30, 60_000); // silent again: FROZEN's condition holds, the timer restarts
        g.assess(40, 0, 70_000);
        g.assess(40, 0, 10_000 + 120_000);
        assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
        g.assess(40, 0, 70_000 + 120_000);
        assertThat(g.mode()).isEqualTo(FleetMode.NORMAL);
    }

    @Test
    void groupsOfAHostAreItsConfiguredLabelsAndItsNet() {
        assertThat(G.groupsOf(Map.of("rack", "r12", "os", "linux", "pool", "nightly"), "10.1.7.0/24"))
                .containsExactly("rack=r12", "pool=nightly", "net=10.1.7.0/24");
        assertThat(G.groupsOf(Map.of(), null)).isEmpty();
        assertThat(GroupThresholds.off().groupsOf(Map.of("rack", "r12"), "10.1.7.0/24")).isEmpty();
        assertThatThrownBy(() -> G.withKeys(List.of("Rack"))).hasMessageContaining("not a label key");
        assertThatThrownBy(() -> new GroupThresholds(List.of("rack"), 0.2, 0.5, 0.1, 0.3, 0, 1, 3))
                .hasMessageContaining("min-size >= 2");
    }

    /** A rack whose hosts fall on two partitions of this instance is judged whole: the slots' counts add up. */
    @Test
    void aGroupSpanningPartitionsIsCountedOverAllOfThem() {
        SteppedClock clock = new SteppedClock(Instant.parse("2026-11-27T00:00:00Z"));
        FleetAggregator fleet = new FleetAggregator("e", Thresholds.defaults(), G, clock);
        FleetAggregator.TaskSlot p0 = fleet.register(0);
        FleetAggregator.TaskSlot p1 = fleet.register(1);
        List<String> r12 = List.of("rack=r12");
        for (int i = 0; i < 20; i++) {
            p0.moveGroups(List.of(), false, r12, false);
            p1.moveGroups(List.of(), false, r12, false);
        }
        assertThat(fleet.groupCounts("rack=r12")).containsExactly(40, 0);
        // 3 silent on each partition: 6 of 40 = 15 %, NORMAL; 2 more on p1: 8 of 40 = 20 %, DEGRADED
        for (int i = 0; i < 3; i++) {
            p0.moveGroups(r12, false, r12, true);
            p1.moveGroups(r12, false, r12, true);
        }
        assertThat(fleet.groupMode("rack=r12")).isEqualTo(FleetMode.NORMAL);
        p1.moveGroups(r12, false, r12, true);
        p1.moveGroups(r12, false, r12, true);
        assertThat(fleet.groupCounts("rack=r12")).containsExactly(40, 8);
        assertThat(fleet.groupMode("rack=r12")).isEqualTo(FleetMode.DEGRADED);
        assertThat(fleet.degradedGroup(r12)).isEqualTo("rack=r12 DEGRADED: 8 of 40 silent (0.20 >= 0.20)");
        // all of p0's half silent: 25 of 40, FROZEN, although p0 alone has only 20 hosts
        for (int i = 0; i < 17; i++) {
            p0.moveGroups(r12, false, r12, true);
        }
        assertThat(fleet.frozenGroups(r12)).containsExactly("group rack=r12 FROZEN: 25 of 40 silent (0.63 >= 0.50)");
        assertThat(fleet.report().groups()).singleElement().satisfies(h -> assertThat(h.silent()).isEqualTo(25));
        // p0 moves to another instance: its 20 hosts leave the counts; 5 of 20 left
        fleet.unregister(p0);
        assertThat(fleet.groupCounts("rack=r12")).containsExactly(20, 5);
        // p1's hosts forgotten: the group is gone
        for (int i = 0; i < 5; i++) {
            p1.moveGroups(r12, true, List.of(), false);
        }
        for (int i = 0; i < 15; i++) {
            p1.moveGroups(r12, false, List.of(), false);
        }
        assertThat(fleet.groupCounts("rack=r12")).containsExactly(0, 0);
        clock.step(Duration.ofMinutes(5));
        fleet.reassess();
        assertThat(fleet.worstGroups(20)).isEmpty();
    }
}
