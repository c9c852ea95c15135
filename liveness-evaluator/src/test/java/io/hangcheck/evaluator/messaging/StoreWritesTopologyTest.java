package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.GroupThresholds;
import io.hangcheck.evaluator.domain.HostRecord;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

import static io.hangcheck.evaluator.messaging.Lab.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hosts store written behind ({@link HostTable}) on the production topology: an UP host's plain heartbeats stay
 * in memory and reach the store at most every {@code store-write-every}; a status change is written at once; a task
 * restored from the store (a crash, a takeover: {@link SurvivingStores}) counts every UP host's silence from the
 * restored partition time, so it never judges a host earlier than with every heartbeat stored — across a second
 * failover too.
 */
class StoreWritesTopologyTest {
    private static final Thresholds FAST = Thresholds.fast(); // suspect-after 2 s, hang-after 5 s

    @TempDir
    Path stateDir;

    private static String host(int i) {
        return String.format("host-%02d", i);
    }

    /** Seconds {@code from}..{@code to}: a tick, a heartbeat (seq = second) from each host alive that second. */
    private static void run(Lab lab, int from, int to, int hosts, BiPredicate<Integer, Integer> alive) {
        for (int s = from; s <= to; s++) {
            long at = T0 + s * 1000L;
            lab.tick(at);
            for (int h = 0; h < hosts; h++) {
                if (alive.test(h, s)) {
                    lab.heartbeat(host(h), s, at);
                }
            }
            lab.wall(1000);
        }
    }

    /** Ten hosts in each test: two silent ones stay below the fleet guard's 40 % (FROZEN would hold them). */
    private Lab lab(SurvivingStores disk, long wallStart) {
        return new Lab(FAST, GroupThresholds.off(), stateDir, wallStart, false, disk);
    }

    @Test
    void anUpHostsPlainHeartbeatsStayInMemoryAndAStatusChangeIsWrittenAtOnce() {
        try (Lab lab = lab(new SurvivingStores(), T0)) {
            run(lab, 1, 20, 10, (h, s) -> h != 2 || s <= 14);
            // host 0 beat 20 times: the store has its first heartbeat (a new host is written), the task all of them
            assertThat(lab.current(host(0)).lastSeq()).isEqualTo(20);
            assertThat(lab.stored(host(0)).lastSeq()).isEqualTo(1);
            assertThat(lab.stored(host(0)).status()).isEqualTo(HostStatus.UP);
            // host 2 fell silent after 14: written when it turned SUSPECT (and HUNG), with its exact last heartbeat
            assertThat(lab.hosts(LivenessEventType.HUNG)).containsExactly(host(2));
            HostRecord hung = lab.stored(host(2));
            assertThat(hung.status()).isEqualTo(HostStatus.HUNG);
            assertThat(hung.lastSeq()).isEqualTo(14);
            assertThat(hung.lastSeenAt()).isEqualTo(T0 + 14_000);
            // and its recovery is written at once too
            lab.heartbeat(host(2), 21, T0 + 20_500);
            assertThat(lab.hosts(LivenessEventType.RECOVERED)).containsExactly(host(2));
            assertThat(lab.stored(host(2)).status()).isEqualTo(HostStatus.UP);
            assertThat(lab.stored(host(2)).lastSeq()).isEqualTo(21);
        }
    }

    @Test
    void aPlainHeartbeatIsWrittenOnceTheHostsPeriodHasPassedAndPeriodsAreSpreadOverTheSecondHalf() {
        HostTable table = new HostTable(null, 300_000);
        Set<Long> periods = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            long p = table.periodOf("host-" + i);
            assertThat(p).isBetween(150_001L, 300_000L);
            periods.add(p / 10_000);
        }
        assertThat(periods).as("spread over the 15 ten-second slots of the second half").hasSizeGreaterThanOrEqualTo(14);
        assertThat(new HostTable(null, 0).periodOf("host-1")).isZero();

