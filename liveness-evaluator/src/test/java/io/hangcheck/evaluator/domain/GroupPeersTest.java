package io.hangcheck.evaluator.domain;

import io.hangcheck.events.FleetMode;
import io.hangcheck.events.GroupCounts;
import io.hangcheck.testing.SteppedClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Host groups across evaluator instances ({@link FleetAggregator#peer}, {@link FleetAggregator#localGroupCounts}):
 * two instances exchange their counts the way {@code hangcheck.groups.v1} carries them; a group spanning both is
 * judged over the sum, and stale or partial counts never make a group less cautious than the local view alone.
 */
class GroupPeersTest {
    private static final GroupThresholds G = GroupThresholds.defaults().withThawAfter(0);
    private static final List<String> R1 = List.of("rack=r1");

    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-11-27T00:00:00Z"));

    private FleetAggregator instance(String id) {
        return new FleetAggregator(id, Thresholds.defaults(), G, clock).peerSettings(new PeerSettings(10_000, 30_000, 600_000));
    }

    /** {@code tracked} hosts of rack r1 on partition {@code p}, {@code silent} of them down. */
    private static FleetAggregator.TaskSlot rack(FleetAggregator fleet, int p, int tracked, int silent) {
        FleetAggregator.TaskSlot slot = fleet.register(p);
        slot.resetGroups(java.util.Map.of()); // as a task does once it scanned its store: its hosts are now counted
        for (int i = 0; i < tracked; i++) {
            slot.moveGroups(List.of(), false, R1, i >= tracked - silent); // healthy first: no hysteresis from the build-up
        }
        return slot;
    }

    private static void exchange(FleetAggregator a, FleetAggregator b) {
        b.peer(a.instanceId(), a.localGroupCounts());
        a.peer(b.instanceId(), b.localGroupCounts());
    }

    /**
     * Instance a after it and b exchanged their counts: 4 of 4 hosts of rack r1 silent on a's partition 0, 4 of 4 on
     * b's partition 1 (the group FROZEN as a whole).
     */
    private FleetAggregator rackSplitOverAAndB() {
        FleetAggregator a = instance("a");
        FleetAggregator b = instance("b");
        rack(a, 0, 4, 4);
        rack(b, 1, 4, 4);
        exchange(a, b);
        return a;
    }

    @Test
    void aRackSplitOverTwoInstancesIsFrozenAlthoughNeitherPartReachesMinSize() {
        FleetAggregator a = instance("a");
        FleetAggregator b = instance("b");
        rack(a, 0, 4, 4);
        rack(b, 1, 4, 4);
        // alone, each sees 4 of 4 silent: fewer than min-size 5, NORMAL (the old per-instance answer: 8 resets)
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.NORMAL);
        assertThat(b.groupMode("rack=r1")).isEqualTo(FleetMode.NORMAL);

        exchange(a, b);

        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);
        assertThat(b.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);
        assertThat(a.frozenGroups(R1)).containsExactly(
                "group rack=r1 FROZEN: 8 of 8 silent (1.00 >= 0.50) over 2 evaluator instances");
        assertThat(a.groupView("rack=r1")).containsExactly(8, 8);
        assertThat(a.groupCounts("rack=r1")).as("local counts stay local").containsExactly(4, 4);
        assertThat(a.peers()).containsEntry("b", "FRESH");
    }

    @Test
    void aRackSplit35To5IsDegradedNotFrozenAndNotNormal() {
        FleetAggregator a = instance("a");
        FleetAggregator b = instance("b");
        rack(a, 0, 35, 5);   // 5 of 35: 14 %, NORMAL alone
        rack(b, 1, 5, 4);    // 4 of 5: 80 %, FROZEN alone
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.NORMAL);
        assertThat(b.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);

        exchange(a, b);

        // 9 of 40 = 22.5 %: DEGRADED on both (the true answer)
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.DEGRADED);
        assertThat(b.groupMode("rack=r1")).isEqualTo(FleetMode.DEGRADED);
        assertThat(b.degradedGroup(R1)).isEqualTo("rack=r1 DEGRADED: 9 of 40 silent (0.23 >= 0.20) over 2 evaluator instances");
    }

    @Test
    void aPeersStaleCountsAreInDoubtThenExpire() {
        FleetAggregator a = rackSplitOverAAndB();
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);

        // b stops publishing: 31 s later its counts are in doubt; the most cautious view keeps them: still FROZEN
        clock.step(Duration.ofSeconds(31));
        a.reassess();
        assertThat(a.peers()).containsEntry("b", "DOUBT");
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);
        assertThat(a.frozenGroups(R1)).singleElement().asString()
                .isEqualTo("group rack=r1 FROZEN: 8 of 8 silent (1.00 >= 0.50); peer counts in doubt: the most cautious view");

        // after peer-expire-after they are dropped: a judges its own 4 hosts alone, NORMAL (thaw-after 0 here)
        clock.step(Duration.ofMinutes(10));
        a.reassess();
        assertThat(a.peers()).isEmpty();
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.NORMAL);
        assertThat(a.groupView("rack=r1")).containsExactly(4, 4);
    }

    @Test
    void aStalePeerIsDroppedOnceItsPartitionsAreHeldElsewhere() {
        FleetAggregator a = rackSplitOverAAndB();
        clock.step(Duration.ofSeconds(31));
        a.reassess();
        assertThat(a.peers()).containsEntry("b", "DOUBT");

        // b's partition 1 is taken over by a (its hosts restored there): b's counts are superseded, not added twice
        rack(a, 1, 4, 4);
        a.reassess();
        assertThat(a.peers()).isEmpty();
        assertThat(a.groupView("rack=r1")).containsExactly(8, 8);
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);
    }

    @Test
    void aPartitionTakenOverButNotYetCountedDoesNotSupersedeTheStalePeer() {
        FleetAggregator a = rackSplitOverAAndB();
        clock.step(Duration.ofSeconds(31));
        // a's task for partition 1 has started but not yet scanned its store: b's last counts stay (in doubt)
        FleetAggregator.TaskSlot restoring = a.register(1);
        a.reassess();
        assertThat(a.peers()).containsEntry("b", "DOUBT");
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);
        restoring.resetGroups(java.util.Map.of("rack=r1", new int[]{4, 4}));
        a.reassess();
        assertThat(a.peers()).isEmpty();
        assertThat(a.groupView("rack=r1")).containsExactly(8, 8);
    }

    @Test
    void doubtIsNeverMorePermissiveThanTheLocalViewAlone() {
        FleetAggregator a = instance("a");
        FleetAggregator b = instance("b");
        rack(a, 0, 5, 5);    // 5 of 5: FROZEN alone
        rack(b, 1, 35, 0);   // 35 healthy
        exchange(a, b);
        // fresh: 5 of 40 = 12.5 %, NORMAL (five true hangs in a rack of 40 are acted on)
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.NORMAL);

        // b's counts go stale: its 35 healthy hosts are no longer evidence; the local view (FROZEN) wins
        clock.step(Duration.ofSeconds(31));
        a.reassess();
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);
        assertThat(a.groupView("rack=r1")).containsExactly(5, 5);

        // b publishes again: fresh, the whole view again
        a.peer("b", b.localGroupCounts());
        assertThat(a.peers()).containsEntry("b", "FRESH");
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.NORMAL);
    }

    @Test
    void theCapLeavesGroupsOutCountsThemAndReadersTreatTheirShareAsUnknown() {
        FleetAggregator a = instance("a");
        FleetAggregator b = new FleetAggregator("b", Thresholds.defaults(), G, clock).peerSettings(new PeerSettings(1, 30_000, 600_000));
        rack(a, 0, 5, 5);
        FleetAggregator.TaskSlot slot = b.register(1);
        slot.resetGroups(java.util.Map.of());
        for (int i = 0; i < 35; i++) {
            slot.moveGroups(List.of(), false, List.of("rack=r1"), false);
        }
        for (int i = 0; i < 3; i++) {
            slot.moveGroups(List.of(), false, List.of("pool=nightly"), true);
        }
        GroupCounts published = b.localGroupCounts();
        // groups with down hosts first: pool=nightly listed, rack=r1 left out and counted
        assertThat(published.groups()).extracting(GroupCounts.Count::group).containsExactly("pool=nightly");
        assertThat(published.omitted()).isEqualTo(1);
        assertThat(b.lastOmitted()).isEqualTo(1);

        a.peer("b", published);
        // b's share of rack=r1 is unknown: not zero, and not a reason to be less cautious than a's own 5 of 5
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);
        assertThat(a.frozenGroups(R1)).singleElement().asString().endsWith("peer counts in doubt: the most cautious view");
    }

    @Test
    void ownRecordsAndTombstonesAndTheInstancesPartitions() {
        FleetAggregator a = instance("a");
        FleetAggregator b = instance("b");
        rack(a, 0, 4, 4);
        rack(b, 1, 4, 4);
        a.peer("a", a.localGroupCounts());
        assertThat(a.peers()).as("its own record is not a peer").isEmpty();
        assertThat(b.localGroupCounts().partitions()).containsExactly(1);
        exchange(a, b);
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);
        a.peer("b", null);
        assertThat(a.peers()).isEmpty();
        assertThat(a.groupMode("rack=r1")).isEqualTo(FleetMode.NORMAL);
    }
}
