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
}
