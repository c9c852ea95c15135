package io.hangcheck.executor.notify;

import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.testing.SteppedClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frozen host groups as one alert each through the Grouper (group wait 30 s, group interval 5 min, repeat 4 h): two
 * racks of 40 going dark together are one message naming both, not 80 held hosts; their thaw is one resolved message.
 */
class GroupFreezeWatchTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    final SteppedClock clock = new SteppedClock(T0);
    final Grouper grouper = new Grouper(clock, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4));
    final GroupFreezeWatch watch = new GroupFreezeWatch(clock, grouper);
    final List<Notification> sent = new ArrayList<>();

    static FleetHealth report(String evaluator, List<FleetHealth.GroupHealth> groups) {
        return new FleetHealth(evaluator, FleetMode.NORMAL, List.of(), 1000, 80, 0.08, 0, List.of(0), List.of(),
                T0, T0, groups.size(), groups);
    }

    static FleetHealth.GroupHealth frozen(String group, int tracked) {
        return new FleetHealth.GroupHealth(group, FleetMode.FROZEN, tracked, tracked, T0,
                tracked + " of " + tracked + " silent (1.00 >= 0.50)");
    }

    void run(long seconds, FleetHealth... reports) {
        for (long s = 0; s < seconds; s++) {
            watch.observe(List.of(reports));
            sent.addAll(grouper.due());
            clock.step(Duration.ofSeconds(1));
        }
    }

    @Test
    void twoRacksFrozenTogetherAreOneMessageAndTheirThawOneResolved() {
        // each rack is split over two evaluator instances: the alert sums their parts
        run(600, report("ev-1", List.of(frozen("rack=r12", 20), frozen("rack=r13", 20))),
                report("ev-2", List.of(frozen("rack=r12", 20), frozen("rack=r13", 20))));
        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.group()).isEqualTo(GroupFreezeWatch.GROUP);
            assertThat(n.lines()).hasSize(2);
            assertThat(n.lines().get(0)).contains("Group rack=r12 is FROZEN since " + T0).contains("40 of 40 hosts silent")
                    .contains("ev-1: 20 of 20 silent").contains("none of them is rebooted");
            assertThat(n.lines().get(1)).contains("Group rack=r13");
        });
        assertThat(watch.frozen()).containsExactlyInAnyOrder("rack=r12", "rack=r13");
        run(600, report("ev-1", List.of()), report("ev-2", List.of()));
        assertThat(watch.frozen()).isEmpty();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).firing()).isFalse();
        assertThat(sent.get(1).resolved()).hasSize(2).allSatisfy(l -> assertThat(l).contains("no longer FROZEN"));
    }

    @Test
    void whileTheWholeFleetIsFrozenItsAlertSaysItAllAndAGroupStillFrozenAfterTheThawIsTold() {
        // a fleet-wide outage: every group freezes with the fleet (the group seen first, within the group wait)
        watch.observe(List.of(report("ev-1", List.of(frozen("net=10.1.7.0/24", 113)))), false);
        clock.step(Duration.ofSeconds(2));
        for (int s = 0; s < 600; s++) {
            watch.observe(List.of(report("ev-1", List.of(frozen("net=10.1.7.0/24", 113), frozen("pool=nightly", 40)))), true);
            sent.addAll(grouper.due());
            clock.step(Duration.ofSeconds(1));
        }
        assertThat(sent).as("no group message during the fleet's freeze").isEmpty();
        assertThat(watch.frozen()).isEmpty();
        // the fleet thaws, one rack stays dark: now it is told
        run(60, report("ev-1", List.of(frozen("rack=r7", 40))));
        assertThat(sent).singleElement().satisfies(n -> assertThat(n.lines()).singleElement().asString().contains("Group rack=r7"));
    }

    static FleetHealth.GroupHealth holding(String group, int tracked) {
        return new FleetHealth.GroupHealth(group, FleetMode.FROZEN, tracked, 0, T0,
                "0 of " + tracked + " silent (holding FROZEN until calm for 120 s)");
    }

    @Test
    void afterAFleetWideOutageTheGroupsStillHoldingUntilCalmAreNoMessage() {
        // the fleet and every group froze in one outage (./lab demo's connection leak); the fleet thaws first and its
        // groups, all hosts heard again, hold FROZEN until calm for 120 s: telling them would be a false alarm
        for (int s = 0; s < 300; s++) {
            watch.observe(List.of(report("ev-1", List.of(frozen("net=127.0.0.0/24", 113), frozen("pool=nightly", 100)))), true);
            sent.addAll(grouper.due());
            clock.step(Duration.ofSeconds(1));
        }
        run(1, report("ev-1", List.of(frozen("net=127.0.0.0/24", 113)))); // a look while the last hosts come back
        run(120, report("ev-1", List.of(holding("net=127.0.0.0/24", 113), holding("pool=nightly", 100))));
        run(600, report("ev-1", List.of()));
        assertThat(sent).as("no group message during the freeze, nor after the thaw").isEmpty();
        assertThat(watch.frozen()).isEmpty();
    }

    @Test
    void aToldGroupWhoseHostsAreAllBackIsResolvedWhileStillHeld() {
        run(60, report("ev-1", List.of(frozen("rack=r7", 40))));
        assertThat(sent).hasSize(1);
        run(600, report("ev-1", List.of(holding("rack=r7", 40))));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).resolved()).singleElement().asString().contains("all 40 hosts are heard again")
                .contains("holds the group until it is calm");
        assertThat(watch.frozen()).isEmpty();
    }

    @Test
    void aGroupToldBeforeTheFleetFrozeIsNeitherResolvedNorRepeatedDuringTheFreeze() {
        run(60, report("ev-1", List.of(frozen("rack=r7", 40))));
        assertThat(sent).hasSize(1);
        for (int s = 0; s < 600; s++) {
            watch.observe(List.of(report("ev-1", List.of())), true);
            sent.addAll(grouper.due());
            clock.step(Duration.ofSeconds(1));
        }
        assertThat(sent).hasSize(1);
        assertThat(watch.frozen()).containsExactly("rack=r7");
    }

    @Test
    void degradedGroupsAndAFreezeShorterThanTheGroupWaitAreNoMessage() {
        FleetHealth.GroupHealth degraded = new FleetHealth.GroupHealth("rack=r3", FleetMode.DEGRADED, 40, 9, T0, "9 of 40 silent");
        run(600, report("ev-1", List.of(degraded)));
        run(20, report("ev-1", List.of(frozen("net=10.1.7.0/24", 40))));
        run(3600, report("ev-1", List.of()));
        assertThat(sent).isEmpty();
    }
}
