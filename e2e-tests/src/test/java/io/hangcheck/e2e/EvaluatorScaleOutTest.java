package io.hangcheck.e2e;

import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.Topics;
import io.hangcheck.events.kafka.LivenessEventSerde;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scale-out on real processes: two evaluator instances of one Streams application split the heartbeat topic's
 * partitions (and so the fleet); one is SIGKILLed, the other takes its partitions over from the changelog — with
 * no burst of verdicts for the hosts that moved, no second HUNG for a host already hung, and hangs that happen
 * after the takeover still caught, once each.
 */
class EvaluatorScaleOutTest {
    private static final String PREFIX = "so";
    private static final int HOSTS = 60;
    private static Stack stack;
    private static Fleet fleet;

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.builder("scaleout").evaluatorInstances(2)
                // the group notices a dead member within seconds, not the default 45 s
                .evaluator("KAFKA_STREAMS_SESSION_TIMEOUT_MS", "10000")
                .evaluator("KAFKA_STREAMS_HEARTBEAT_INTERVAL_MS", "2000")
                // more slack than the skeleton's 2 s / 4 s: a second JVM starting, restoring or dying on 2 shared
                // cores stalls the test's one sender thread for seconds, and a stall of every host at once is a
                // storm the guard answers with a freeze (safe, but it would hold the hangs this test waits for)
                .evaluator("HANGCHECK_EVALUATOR_SUSPECT_AFTER", "4s")
                .evaluator("HANGCHECK_EVALUATOR_HANG_AFTER", "6s")
                .evaluator("HANGCHECK_EVALUATOR_FLEET_STORM_WINDOW", "10s")
                .evaluator("HANGCHECK_EVALUATOR_FLEET_THAW_AFTER", "3s")
                .start();
        fleet = stack.startFleet(PREFIX, HOSTS);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        Stack.close(fleet, stack);
    }

    @Test
    void twoInstancesSplitTheFleetAndTheSurvivorOfAKillCarriesOnWithoutABurst() throws Exception {
        ServiceProcess a = stack.evaluators.get(0);
        ServiceProcess b = stack.evaluators.get(1);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(hosts(a)).isPositive();
            assertThat(hosts(b)).isPositive();
            assertThat(hosts(a) + hosts(b)).isEqualTo(HOSTS);
        });
        double splitA = hosts(a);
        double splitB = hosts(b);

        String before = fleet.hosts().get(7);
        fleet.hang(before);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(events(LivenessEventType.HUNG, before)).isEqualTo(1));

        Instant killedAt = Instant.now();
        b.kill();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(hosts(a)).isEqualTo(HOSTS));
        Instant takenOverAt = Instant.now();

        // hangs after the takeover, on either instance's former partitions; caught once each, though perhaps only
        // after a freeze the takeover may cause has thawed (storm window + thaw-after)
        List<String> after = List.of(fleet.hosts().get(11), fleet.hosts().get(26));
        after.forEach(fleet::hang);
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (String h : after) {
                assertThat(events(LivenessEventType.HUNG, h)).as("HUNG of %s", h).isEqualTo(1);
            }
        });
        // the surviving instance reads every partition 5 s further: a second HUNG or a burst would be out by then
        Facts.partitionClocksAdvanced(a, Duration.ofSeconds(5), Duration.ofSeconds(60));

        Set<String> victims = new java.util.HashSet<>(after);
        victims.add(before);
        List<LivenessEvent> mine = mine();
        Map<LivenessEventType, Long> othersSinceKill = mine.stream()
                .filter(e -> !victims.contains(e.hostId()))
                .filter(e -> !e.at().isBefore(killedAt.minusSeconds(2)))
                .collect(Collectors.groupingBy(LivenessEvent::type, Collectors.counting()));
        assertThat(events(LivenessEventType.HUNG, before)).as("no second HUNG after the takeover").isEqualTo(1);
        assertThat(othersSinceKill.getOrDefault(LivenessEventType.HUNG, 0L)).as("false HUNG").isZero();
        assertThat(othersSinceKill.getOrDefault(LivenessEventType.HELD, 0L)).as("HELD burst").isZero();
        Duration detected = Duration.between(takenOverAt, Instant.now());
        List<String> afterTypes = mine.stream().filter(e -> after.contains(e.hostId())).map(e -> e.hostId() + " " + e.type()).toList();
        System.out.printf("FIGURE scale-out: split %.0f / %.0f hosts; takeover after SIGKILL %d s; hangs caught after it %d of %d"
                        + " (all within %d s of the takeover: %s); HUNG of the host hung before the kill: %d;"
                        + " events for the other %d hosts since the kill: %s%n",
                splitA, splitB, Duration.between(killedAt, takenOverAt).toSeconds(), after.size(), after.size(),
                detected.toSeconds(), afterTypes, events(LivenessEventType.HUNG, before), HOSTS - victims.size(), othersSinceKill);
        // every SUSPECT of a host that was not made to hang, with what the evaluator knew: which instance, its
        // partition time, when it last saw the host and for how long it was silent (tells a sender stall, where the
        // heartbeats really stopped, from a clock artefact of the takeover)
        mine.stream().filter(e -> !victims.contains(e.hostId()) && e.type() == LivenessEventType.SUSPECT)
                .filter(e -> !e.at().isBefore(killedAt.minusSeconds(2)))
                .forEach(e -> System.out.printf("FIGURE scale-out SUSPECT %s by %s at %s, last seen %s (silent %d ms, via %s)%n",
                        e.hostId(), e.evaluatorId(), e.at(), e.lastSeenAt(), e.silentMillis(), e.via()));
        for (String h : victims) {
            fleet.reboot(h);
        }
    }

    private static double hosts(ServiceProcess evaluator) {
        return evaluator.alive() ? evaluator.metric("hangcheck_evaluator_hosts", "") : 0;
    }

    private static List<LivenessEvent> mine() {
        return stack.kafka.drain(Topics.LIVENESS_EVENTS, Duration.ofSeconds(2), new LivenessEventSerde()).stream()
                .map(ConsumerRecord::value).filter(Objects::nonNull)
                .filter(e -> e.hostId().startsWith(PREFIX + "-")).toList();
    }

    private static long events(LivenessEventType type, String host) {
        return mine().stream().filter(e -> e.type() == type && e.hostId().equals(host)).count();
    }
}
