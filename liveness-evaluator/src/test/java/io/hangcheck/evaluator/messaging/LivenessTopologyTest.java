package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.GroupThresholds;
import io.hangcheck.evaluator.domain.HostRecord;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.DeadLetter;
import io.hangcheck.events.EventType;
import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.hangcheck.evaluator.messaging.Lab.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production topology in a {@link org.apache.kafka.streams.TopologyTestDriver}, with short thresholds
 * ({@link Thresholds#fast()}: a heartbeat a second, suspect after 2 s, hung after 5 s), one tick a second and
 * explicit record timestamps.
 */
class LivenessTopologyTest {
    private static final Thresholds FAST = Thresholds.fast();

    @TempDir
    Path stateDir;

    private static String host(int i) {
        return String.format("host-%05d", i);
    }

    /** Seconds {@code from}..{@code to} (inclusive): a tick, a heartbeat from each host alive that second, 1 s of wall time. */
    private static void run(Lab lab, int from, int to, int hosts, IntPredicate[] aliveAt) {
        for (int s = from; s <= to; s++) {
            long at = T0 + s * 1000L;
            lab.tick(at);
            for (int h = 0; h < hosts; h++) {
                if (aliveAt[0].test(h * 100_000 + s)) {
                    lab.heartbeat(host(h), s, at);
                }
            }
            lab.wall(1000);
        }
    }

    private static IntPredicate[] alive(IntPredicate hostSecond) {
        return new IntPredicate[]{hostSecond};
    }

    private static int h(int hostSecond) {
        return hostSecond / 100_000;
    }

    private static int s(int hostSecond) {
        return hostSecond % 100_000;
    }

    @Test
    void singleHangIsCaughtAfterHangAfter() {
        try (Lab lab = new Lab(FAST, stateDir)) {
            // host 7 sends its last heartbeat at second 20
            run(lab, 1, 40, 20, alive(hs -> h(hs) != 7 || s(hs) <= 20));

            List<LivenessEvent> hung = lab.events(LivenessEventType.HUNG);
            assertThat(hung).hasSize(1);
            LivenessEvent e = hung.get(0);
            assertThat(e.hostId()).isEqualTo(host(7));
            assertThat(e.lastSeq()).isEqualTo(20);
            assertThat(e.incidentId()).isEqualTo(host(7) + "/boot-1/20");
            assertThat(e.eventId()).isEqualTo(host(7) + "/boot-1/20/HUNG");
            assertThat(e.lastSeenAt()).isEqualTo(Instant.ofEpochMilli(T0 + 20_000));
            // caught on the first tick at or after last heartbeat + hang-after (one look after SUSPECT)
            assertThat(e.at()).isEqualTo(Instant.ofEpochMilli(T0 + 25_000));
            assertThat(e.silentMillis()).isEqualTo(5_000);
            assertThat(e.phi()).isGreaterThanOrEqualTo(FAST.phiHang());
            assertThat(lab.hosts(LivenessEventType.SUSPECT)).containsExactly(host(7));
            assertThat(lab.hosts(LivenessEventType.HELD)).isEmpty();

            TestRecord<String, LivenessEvent> rec = lab.events.stream()
                    .filter(r -> r.value().type() == LivenessEventType.HUNG).findFirst().orElseThrow();
            assertThat(rec.key()).isEqualTo(host(7));
            assertThat(rec.timestamp()).isEqualTo(T0 + 25_000);
            assertThat(CloudEvents.header(rec.headers(), CloudEvents.ID)).contains(e.eventId());
            assertThat(CloudEvents.header(rec.headers(), CloudEvents.TYPE)).contains(EventType.LIVENESS_EVENT.ceType());
            assertThat(CloudEvents.header(rec.headers(), CloudEvents.SPECVERSION)).contains("1.0");

            // the compacted state topic has the host's current state
            var last = lab.states.stream().filter(r -> r.key().equals(host(7))).reduce((a, b) -> b).orElseThrow();
            assertThat(last.value().status()).isEqualTo(HostStatus.HUNG);
            assertThat(last.value().incidentId()).isEqualTo(e.incidentId());
            assertThat(CloudEvents.header(last.headers(), CloudEvents.TYPE)).contains(EventType.HOST_STATE.ceType());

            FleetHealth fh = lab.lastFleet();
            assertThat(fh.mode()).isEqualTo(FleetMode.NORMAL);
            assertThat(fh.trackedHosts()).isEqualTo(20);
            assertThat(fh.silentHosts()).isEqualTo(1);
        }
    }

    @Test
    void hostThatIsAlwaysSlowButRegularIsNotHung() {
        // host 0 sends every 12 s (hang-after is 5 s); the boot grace of 60 s lets phi learn its rhythm
        try (Lab lab = new Lab(FAST.withBootGraceMs(60_000), stateDir)) {
            run(lab, 1, 200, 10, alive(hs -> h(hs) != 0 || s(hs) % 12 == 0));
            assertThat(lab.hosts(LivenessEventType.HUNG)).isEmpty();
            assertThat(lab.hosts(LivenessEventType.HELD)).isEmpty();
        }
    }

    @Test
    void allHostsSilentAtOnceFreezeTheFleetAndNoHostIsHung() {
        // the seed: the monitor's own sockets run out, no host can check in, ingest still ticks
        try (Lab lab = new Lab(FAST, stateDir)) {
            run(lab, 1, 60, 50, alive(hs -> s(hs) <= 20));
            assertThat(lab.hosts(LivenessEventType.HUNG)).isEmpty();
            assertThat(lab.hosts(LivenessEventType.SUSPECT)).hasSize(50);
            List<LivenessEvent> held = lab.events(LivenessEventType.HELD);
            assertThat(held).hasSize(50);
            assertThat(held.get(0).reasons()).anySatisfy(r -> assertThat(r).startsWith("fleet FROZEN"));
            FleetHealth frozen = lab.fleetReports.stream().filter(f -> f.mode() == FleetMode.FROZEN).findFirst().orElseThrow();
            assertThat(frozen.reasons()).anySatisfy(r -> assertThat(r).contains("silent share"));
            assertThat(lab.lastFleet().mode()).isEqualTo(FleetMode.FROZEN);
            // one report per change, then one per report interval (10 s) — not one per host
            assertThat(lab.fleetReports.size()).isLessThanOrEqualTo(60 / 10 + 4);
        }
    }

    @Test
    void hostsWhoseIngestIsDegradedAreHeldNotHung() {
        try (Lab lab = new Lab(FAST, stateDir)) {
            // hosts 0..29 talk via ingest-1 (healthy); hosts 30..32 via ingest-0, which degrades at second 15
            for (int s = 1; s <= 40; s++) {
                long at = T0 + s * 1000L;
                lab.tick("ingest-0", at, s >= 15);
                lab.tick("ingest-1", at, false);
                for (int h = 0; h < 33; h++) {
                    if (h < 30) {
                        lab.heartbeat(host(h), "boot-1", s, at, "ingest-1");
                    } else if (s <= 16) {
                        lab.heartbeat(host(h), "boot-1", s, at, "ingest-0");
                    }
                }
                lab.wall(1000);
            }
            assertThat(lab.hosts(LivenessEventType.HUNG)).isEmpty();
            List<LivenessEvent> held = lab.events(LivenessEventType.HELD);
            assertThat(held).extracting(LivenessEvent::hostId).containsExactlyInAnyOrder(host(30), host(31), host(32));
            assertThat(held.get(0).reasons()).containsExactly("via ingest-0 DEGRADED: connections 480/500 >= 80%");
            assertThat(lab.lastFleet().mode()).isNotEqualTo(FleetMode.FROZEN);
        }
    }

    @Test
    void whenTicksStopThereAreNoVerdictsAndTheFleetFreezesWithNoTicks() {
        try (Lab lab = new Lab(FAST, stateDir)) {
            run(lab, 1, 20, 10, alive(hs -> true));
            lab.collect();
            int before = lab.events.size();
            // ingest (or Kafka) stops: no ticks, no heartbeats, 60 s of wall time
            for (int i = 0; i < 60; i++) {
                lab.wall(1000);
            }
            lab.collect();
            assertThat(lab.events.size()).isEqualTo(before);
            FleetHealth fh = lab.lastFleet();
            assertThat(fh.mode()).isEqualTo(FleetMode.FROZEN);
            assertThat(fh.reasons()).containsExactly("no ticks on partitions [0]");
            assertThat(fh.stalePartitions()).containsExactly(0);
        }
    }

    @Test
    void whenTicksResumeAfterAStallThereIsNoBurst() {
        try (Lab lab = new Lab(FAST, stateDir)) {
            run(lab, 1, 20, 10, alive(hs -> true));
            for (int i = 0; i < 60; i++) {
                lab.wall(1000);
            }
            lab.collect();
            int before = lab.events.size();
            // ticks resume at second 80 (60 s later in partition time); hosts come back one second after,
            // except host 3, which really is dead
            run(lab, 80, 80, 10, alive(hs -> false));
            run(lab, 81, 84, 10, alive(hs -> h(hs) != 3));
            lab.collect();
            // no burst: silence counts from the resume at 80 s, not from 20 s; only the dead host is suspected
            assertThat(lab.events.subList(before, lab.events.size())).allSatisfy(r -> {
                assertThat(r.value().hostId()).isEqualTo(host(3));
                assertThat(r.value().type()).isEqualTo(LivenessEventType.SUSPECT);
                assertThat(r.value().at()).isAfter(Instant.ofEpochMilli(T0 + 81_000));
            });
            assertThat(lab.hosts(LivenessEventType.HUNG)).isEmpty();
            // the dead host is judged a full hang-after after the resume, once the fleet has thawed
            run(lab, 85, 100, 10, alive(hs -> h(hs) != 3));
            assertThat(lab.hosts(LivenessEventType.SUSPECT)).containsExactly(host(3));
            List<LivenessEvent> verdicts = new ArrayList<>(lab.events(LivenessEventType.HUNG));
            verdicts.addAll(lab.events(LivenessEventType.HELD));
            assertThat(verdicts).isNotEmpty().allSatisfy(v -> {
                assertThat(v.hostId()).isEqualTo(host(3));
                assertThat(v.at()).isAfterOrEqualTo(Instant.ofEpochMilli(T0 + 85_000));
            });
        }
    }

    @Test
    void evaluatorLaggingBehindJudgesNothing() {
        // the evaluator runs five minutes behind the producers: its wall clock is 300 s ahead of every tick
        try (Lab lab = new Lab(FAST, stateDir, T0 + 300_000)) {
            run(lab, 1, 60, 20, alive(hs -> true));
            lab.collect();
            assertThat(lab.events).isEmpty();
            assertThat(lab.lastFleet().mode()).isEqualTo(FleetMode.NORMAL);
            assertThat(lab.registry.getSampleValue("hangcheck_evaluator_partition_clock_lag_seconds",
                    new String[]{"partition"}, new String[]{"0"})).isBetween(299.0, 302.0);
        }
    }

    @Test
    void aClosedTaskNoLongerReportsItsPartitionClock() {
        // an instance whose task moved to another instance must not go on showing the partition's last clock lag:
        // read as "this partition is current here", a stopped clock would hide a partition nobody evaluates
        Lab lab = new Lab(FAST, stateDir, T0);
        run(lab, 1, 5, 10, alive(hs -> true));
        assertThat(lab.registry.getSampleValue("hangcheck_evaluator_partition_clock_lag_seconds",
                new String[]{"partition"}, new String[]{"0"})).isNotNull();
        lab.close();
        assertThat(lab.registry.getSampleValue("hangcheck_evaluator_partition_clock_lag_seconds",
                new String[]{"partition"}, new String[]{"0"})).isNull();
        assertThat(lab.registry.getSampleValue("hangcheck_evaluator_partition_stale",
                new String[]{"partition"}, new String[]{"0"})).isNull();
    }

    @Test
    void restartFromTheStoreEmitsNothingAgain() {
        Map<String, List<String>> firstRun;
        SurvivingStores disk = new SurvivingStores();
        try (Lab lab = new Lab(FAST, GroupThresholds.off(), stateDir.resolve("live"), T0, false, disk)) {
            // host 1 hangs at second 10 (HUNG at 15), host 2 at second 17 (SUSPECT at 19, not yet HUNG at 20)
            run(lab, 1, 20, 10, alive(hs -> (h(hs) != 1 || s(hs) <= 10) && (h(hs) != 2 || s(hs) <= 17)));
            assertThat(lab.hosts(LivenessEventType.HUNG)).containsExactly(host(1));
            firstRun = eventIds(lab);
            // the process dies here: what survives is what the processed records committed to the stores
        }
        try (Lab lab = new Lab(FAST, GroupThresholds.off(), stateDir.resolve("after-crash"), T0 + 21_000, false, disk)) {
            KeyValueStore<String, HostRecord> store = lab.driver.getKeyValueStore(LivenessTopology.HOSTS_STORE);
            assertThat(store.get(host(1)).status()).isEqualTo(HostStatus.HUNG);
            assertThat(store.get(host(2)).status()).isEqualTo(HostStatus.SUSPECT);
            run(lab, 21, 40, 10, alive(hs -> h(hs) != 1 && h(hs) != 2));
            Map<String, List<String>> secondRun = eventIds(lab);
            // host 1 is not judged again; host 2 goes on to HUNG once, on time (17 + 5 = 22 s)
            assertThat(secondRun.get("HUNG")).containsExactly(host(2) + "/boot-1/17/HUNG");
            assertThat(secondRun.getOrDefault("SUSPECT", List.of())).isEmpty();
            assertThat(lab.events(LivenessEventType.HUNG).get(0).at()).isEqualTo(Instant.ofEpochMilli(T0 + 22_000));
            List<String> all = new ArrayList<>(firstRun.values().stream().flatMap(List::stream).toList());
            all.addAll(secondRun.values().stream().flatMap(List::stream).toList());
            assertThat(all).doesNotHaveDuplicates();
        }
    }

    /**
     * A takeover resumes exactly where the last commit left the partition: the clock is stored with every tick,
     * not only by the wall-clock punctuation. Found in EvaluatorScaleOutTest: the survivor restored a clock one
     * tick behind its committed offsets, stamped the replayed heartbeats with it, and the next tick made every
     * host of the partition look silent for two intervals (a SUSPECT and a RECOVERED each).
     */
    @Test
    void aTakeoverResumesThePartitionClockOfTheLastCommitNotOfTheLastPunctuation() {
        SurvivingStores disk = new SurvivingStores();
        try (Lab lab = new Lab(FAST, GroupThresholds.off(), stateDir.resolve("live"), T0, false, disk)) {
            run(lab, 1, 10, 3, alive(hs -> true));
            // two more seconds processed and committed before the instance dies, with no punctuation between
            // (the wall clock does not move): the stored clock must still say second 12
            for (int s = 11; s <= 12; s++) {
                lab.tick(T0 + s * 1000L);
                for (int h = 0; h < 3; h++) {
                    lab.heartbeat(host(h), s, T0 + s * 1000L);
                }
            }
            lab.collect();
            assertThat(lab.events).isEmpty();
        }
        try (Lab lab = new Lab(FAST, GroupThresholds.off(), stateDir.resolve("taken-over"), T0 + 12_400, false, disk)) {
            // the records after the last commit, in log order: each second's heartbeats, received half a second
            // after a tick, then the next tick
            for (int s = 13; s <= 20; s++) {
                for (int h = 0; h < 3; h++) {
                    lab.heartbeat(host(h), s, T0 + s * 1000L - 500);
                }
                lab.tick(T0 + s * 1000L);
                lab.wall(1000);
            }
            lab.collect();
            assertThat(lab.events).as("no host looks silent because of the takeover").isEmpty();
        }
    }

    private static Map<String, List<String>> eventIds(Lab lab) {
        lab.collect();
        return lab.events.stream().map(TestRecord::value)
                .collect(Collectors.groupingBy(e -> e.type().name(), Collectors.mapping(LivenessEvent::eventId, Collectors.toList())));
    }

    @Test
    void tenThousandHostsWithRandomIndependentFailuresEveryTrueHangAndNothingElse() {
        int hosts = 10_000;
        int seconds = 30;
        Random random = new Random(42);
        Map<Integer, Integer> lastBeat = new HashMap<>(); // host -> last second it sends
        for (int h = 0; h < hosts; h++) {
            if (random.nextDouble() < 0.01) {
                lastBeat.put(h, 5 + random.nextInt(18));
            }
        }
        try (Lab lab = new Lab(FAST, stateDir)) {
            run(lab, 1, seconds, hosts, alive(hs -> {
                Integer last = lastBeat.get(h(hs));
                return last == null || s(hs) <= last;
            }));
            List<LivenessEvent> hung = lab.events(LivenessEventType.HUNG);
            assertThat(hung).extracting(LivenessEvent::hostId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(lastBeat.keySet().stream().map(LivenessTopologyTest::host).toList());
            for (LivenessEvent e : hung) {
                int last = lastBeat.get(Integer.parseInt(e.hostId().substring(5)));
                assertThat(e.at()).isEqualTo(Instant.ofEpochMilli(T0 + (last + 5) * 1000L));
            }
            assertThat(lab.hosts(LivenessEventType.HELD)).isEmpty();
            assertThat(lab.hosts(LivenessEventType.SUSPECT)).hasSameSizeAs(hung);
            assertThat(lab.lastFleet().mode()).isEqualTo(FleetMode.NORMAL);
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndProcessingGoesOn() {
        try (Lab lab = new Lab(FAST, stateDir)) {
            run(lab, 1, 5, 3, alive(hs -> true));
            lab.rawHeartbeats.pipeInput("host-00001", "{not json".getBytes(StandardCharsets.UTF_8), T0 + 5_500);
            lab.rawHeartbeats.pipeInput("host-00001", "{\"type\":\"heartbeat\",\"hostId\":\"host-00001\",\"bootId\":\"b\",\"seq\":-1,\"sentAt\":\"2026-11-27T00:00:00Z\"}"
                    .getBytes(StandardCharsets.UTF_8), T0 + 5_600);
            lab.heartbeat("host-00009", 1, T0 + 5_700); // wrong key below
            lab.heartbeats.pipeInput("someone-else", io.hangcheck.events.Heartbeat.fromHost("host-00002", "boot-1", 99,
                    Instant.ofEpochMilli(T0), Map.of(), null), T0 + 5_800);
            run(lab, 6, 10, 3, alive(hs -> true));
            var dead = lab.dlqOut.readRecordsToList();
            assertThat(dead).hasSize(3);
            assertThat(new String(dead.get(1).headers().lastHeader(DeadLetter.FIELD).value(), StandardCharsets.UTF_8)).isEqualTo("seq");
            assertThat(new String(dead.get(2).headers().lastHeader(DeadLetter.FIELD).value(), StandardCharsets.UTF_8)).isEqualTo("hostId");
            assertThat(lab.registry.getSampleValue("hangcheck_evaluator_dead_letters_total",
                    new String[]{"topic"}, new String[]{"hangcheck.heartbeats.v1"})).isEqualTo(3.0);
            assertThat(lab.events).isEmpty();
            assertThat(lab.current(host(1)).lastSeq()).isEqualTo(10);
        }
    }

    @Test
    void duplicateAndOutOfOrderHeartbeatsChangeNothing() {
        try (Lab lab = new Lab(FAST, stateDir)) {
            run(lab, 1, 10, 5, alive(hs -> h(hs) != 0 || s(hs) <= 8));
            lab.collect();
            int events = lab.events.size();
            int states = lab.states.size();
            lab.heartbeat(host(0), 8, T0 + 10_500);  // duplicate of the last one
            // a late copy of an older one (ingest received it at 3 s)
            lab.heartbeats.pipeInput(host(0), io.hangcheck.events.Heartbeat.fromHost(host(0), "boot-1", 3,
                    Instant.ofEpochMilli(T0 + 3_000), Map.of("pool", "lab-a"), null).stamped(Instant.ofEpochMilli(T0 + 3_000),
                    io.hangcheck.events.Transport.HTTP, "ingest-0"), T0 + 10_600);
            lab.collect();
            assertThat(lab.events).hasSize(events);
            assertThat(lab.states).hasSize(states);
            assertThat(lab.registry.getSampleValue("hangcheck_evaluator_ignored_total", new String[]{"reason"},
                    new String[]{"duplicate"})).isEqualTo(1.0);
            // and they do not keep the host alive: it is still judged from seq 8
            run(lab, 11, 14, 5, alive(hs -> h(hs) != 0));
            assertThat(lab.events(LivenessEventType.HUNG)).extracting(LivenessEvent::incidentId)
                    .containsExactly(host(0) + "/boot-1/8");
        }
    }

    @Test
    void executedRebootMakesTheHostRebootingAndANewBootBringsItBack() {
        try (Lab lab = new Lab(FAST.withLifetimes(60_000, 600_000, 60_000), stateDir)) {
            run(lab, 1, 20, 10, alive(hs -> h(hs) != 4 || s(hs) <= 10));
            LivenessEvent hung = lab.events(LivenessEventType.HUNG).get(0);
            lab.reboots.pipeInput(host(4), new RebootRecord("ledger-1", hung.incidentId(), host(4), RebootDecision.EXECUTED,
                    RebootReason.values()[0], null, "dry-run", 1, Instant.ofEpochMilli(T0 + 20_500), Map.of()), T0 + 20_500);
            run(lab, 21, 30, 10, alive(hs -> h(hs) != 4));
            KeyValueStore<String, HostRecord> store = lab.driver.getKeyValueStore(LivenessTopology.HOSTS_STORE);
            assertThat(store.get(host(4)).status()).isEqualTo(HostStatus.REBOOTING);
            lab.heartbeat(host(4), "boot-2", 1, T0 + 30_500, "ingest-0");
            LivenessEvent rebooted = lab.events(LivenessEventType.REBOOTED).get(0);
            assertThat(rebooted.previousBootId()).isEqualTo("boot-1");
            assertThat(rebooted.incidentId()).isEqualTo(hung.incidentId());
            assertThat(store.get(host(4)).status()).isEqualTo(HostStatus.UP);
            assertThat(lab.states.stream().filter(r -> r.key().equals(host(4))).map(r -> r.value().status()).toList())
                    .containsSubsequence(HostStatus.SUSPECT, HostStatus.HUNG, HostStatus.REBOOTING, HostStatus.UP);
        }
    }
}
