package io.hangcheck.evaluator.domain;

import io.hangcheck.events.FleetMode;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.events.Transport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LivenessRulesTest {
    private final Thresholds t = Thresholds.fast(); // heartbeat 1 s, suspect 2 s, hang 5 s, no boot grace
    private final LivenessRules rules = new LivenessRules(t);

    private static Heartbeat hb(String boot, long seq, long at) {
        return Heartbeat.fromHost("h1", boot, seq, Instant.ofEpochMilli(at), Map.of("pool", "a"), null)
                .stamped(Instant.ofEpochMilli(at), Transport.HTTP, "ingest-0");
    }

    /** A host that sent heartbeats 1..n every second, the last at {@code n * 1000}. */
    private HostRecord upHost(int n) {
        HostRecord r = rules.onHeartbeat(null, hb("b1", 1, 1000), 1000).next();
        for (int i = 2; i <= n; i++) {
            r = rules.onHeartbeat(r, hb("b1", i, i * 1000L), i * 1000L).next();
        }
        return r;
    }

    private static Evidence ok() {
        return Evidence.healthy();
    }

    @Test
    void silentHostGoesSuspectThenHungAfterHangAfter() {
        HostRecord r = upHost(30);
        long last = 30_000;
        assertThat(rules.evaluate(r, last + 1000, ok(), 0).changed()).isFalse();
        Outcome s = rules.evaluate(r, last + 2000, ok(), 0);
        assertThat(s.event()).isEqualTo(LivenessEventType.SUSPECT);
        r = s.next();
        assertThat(rules.evaluate(r, last + 4999, ok(), 0).changed()).isFalse();
        Outcome h = rules.evaluate(r, last + 5000, ok(), 0);
        assertThat(h.event()).isEqualTo(LivenessEventType.HUNG);
        assertThat(h.silentMs()).isEqualTo(5000);
        assertThat(h.phi()).isGreaterThan(t.phiHang());
        // HUNG: only an input changes it, or forget-after of silence
        assertThat(rules.nextLook(h.next(), last + 5000, Long.MIN_VALUE)).isEqualTo(last + t.forgetAfterMs());
    }

    /**
     * Partition time moves only with ticks: a heartbeat ingest received 700 ms after its partition's last tick is
     * last seen at that tick. SUSPECT keeps that grain (the guards count silent hosts with it); HUNG counts from the
     * receipt, so it never comes before last beat + hang-after (the failover benchmark read HUNG up to 0.5 s early).
     * A receipt far ahead of partition time (an ingest clock ahead) counts at most one tick interval.
     */
    @Test
    void hungCountsFromTheReceiptOfTheLastHeartbeatNotTheTickBeforeIt() {
        HostRecord r = rules.onHeartbeat(upHost(30), hb("b1", 31, 31_700), 31_000).next(); // partition time: 31 s tick
        assertThat(r.lastSeenAt).isEqualTo(31_000);
        r = rules.evaluate(r, 33_000, ok(), 0).next();
        assertThat(r.status).as("SUSPECT on the tick's grain").isEqualTo(HostStatus.SUSPECT);
        assertThat(rules.evaluate(r, 36_000, ok(), 0).changed()).as("4.3 s since ingest received it").isFalse();
        assertThat(rules.nextLook(r, 36_000, Long.MIN_VALUE)).isEqualTo(36_700);
        Outcome h = rules.evaluate(r, 36_700, ok(), 0);
        assertThat(h.event()).isEqualTo(LivenessEventType.HUNG);

        HostRecord ahead = rules.onHeartbeat(upHost(30), hb("b1", 31, 93_000), 31_000).next(); // a clock 62 s ahead
        assertThat(LivenessRules.receivedBound(ahead)).isEqualTo(31_000 + LivenessRules.SEEN_AHEAD_MAX_MS);
        HostRecord behind = rules.onHeartbeat(upHost(30), hb("b1", 31, 30_999), 31_000).next(); // a clock behind
        assertThat(LivenessRules.receivedBound(behind)).isEqualTo(31_000);
    }

    @Test
    void hostSilentWhileIngestDegradedIsHeldNotHung() {
        HostRecord r = rules.evaluate(upHost(30), 32_000, ok(), 0).next();
        Evidence degraded = new Evidence(Long.MIN_VALUE, false, "via ingest-0 DEGRADED: connections 480/500", FleetMode.NORMAL, List.of());
        Outcome o = rules.evaluate(r, 35_000, degraded, 0);
        assertThat(o.event()).isEqualTo(LivenessEventType.HELD);
        assertThat(o.reasons()).containsExactly("via ingest-0 DEGRADED: connections 480/500");
        // still doubtful: stays HELD, nothing emitted again
        assertThat(rules.evaluate(o.next(), 40_000, degraded, 0).changed()).isFalse();
        // the path heals at 40 s: a fresh grace from then, HUNG only after hang-after of it
        Evidence healed = new Evidence(40_000, false, null, FleetMode.NORMAL, List.of());
        assertThat(rules.evaluate(o.next(), 44_000, healed, 0).changed()).isFalse();
        assertThat(rules.evaluate(o.next(), 45_000, healed, 0).event()).isEqualTo(LivenessEventType.HUNG);
    }

    @Test
    void frozenFleetAndStalePartitionHoldToo() {
        HostRecord r = rules.evaluate(upHost(30), 32_000, ok(), 0).next();
        Outcome frozen = rules.evaluate(r, 35_000, new Evidence(Long.MIN_VALUE, false, null, FleetMode.FROZEN,
                List.of("silent share 0.90 >= 0.40")), 0);
        assertThat(frozen.event()).isEqualTo(LivenessEventType.HELD);
        assertThat(frozen.reasons()).containsExactly("fleet FROZEN: silent share 0.90 >= 0.40");
        Outcome stale = rules.evaluate(r, 35_000, new Evidence(Long.MIN_VALUE, true, null, FleetMode.DEGRADED, List.of()), 3);
        assertThat(stale.reasons()).containsExactly("partition 3 stale: its ticks stopped");
    }

    @Test
    void slowButRegularHostIsNeverHung() {
        // one heartbeat every 12 s, hang-after 5 s: silent past the floor every time, but phi stays low.
        // The boot grace (60 s) is the learning period: the first estimate assumed one heartbeat a second.
        LivenessRules rules = new LivenessRules(t.withBootGraceMs(60_000));
        HostRecord r = rules.onHeartbeat(null, hb("b1", 1, 0), 0).next();
        for (int i = 1; i <= 30; i++) {
            long at = i * 12_000L;
            for (long now = at - 11_000; now < at; now += 1000) {
                Outcome o = rules.evaluate(r, now, ok(), 0);
                assertThat(o.event()).isNotEqualTo(LivenessEventType.HUNG).isNotEqualTo(LivenessEventType.HELD);
                if (o.changed()) {
                    r = o.next();
                }
            }
            r = rules.onHeartbeat(r, hb("b1", i + 1, at), at).next();
        }
        assertThat(r.meanMs()).isGreaterThan(10_000);
    }

    @Test
    void duplicateAndOutOfOrderHeartbeatsChangeNothing() {
        HostRecord r = upHost(5);
        assertThat(rules.onHeartbeat(r, hb("b1", 5, 9000), 9000).ignored()).isEqualTo(Ignored.DUPLICATE);
        // a lower seq that ingest received before the last accepted heartbeat is a late record
        assertThat(rules.onHeartbeat(r, hb("b1", 3, r.lastReceivedAt() - 1), 9000).ignored()).isEqualTo(Ignored.OUT_OF_ORDER);
    }

    /**
     * After a restore the stored record of an UP host lags (its heartbeats are written every store-write-every): it
     * says seq 7, received at 7 s, while the host beat until 15 s and hung. A late copy of seq 8 (received at 8 s)
     * looks newer than the stored record, but the host's silence counts from the restore at 16 s: no news, it stays
     * SUSPECT and is HUNG on time. The property test found it (seed -2492: RECOVERED by the late copy, HUNG 1 s late).
     */
    @Test
    void aLateCopyAfterARestoreIsNotNewsOfTheHost() {
        HostRecord stored = upHost(7).copy();
        stored.restored(16_000);
        assertThat(stored.restoredAt()).isEqualTo(16_000);
        HostRecord suspect = rules.evaluate(stored, 18_000, ok(), 0).next();
        assertThat(suspect.status()).isEqualTo(HostStatus.SUSPECT);

        Outcome late = rules.onHeartbeat(suspect, hb("b1", 8, 8_000), 18_500);
        assertThat(late.ignored()).isEqualTo(Ignored.BEFORE_RESTORE);
        assertThat(late.event()).isNull();
        assertThat(rules.onHeartbeat(suspect, hb("b2", 1, 15_900), 18_500).ignored())
                .as("nor a boot id received before the restore").isEqualTo(Ignored.BEFORE_RESTORE);
        // HUNG counts from a tick after the restore: a heartbeat the store lacks may have been received until then
        assertThat(rules.evaluate(suspect, 21_999, ok(), 0).changed()).as("not HUNG 5 s after the restore").isFalse();
        assertThat(rules.nextLook(suspect, 18_000, Long.MIN_VALUE)).isEqualTo(22_000);
        assertThat(rules.evaluate(suspect, 22_000, ok(), 0).event()).as("5 s after the restore's tick + 1 s")
                .isEqualTo(LivenessEventType.HUNG);

        Outcome news = rules.onHeartbeat(suspect, hb("b1", 16, 16_100), 18_500);
        assertThat(news.event()).as("received after the restore: news").isEqualTo(LivenessEventType.RECOVERED);
        assertThat(news.next().restoredAt()).isZero();
    }

    @Test
    void heartbeatAfterSilenceRecoversAndNewBootReboots() {
        HostRecord r = rules.evaluate(upHost(10), 12_000, ok(), 0).next();
        Outcome rec = rules.onHeartbeat(r, hb("b1", 11, 13_000), 13_000);
        assertThat(rec.event()).isEqualTo(LivenessEventType.RECOVERED);
        assertThat(rec.previousSeq()).isEqualTo(10);
        assertThat(rec.next().status()).isEqualTo(HostStatus.UP);

        Outcome boot = rules.onHeartbeat(rec.next(), hb("b2", 1, 14_000), 14_000);
        assertThat(boot.event()).isEqualTo(LivenessEventType.REBOOTED);
        assertThat(boot.previousBootId()).isEqualTo("b1");
        // a late heartbeat of the boot before (received before the new boot's) changes nothing
        assertThat(rules.onHeartbeat(boot.next(), hb("b1", 12, 13_500), 14_500).ignored())
                .isEqualTo(Ignored.PREVIOUS_BOOT);
    }

    @Test
    void executedRebootOfTheCurrentBootMakesTheHostRebootingUntilANewBoot() {
        LivenessRules graceful = new LivenessRules(t.withBootGraceMs(60_000));
        HostRecord r = upHost(10);
        r = rules.evaluate(r, 12_000, ok(), 0).next();
        r = rules.evaluate(r, 15_000, ok(), 0).next();
        assertThat(r.status()).isEqualTo(HostStatus.HUNG);
        RebootRecord stale = new RebootRecord("1", "h1/b0/3", "h1", RebootDecision.EXECUTED, RebootReason.values()[0], null,
                "dry-run", 1, Instant.EPOCH, Map.of());
        assertThat(graceful.onReboot(r, stale, 16_000).changed()).isFalse();
        RebootRecord rr = new RebootRecord("2", "h1/b1/10", "h1", RebootDecision.EXECUTED, RebootReason.values()[0], null,
                "dry-run", 1, Instant.EPOCH, Map.of());
        Outcome o = graceful.onReboot(r, rr, 16_000);
        assertThat(o.next().status()).isEqualTo(HostStatus.REBOOTING);
        assertThat(o.event()).isNull();
        assertThat(graceful.evaluate(o.next(), 16_000 + t.rebootConfirmMs() - 1, ok(), 0).changed()).isFalse();
        // no new boot within reboot-confirmation: HUNG again (state only; its HUNG was reported)
        Outcome lapsed = graceful.evaluate(o.next(), 16_000 + t.rebootConfirmMs(), ok(), 0);
        assertThat(lapsed.next().status()).isEqualTo(HostStatus.HUNG);
        assertThat(lapsed.event()).isNull();
        Outcome back = graceful.onHeartbeat(o.next(), hb("b2", 1, 120_000), 120_000);
        assertThat(back.event()).isEqualTo(LivenessEventType.REBOOTED);
        // boot grace: silent but no verdict before it ends
        assertThat(graceful.evaluate(back.next(), 170_000, ok(), 0).changed()).isFalse();
        assertThat(graceful.evaluate(back.next(), 180_000, ok(), 0).event()).isEqualTo(LivenessEventType.SUSPECT);
    }

    @Test
    void freshGraceMovesTheSilenceStart() {
        HostRecord r = upHost(10);
        // the clock resumed at 60 s after a stall: silent since 10 s in partition time, but counted from 60 s
        Evidence resumed = new Evidence(60_000, false, null, FleetMode.NORMAL, List.of());
        assertThat(rules.evaluate(r, 61_000, resumed, 0).changed()).isFalse();
        long next = rules.nextLook(r, 61_000, 60_000);
        // phi reaches phi-suspect before suspect-after (2 s) for this punctual host
        assertThat(next).isBetween(61_001L, 62_000L);
        assertThat(rules.evaluate(r, next - 1, resumed, 0).changed()).isFalse();
        assertThat(rules.evaluate(r, next, resumed, 0).event()).isEqualTo(LivenessEventType.SUSPECT);
    }
}
