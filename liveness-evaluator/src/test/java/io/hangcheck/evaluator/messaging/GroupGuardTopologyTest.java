package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.GroupThresholds;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import static io.hangcheck.evaluator.messaging.Lab.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group guard on the production topology ({@link Lab}: {@code TopologyTestDriver}, fast thresholds — a heartbeat a
 * second, suspect after 2 s, hung after 5 s — one tick a second). 1,000 hosts in 25 racks of 40: when one rack goes
 * silent together (its switch died) none of its hosts is HUNG, each is HELD naming the rack, the fleet stays NORMAL,
 * and a true hang in another rack at the same time is HUNG.
 */
class GroupGuardTopologyTest {
    private static final Thresholds FAST = Thresholds.fast();
    private static final GroupThresholds GROUPS = GroupThresholds.defaults().withThawAfter(3_000);
    private static final int HOSTS = 1_000;
    private static final int RACK = 40;

    @TempDir
    Path stateDir;

    private static String host(int i) {
        return String.format("host-%04d", i);
    }

    private static String rack(int i) {
        return "r" + (i / RACK);
    }

    /** Seconds {@code from}..{@code to}: a tick, a heartbeat of every host alive that second, 1 s of wall time. */
    private static void run(Lab lab, int hosts, int from, int to, IntFunction<Map<String, String>> labels,
                            IntFunction<String> net, IntPredicate aliveAtHostSecond) {
        for (int s = from; s <= to; s++) {
            long at = T0 + s * 1000L;
            lab.tick(at);
            for (int h = 0; h < hosts; h++) {
                if (aliveAtHostSecond.test(h * 100_000 + s)) {
                    lab.heartbeat(host(h), s, at, labels.apply(h), net.apply(h));
                }
            }
            lab.wall(1000);
        }
    }

    private static int h(int hs) {
        return hs / 100_000;
    }

    private static int s(int hs) {
        return hs % 100_000;
    }

