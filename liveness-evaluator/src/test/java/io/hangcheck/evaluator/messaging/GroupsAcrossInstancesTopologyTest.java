package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.GroupThresholds;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.GroupCounts;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import static io.hangcheck.evaluator.messaging.Lab.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One host group spanning two evaluator instances, on the production topology: two {@link Lab}s (two
 * {@code TopologyTestDriver}s, instances {@code evaluator-a} and {@code evaluator-b}), each holding part of the
 * fleet, exchanging what they write to {@code hangcheck.groups.v1} every second as the compacted topic would. Fast
 * thresholds (a heartbeat a second, suspect after 2 s, hung after 5 s).
 */
class GroupsAcrossInstancesTopologyTest {
    private static final Thresholds FAST = Thresholds.fast();
    private static final GroupThresholds GROUPS = GroupThresholds.defaults().withThawAfter(3_000);
    /** Hosts per instance: 0-99 in rack r0 (a: r0, b: r2), then the shared rack r1's part. */
    private static final int OTHERS = 100;

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    private static String host(String inst, int i) {
        return inst + "-host-" + i;
    }

    /**
     * Seconds {@code from}..{@code to} on both instances: a tick, heartbeats of the hosts alive, 1 s of wall time,
     * then (when {@code share}) each instance's group counts to the other.
     */
    private static void run(Lab a, int aR1, Lab b, int bR1, int from, int to, IntPredicate r1AliveAt, boolean share) {
        for (int s = from; s <= to; s++) {
            long at = T0 + s * 1000L;
            for (Lab lab : List.of(a, b)) {
                String inst = lab == a ? "a" : "b";
                int r1 = lab == a ? aR1 : bR1;
                lab.tick(at);
                for (int h = 0; h < OTHERS + r1; h++) {
                    boolean inR1 = h >= OTHERS;
                    if (!inR1 || r1AliveAt.test(s)) {
                        lab.heartbeat(host(inst, h), s, at, Map.of("rack", inR1 ? "r1" : (lab == a ? "r0" : "r2")), null);
                    }
                }
                lab.wall(1000);
            }
            if (share) {
                a.groupsTo(b);
                b.groupsTo(a);
            }
        }
    }

    @Test
    void aDarkRackSplitOverTwoInstancesIsFrozenOnBoth() {
        try (Lab a = new Lab("evaluator-a", FAST, GROUPS, dirA, T0, false);
             Lab b = new Lab("evaluator-b", FAST, GROUPS, dirB, T0, false)) {
            // rack r1: 4 hosts on each instance, dark after second 4 (its switch died). Alone each part is 4 hosts,
            // under min-size 5: NORMAL, and its hosts would be HUNG (8 resets for one dead switch).
            run(a, 4, b, 4, 1, 14, s -> s <= 4, true);

            for (Lab lab : List.of(a, b)) {
                assertThat(lab.hosts(LivenessEventType.HUNG)).as(lab.fleet.instanceId()).isEmpty();
                List<LivenessEvent> held = lab.events(LivenessEventType.HELD);
                assertThat(held).hasSize(4);
                assertThat(held).allSatisfy(e -> assertThat(e.reasons()).anySatisfy(r -> assertThat(r)
                        .isEqualTo("group rack=r1 FROZEN: 8 of 8 silent (1.00 >= 0.50) over 2 evaluator instances")));
                assertThat(lab.fleet.groupMode("rack=r1")).isEqualTo(FleetMode.FROZEN);
                assertThat(lab.fleet.groupMode("rack=r0")).isEqualTo(FleetMode.NORMAL);
                assertThat(lab.fleet.mode()).isEqualTo(FleetMode.NORMAL);
            }
            assertThat(a.fleet.peers()).containsExactly(Map.entry("evaluator-b", "FRESH"));
        }
    }

    @Test
    void withoutTheSharedCountsEachInstanceAloneHangsItsPart() {
        // the control: the same outage without exchanging counts is judged per instance (the old answer)
        try (Lab a = new Lab("evaluator-a", FAST, GROUPS, dirA, T0, false);
             Lab b = new Lab("evaluator-b", FAST, GROUPS, dirB, T0, false)) {
            run(a, 4, b, 4, 1, 14, s -> s <= 4, false);
            assertThat(a.hosts(LivenessEventType.HUNG)).hasSize(4);
            assertThat(b.hosts(LivenessEventType.HUNG)).hasSize(4);
        }
    }

    @Test
    void aPartSeenOnlyByOneInstanceIsDegradedOverTheWholeRack() {
        try (Lab a = new Lab("evaluator-a", FAST, GROUPS, dirA, T0, false);
             Lab b = new Lab("evaluator-b", FAST, GROUPS, dirB, T0, false)) {
            // r1: 6 hosts on a (all hang after second 4: 6 of 6, FROZEN alone), 14 healthy on b.
            // Over the rack: 6 of 20 = 30 %: DEGRADED, so a's hangs are HUNG at the slow rate, not HELD.
            for (int s = 1; s <= 14; s++) {
                long at = T0 + s * 1000L;
                a.tick(at);
                b.tick(at);
                for (int h = 0; h < OTHERS; h++) {
                    a.heartbeat(host("a", h), s, at, Map.of("rack", "r0"), null);
                    b.heartbeat(host("b", h), s, at, Map.of("rack", "r2"), null);
                }
                for (int h = 0; h < 14; h++) {
                    b.heartbeat(host("b", OTHERS + h), s, at, Map.of("rack", "r1"), null);
                }
                if (s <= 4) {
                    for (int h = 0; h < 6; h++) {
                        a.heartbeat(host("a", OTHERS + h), s, at, Map.of("rack", "r1"), null);
                    }
                }
                a.wall(1000);
                b.wall(1000);
                a.groupsTo(b);
                b.groupsTo(a);
            }
            assertThat(a.hosts(LivenessEventType.HELD)).isEmpty();
            List<LivenessEvent> hung = a.events(LivenessEventType.HUNG);
            assertThat(hung).extracting(LivenessEvent::hostId)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 6).mapToObj(h -> host("a", OTHERS + h)).toList());
            assertThat(hung).allSatisfy(e -> assertThat(e.groupDegraded())
                    .isEqualTo("rack=r1 DEGRADED: 6 of 20 silent (0.30 >= 0.20) over 2 evaluator instances"));
            assertThat(b.fleet.groupMode("rack=r1")).isEqualTo(FleetMode.DEGRADED);
        }
    }

    @Test
    void theRecordOnTheTopicIsTheContractsGroupCounts() {
        try (Lab a = new Lab("evaluator-a", FAST, GROUPS, dirA, T0, false)) {
            a.tick(T0 + 1000);
            a.heartbeat("h1", 1, T0 + 1000, Map.of("rack", "r1", "pool", "nightly"), "10.1.7.0/24");
            a.wall(1000);
            var recs = a.groupsOut.readRecordsToList();
            assertThat(recs).isNotEmpty();
            var last = recs.get(recs.size() - 1);
            assertThat(last.key()).isEqualTo("evaluator-a");
            assertThat(last.headers().lastHeader("ce_type").value()).asString().isEqualTo("io.hangcheck.groups.v1");
            GroupCounts gc = EventCodec.fromBytes(last.value(), GroupCounts.class);
            assertThat(gc.evaluatorId()).isEqualTo("evaluator-a");
            assertThat(gc.groups()).extracting(GroupCounts.Count::group)
                    .containsExactlyInAnyOrder("rack=r1", "pool=nightly", "net=10.1.7.0/24");
            assertThat(gc.omitted()).isZero();
        }
    }
}
