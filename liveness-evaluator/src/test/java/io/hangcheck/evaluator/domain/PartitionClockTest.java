package io.hangcheck.evaluator.domain;

import io.hangcheck.events.IngestHealth;
import io.hangcheck.events.Tick;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionClockTest {

    private static Tick tick(String instance, long at, boolean degraded) {
        IngestHealth h = degraded
                ? new IngestHealth(IngestHealth.State.DEGRADED, List.of("connections 480/500"), 480, 500, 0, 0, 0, 0)
                : IngestHealth.ok(10, 500);
        return new Tick(instance, Instant.ofEpochMilli(at), 0, at / 1000, h);
    }

    @Test
    void timeIsTheLatestTickAndAStallResumesWithAFreshGrace() {
        PartitionClock c = new PartitionClock(0);
        assertThat(c.onTick(tick("i0", 10_000, false), 0, 3000)).isTrue();
        assertThat(c.resumedAt()).isEqualTo(10_000); // first tick ever
        assertThat(c.onTick(tick("i0", 11_000, false), 1000, 3000)).isTrue();
        assertThat(c.onTick(tick("i1", 10_500, false), 1000, 3000)).isFalse(); // never backwards
        assertThat(c.time()).isEqualTo(11_000);
        assertThat(c.resumedAt()).isEqualTo(10_000);
        assertThat(c.stale(3999, 3000)).isFalse();
        assertThat(c.stale(4000, 3000)).isTrue();
        c.markStalled();
        c.onTick(tick("i0", 12_000, false), 60_000, 3000);
        assertThat(c.resumedAt()).isEqualTo(12_000);
        // a jump in tick time is a stall too (e.g. ingest and evaluator both were down)
        c.onTick(tick("i0", 100_000, false), 61_000, 3000);
        assertThat(c.resumedAt()).isEqualTo(100_000);
    }

    /** Seed 5709176 of the first-rule properties: a restore in the second an instance's clock stepped back. */
    @Test
    void anInstanceBehindPartitionTimeIsStillInDoubtAfterARestore() {
        PartitionClock c = new PartitionClock(0);
        for (long s = 70; s <= 100; s++) {
            c.onTick(tick("ingest-0", s * 1000, false), s * 1000, 3000);
            c.onTick(tick("ingest-1", s * 1000 - (s == 100 ? 61_000 : 0), false), s * 1000, 3000);
        }
        assertThat(c.inconsistency(100_000, 3000)).contains("ingest-1 ticks 61 s behind partition time");

        PartitionClock restored = PartitionClock.fromBytes(c.toBytes(), 100_500);
        restored.onTick(tick("ingest-0", 101_000, false), 101_000, 3000); // before ingest-1's next tick
        assertThat(restored.inconsistency(101_000, 3000)).contains("ingest-1 ticks 61 s behind partition time");
        // in step again: the doubt ends
        restored.onTick(tick("ingest-1", 101_000, false), 101_000, 3000);
        assertThat(restored.inconsistency(101_000, 3000)).isNull();
        // or it stops ticking: after stale-after of wall time it is a stale path, not a clock in doubt
        PartitionClock stopped = PartitionClock.fromBytes(c.toBytes(), 100_500);
        assertThat(stopped.inconsistency(103_600, 3000)).isNull();
    }

    @Test
    void degradedOrSilentIngestInstanceIsAProblemAndItsRecoveryAFreshGrace() {
        PartitionClock c = new PartitionClock(0);
        long i0 = HostRecord.hash64("i0");
        c.onTick(tick("i0", 1_000, false), 0, 3000);
        c.onTick(tick("i1", 1_000, false), 0, 3000);
        assertThat(c.viaProblem(i0, "i0", 1_000, 3000)).isNull();
        assertThat(c.viaProblem(HostRecord.hash64("i9"), "i9", 1_000, 3000)).isEqualTo("via i9: no ticks from this ingest instance");
        c.onTick(tick("i0", 2_000, true), 0, 3000);
        assertThat(c.viaProblem(i0, "i0", 2_000, 3000)).isEqualTo("via i0 DEGRADED: connections 480/500");
        c.onTick(tick("i0", 3_000, false), 0, 3000);
        assertThat(c.viaProblem(i0, "i0", 3_000, 3000)).isNull();
        assertThat(c.graceFrom(i0, 3_000, 60_000)).isEqualTo(3_000);
        // i0 stops ticking while i1 goes on
        for (long at = 4_000; at <= 8_000; at += 1000) {
            c.onTick(tick("i1", at, false), 0, 3000);
        }
        assertThat(c.viaProblem(i0, "i0", 8_000, 3000)).isEqualTo("via i0: no tick for 5000 ms");
        PartitionClock back = PartitionClock.fromBytes(c.toBytes(), 0);
        assertThat(back.time()).isEqualTo(8_000);
        assertThat(back.graceFrom(i0, 8_000, 60_000)).isEqualTo(3_000);
        assertThat(back.viaProblem(i0, "i0", 8_000, 3000)).isEqualTo("via i0: no tick for 5000 ms");
    }

    /**
     * Found by FirstRulePropertiesTest (schedule seed 441331): ingest-1 stopped at second 13, ingest-0's clock
     * stepped 62 s ahead at second 27, and at second 33 partition time said ingest-1 had been silent for 82 s — past
     * instance-forget-after (60 s) — so it no longer held anybody, and a host last heard via ingest-0 was judged HUNG
     * while ingest-1 had been down for 20 s of real time. A jump of partition time must not age an instance out.
     */
    @Test
    void aClockThatJumpsAheadDoesNotForgetAStoppedInstance() {
        PartitionClock c = new PartitionClock(0);
        long i0 = HostRecord.hash64("ingest-0");
        for (long s = 1; s <= 13; s++) {
            c.onTick(tick("ingest-0", s * 1000, false), s * 1000, 3000);
            c.onTick(tick("ingest-1", s * 1000, false), s * 1000, 3000);
        }
        for (long s = 14; s <= 26; s++) {
            c.onTick(tick("ingest-0", s * 1000, false), s * 1000, 3000); // ingest-1 stopped
        }
        for (long s = 27; s <= 33; s++) {
            c.onTick(tick("ingest-0", (s + 62) * 1000, false), s * 1000, 3000); // stepped 62 s ahead
        }
        long now = c.time();
        assertThat(now).isEqualTo(95_000);
        assertThat(c.pathProblems(i0, "ingest-0", now, 3000, 60_000)).isEqualTo("path ingest-1: no tick for 82000 ms");
        // once the instance has been silent for forget-after since the jump, it is forgotten as before
        for (long s = 34; s <= 90; s++) {
            c.onTick(tick("ingest-0", (s + 62) * 1000, false), s * 1000, 3000);
        }
        assertThat(c.pathProblems(i0, "ingest-0", 149_000, 3000, 60_000)).isEqualTo("path ingest-1: no tick for 136000 ms");
        assertThat(c.pathProblems(i0, "ingest-0", 150_000, 3000, 60_000)).isNull();
    }
}