    @Test
    void aSilentRackIsHeldNamingTheRackWhileATrueHangInAnotherRackIsHung() {
        try (Lab lab = new Lab(FAST, GROUPS, stateDir, T0, false)) {
            // rack r12 (hosts 480-519) goes dark after second 4; host 7 (rack r0) hangs at the same moment
            run(lab, HOSTS, 1, 14, h -> Map.of("rack", rack(h), "pool", h % 2 == 0 ? "nightly" : "changelist"), h -> null,
                    hs -> s(hs) <= 4 || (h(hs) != 7 && !rack(h(hs)).equals("r12")));

            assertThat(lab.hosts(LivenessEventType.HUNG)).containsExactly(host(7));
            List<LivenessEvent> held = lab.events(LivenessEventType.HELD);
            assertThat(held).extracting(LivenessEvent::hostId)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(480, 520).mapToObj(GroupGuardTopologyTest::host).toList());
            assertThat(held).allSatisfy(e -> assertThat(e.reasons()).anySatisfy(r ->
                    assertThat(r).startsWith("group rack=r12 FROZEN: 40 of 40 silent")));
            assertThat(lab.events(LivenessEventType.HUNG).get(0).groupDegraded()).isNull();

            FleetHealth fh = lab.lastFleet();
            assertThat(fh.mode()).isEqualTo(FleetMode.NORMAL);
            assertThat(fh.silentHosts()).isEqualTo(41);
            assertThat(fh.unhealthyGroups()).isEqualTo(1);
            assertThat(fh.groups()).singleElement().satisfies(g -> {
                assertThat(g.group()).isEqualTo("rack=r12");
                assertThat(g.mode()).isEqualTo(FleetMode.FROZEN);
                assertThat(g.tracked()).isEqualTo(40);
                assertThat(g.silent()).isEqualTo(40);
            });
            assertThat(lab.fleet.groupMode("pool=nightly")).isEqualTo(FleetMode.NORMAL);
            assertThat(lab.registry.getSampleValue("hangcheck_evaluator_groups", new String[]{"key", "mode"},
                    new String[]{"rack", "FROZEN"})).isEqualTo(1.0);
            assertThat(lab.registry.getSampleValue("hangcheck_evaluator_groups", new String[]{"key", "mode"},
                    new String[]{"rack", "NORMAL"})).isEqualTo(24.0);
            assertThat(lab.registry.getSampleValue("hangcheck_evaluator_groups", new String[]{"key", "mode"},
                    new String[]{"switch", "FROZEN"})).isEqualTo(0.0);
            assertThat(lab.registry.getSampleValue("hangcheck_evaluator_group_silent_ratio", new String[]{"group", "mode"},
                    new String[]{"rack=r12", "FROZEN"})).isEqualTo(1.0);
            assertThat(lab.registry.getSampleValue("hangcheck_evaluator_group_silent_ratio", new String[]{"group", "mode"},
                    new String[]{"other", "NORMAL"})).isEqualTo(0.0);
        }
    }

    @Test
    void aSilentSubnetWithoutLabelsIsHeldByItsSourceNetwork() {
        try (Lab lab = new Lab(FAST, GROUPS, stateDir, T0, false)) {
            // no labels at all: 25 subnets of 40 hosts; 10.1.12.0/24 goes dark, host 7 (10.1.0.0/24) hangs
            run(lab, HOSTS, 1, 14, h -> Map.of(), h -> "10.1." + (h / RACK) + ".0/24",
                    hs -> s(hs) <= 4 || (h(hs) != 7 && h(hs) / RACK != 12));

            assertThat(lab.hosts(LivenessEventType.HUNG)).containsExactly(host(7));
            List<LivenessEvent> held = lab.events(LivenessEventType.HELD);
            assertThat(held).hasSize(40);
            assertThat(held).allSatisfy(e -> assertThat(e.reasons()).anySatisfy(r ->
                    assertThat(r).startsWith("group net=10.1.12.0/24 FROZEN: 40 of 40 silent")));
            assertThat(lab.lastFleet().mode()).isEqualTo(FleetMode.NORMAL);
        }
    }

    @Test
    void aGroupOfThreeWithOneHangIsTooSmallToFreezeAndTheHangIsHung() {
        try (Lab lab = new Lab(FAST, GROUPS, stateDir, T0, false)) {
            // hosts 0-2 form rack "tiny" (below min-size 5); host 1 hangs. A third of the group is silent.
            run(lab, 80, 1, 14, h -> Map.of("rack", h < 3 ? "tiny" : rack(h)), h -> null,
                    hs -> s(hs) <= 4 || h(hs) != 1);

            assertThat(lab.hosts(LivenessEventType.HUNG)).containsExactly(host(1));
            assertThat(lab.hosts(LivenessEventType.HELD)).isEmpty();
            assertThat(lab.fleet.groupMode("rack=tiny")).isEqualTo(FleetMode.NORMAL);
        }
    }

    @Test
    void hangsInADegradedRackAreHungAndMarkedForTheSlowBucket() {
        try (Lab lab = new Lab(FAST, GROUPS, stateDir, T0, false)) {
            // rack r3 (hosts 120-159): 10 of 40 hang together, 25 %: DEGRADED (>= 20 %, >= 3 silent), not FROZEN
            run(lab, 200, 1, 14, h -> Map.of("rack", rack(h)), h -> null,
                    hs -> s(hs) <= 4 || h(hs) < 120 || h(hs) >= 130);

            List<LivenessEvent> hung = lab.events(LivenessEventType.HUNG);
            assertThat(hung).extracting(LivenessEvent::hostId)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(120, 130).mapToObj(GroupGuardTopologyTest::host).toList());
            assertThat(hung).allSatisfy(e -> {
                assertThat(e.groupDegraded()).startsWith("rack=r3 DEGRADED: 10 of 40 silent");
                assertThat(e.reasons()).anySatisfy(r -> assertThat(r).startsWith("group rack=r3 DEGRADED"));
            });
        }
    }

    @Test
    void whenTheRackComesBackItsOneTrueHangIsJudgedAfreshAfterTheThaw() {
        try (Lab lab = new Lab(FAST, GROUPS, stateDir, T0, false)) {
            // rack r3 dark from second 5 to 20; when it returns, host 130 stays silent: it hung meanwhile
            run(lab, 200, 1, 40, h -> Map.of("rack", rack(h)), h -> null,
                    hs -> s(hs) <= 4 || !rack(h(hs)).equals("r3") || (s(hs) > 20 && h(hs) != 130));

            List<LivenessEvent> hung = lab.events(LivenessEventType.HUNG);
            assertThat(hung).extracting(LivenessEvent::hostId).containsExactly(host(130));
            // not at once on the thaw: the rack is calm from the wall-clock second its hosts returned (20: the Lab's
            // wall clock is a second behind partition time), FROZEN until calm for thaw-after (3 s), and then the
            // host gets a fresh grace of hang-after (5 s). Without the grace it would be HUNG on the thaw (second 23).
            assertThat(hung.get(0).at().toEpochMilli()).isBetween(T0 + (20 + 3 + 5) * 1000L, T0 + (20 + 3 + 5 + 2) * 1000L);
            assertThat(lab.hosts(LivenessEventType.HELD)).hasSize(40);
            assertThat(lab.fleet.groupMode("rack=r3")).isEqualTo(FleetMode.NORMAL);
        }
    }
}
