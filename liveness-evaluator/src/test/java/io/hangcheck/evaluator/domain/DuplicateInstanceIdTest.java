package io.hangcheck.evaluator.domain;

import io.hangcheck.events.FleetMode;
import io.hangcheck.events.GroupCounts;
import io.hangcheck.testing.SteppedClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two evaluator instances configured with the same instance id ({@link FleetAggregator#peer} with a record under the
 * instance's own id): a record the instance did not build is another instance's, held as a peer in doubt, so a group
 * it shares is judged on the most cautious view (the other instance's hosts counted) instead of on this instance's
 * hosts alone; its own records and a former incarnation's are not.
 */
class DuplicateInstanceIdTest {
    private static final GroupThresholds G = GroupThresholds.defaults().withThawAfter(0);
    private static final List<String> R1 = List.of("rack=r1");
    private static final PeerSettings PEERS = new PeerSettings(10_000, 30_000, 600_000);

    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-12-03T00:00:00Z"));

    private FleetAggregator instance(String id) {
        return new FleetAggregator(id, Thresholds.defaults(), G, clock).peerSettings(PEERS);
    }

    /** {@code tracked} hosts of rack r1 on partition {@code p}, {@code silent} of them down. */
    private static void rack(FleetAggregator fleet, int p, int tracked, int silent) {
        FleetAggregator.TaskSlot slot = fleet.register(p);
        slot.resetGroups(Map.of());
        for (int i = 0; i < tracked; i++) {
            slot.moveGroups(List.of(), false, R1, i >= tracked - silent);
        }
    }

    @Test
    void anotherInstanceUnderTheSameIdIsSeenAndItsHostsCountedInDoubt() {
        FleetAggregator first = instance("a");
        FleetAggregator second = instance("a");
        // rack r1: 4 of 4 silent on each; neither part alone reaches the group's min size, the whole rack is dark
        rack(first, 0, 4, 4);
        rack(second, 1, 4, 4);
        assertThat(first.groupMode("rack=r1")).as("one part alone").isEqualTo(FleetMode.NORMAL);

        // its own record read back from the topic is its own
        assertThat(first.peer("a", first.localGroupCounts())).isFalse();
        assertThat(first.duplicateInstanceId()).isFalse();
        assertThat(first.peers()).isEmpty();

        clock.step(Duration.ofMillis(1500));
        assertThat(first.peer("a", second.localGroupCounts())).as("an ERROR is due").isTrue();
        assertThat(first.duplicateInstanceId()).isTrue();
        assertThat(first.duplicateRecords()).isEqualTo(1);
        assertThat(first.peers()).containsExactly(Map.entry("a", "DUPLICATE"));
        // the other instance's hosts count (most cautious view): the rack is FROZEN, no host of it can be HUNG
        assertThat(first.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);
        assertThat(first.groupView("rack=r1")).containsExactly(8, 8);
        assertThat(first.frozenGroups(R1)).singleElement().asString()
                .endsWith("another evaluator instance publishes under this instance's id: the most cautious view");

        // records keep coming: the ERROR is rate-limited, the doubt lasts
        clock.step(Duration.ofSeconds(10));
        assertThat(first.peer("a", first.localGroupCounts())).isFalse();
        clock.step(Duration.ofMillis(700)); // one clock for both here: a record of the same millisecond would pass as its own
        assertThat(first.peer("a", second.localGroupCounts())).as("within a minute of the last ERROR").isFalse();
        assertThat(first.duplicateRecords()).isEqualTo(2);
        clock.step(Duration.ofSeconds(55));
        assertThat(first.peer("a", second.localGroupCounts())).as("a minute later").isTrue();
        assertThat(first.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);

        // the other instance stops: still in doubt until peer-expire-after after its last record, then over
        clock.step(Duration.ofMillis(PEERS.expireAfterMs()));
        first.reassess();
        assertThat(first.duplicateInstanceId()).isTrue();
        assertThat(first.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);
        clock.step(Duration.ofSeconds(1));
        first.reassess();
        assertThat(first.duplicateInstanceId()).isFalse();
        assertThat(first.peers()).isEmpty();
        assertThat(first.groupMode("rack=r1")).isEqualTo(FleetMode.NORMAL);
    }

    @Test
    void aFormerIncarnationsRecordIsNotADuplicate() {
        FleetAggregator before = instance("a");
        rack(before, 1, 4, 4);
        GroupCounts old = before.localGroupCounts();
        clock.step(Duration.ofSeconds(5));
        FleetAggregator restarted = instance("a"); // the same instance after a restart reads its last record back
        rack(restarted, 0, 4, 4);
        assertThat(restarted.peer("a", old)).isFalse();
        assertThat(restarted.duplicateInstanceId()).isFalse();
        assertThat(restarted.duplicateRecords()).isZero();
        assertThat(restarted.groupMode("rack=r1")).isEqualTo(FleetMode.NORMAL);
        // a tombstone under its own id is nothing either
        assertThat(restarted.peer("a", null)).isFalse();
        assertThat(restarted.peers()).isEmpty();
    }
}