        try (Lab lab = lab(new SurvivingStores(), T0)) {
            long period = new HostTable(null, LivenessTopology.Settings.STORE_WRITE_EVERY.toMillis()).periodOf(host(0));
            int seconds = (int) (period / 1000) + 2;
            run(lab, 1, seconds, 1, (h, s) -> true);
            // written at the first heartbeat (second 1) and at the first one at least its period later
            assertThat(lab.stored(host(0)).lastSeenAt()).isEqualTo(T0 + 1000 + ((period + 999) / 1000) * 1000);
        }
    }

    @Test
    void aRestoredTaskCountsUpHostsSilenceFromTheRestoredClockAndNeverJudgesEarlier() {
        SurvivingStores disk = new SurvivingStores();
        List<LivenessEvent> events = new ArrayList<>();
        try (Lab lab = lab(disk, T0)) {
            // host 1 beats until second 19 (still UP at 20, its store record says second 1); host 2 until 16
            // (SUSPECT at 18, written with its exact last heartbeat)
            run(lab, 1, 20, 10, (h, s) -> (h != 1 || s <= 19) && (h != 2 || s <= 16));
            assertThat(lab.stored(host(1)).lastSeenAt()).isEqualTo(T0 + 1000);
            assertThat(lab.stored(host(2)).status()).isEqualTo(HostStatus.SUSPECT);
            assertThat(lab.stored(host(2)).lastSeenAt()).isEqualTo(T0 + 16_000);
            events.addAll(lab.collect().events.stream().map(r -> r.value()).toList());
            // the instance dies here: its successor has the store as committed, not the task's memory
        }
        try (Lab lab = lab(disk, T0 + 20_000)) {
            assertThat(lab.current(host(1)).restoredAt()).as("restored at the committed partition time").isEqualTo(T0 + 20_000);
            assertThat(lab.current(host(2)).restoredAt()).as("a SUSPECT record is exact").isZero();
            run(lab, 21, 40, 10, (h, s) -> h != 1 && h != 2);
            List<LivenessEvent> hung = lab.events(LivenessEventType.HUNG);
            // host 2 on time (16 + 5); host 1 from the restore, not from its stored second 1, nor 19 + 5: from a tick
            // after it (20 + 1 + 5), as a heartbeat the store lacks may have been received until then
            assertThat(hung).extracting(LivenessEvent::hostId).containsExactly(host(2), host(1));
            assertThat(hung.get(0).at()).isEqualTo(Instant.ofEpochMilli(T0 + 21_000));
            assertThat(hung.get(1).at()).isEqualTo(Instant.ofEpochMilli(T0 + 26_000));
            events.addAll(lab.events.stream().map(r -> r.value()).toList());
            assertThat(events).extracting(LivenessEvent::eventId).doesNotHaveDuplicates();
            assertThat(events).filteredOn(e -> e.hostId().equals(host(0)) || e.hostId().equals(host(3))).isEmpty();
        }
    }

    @Test
    void theRestoreGraceSurvivesASecondFailover() {
        SurvivingStores disk = new SurvivingStores();
        try (Lab lab = lab(disk, T0)) {
            run(lab, 1, 20, 10, (h, s) -> h != 1 || s <= 19);
        }
        try (Lab lab = lab(disk, T0 + 20_000)) {
            run(lab, 21, 23, 10, (h, s) -> h != 1);
            // SUSPECT since the restore's grace ran out: written with the grace, which a second successor must keep
            assertThat(lab.stored(host(1)).status()).isEqualTo(HostStatus.SUSPECT);
            assertThat(lab.stored(host(1)).restoredAt()).isEqualTo(T0 + 20_000);
            assertThat(lab.hosts(LivenessEventType.HUNG)).isEmpty();
        }
        try (Lab lab = lab(disk, T0 + 23_000)) {
            run(lab, 24, 30, 10, (h, s) -> h != 1);
            List<LivenessEvent> hung = lab.events(LivenessEventType.HUNG);
            assertThat(hung).extracting(LivenessEvent::hostId).containsExactly(host(1));
            assertThat(hung.get(0).at()).as("the first restore's grace: 20 + 1 + 5").isEqualTo(Instant.ofEpochMilli(T0 + 26_000));
        }
    }

    @Test
    void aHeartbeatAfterTheRestoreEndsTheGraceAndTeachesNoInterval() {
        SurvivingStores disk = new SurvivingStores();
        try (Lab lab = lab(disk, T0)) {
            run(lab, 1, 20, 10, (h, s) -> true);
        }
        try (Lab lab = lab(disk, T0 + 20_000)) {
            HostRecord before = lab.current(host(0));
            run(lab, 21, 21, 10, (h, s) -> true);
            HostRecord after = lab.current(host(0));
            assertThat(after.restoredAt()).isZero();
            assertThat(after.lastSeq()).isEqualTo(21);
            // the gap from the stored heartbeat (second 1) to this one spans the restore: not an inter-arrival sample
            assertThat(after.statsCount()).isEqualTo(before.statsCount());
            assertThat(after.meanMs()).isEqualTo(before.meanMs());
            run(lab, 22, 30, 10, (h, s) -> h != 0 || s <= 24);
            assertThat(lab.events(LivenessEventType.HUNG)).extracting(LivenessEvent::hostId).containsExactly(host(0));
            assertThat(lab.events(LivenessEventType.HUNG).get(0).at()).isEqualTo(Instant.ofEpochMilli(T0 + 29_000));
        }
    }
}
