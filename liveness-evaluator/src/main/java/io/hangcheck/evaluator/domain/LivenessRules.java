package io.hangcheck.evaluator.domain;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The per-host state machine (docs/design.md, Liveness verdicts). Plain logic: times are milliseconds of partition
 * time, passed in; nothing here reads a clock.
 *
 * <pre>
 * UP ──silent ≥ suspect-after, or φ ≥ φ-suspect──▶ SUSPECT                       (emit SUSPECT)
 * SUSPECT/HELD ──silent ≥ hang-after and φ ≥ φ-hang, evidence holds──▶ HUNG        (emit HUNG)
 * SUSPECT ──same, but partition stale / via DEGRADED / fleet FROZEN──▶ HELD        (emit HELD)
 * any ──heartbeat received after the last accepted one, same boot──▶ UP          (emit RECOVERED unless UP)
 *        (a lower seq, or the previous boot, too: counted as an anomaly, seq re-based; never dropped)
 * any ──heartbeat received after the last accepted one, new boot id──▶ UP with boot grace (emit REBOOTED)
 * any but REBOOTING ──reboot EXECUTED for the current boot──▶ REBOOTING with boot grace (state only)
 * REBOOTING ──reboot-confirmation without a heartbeat──▶ the status before the reset (UP: SUSPECT, emitted)
 * </pre>
 * One transition per evaluation: a host reaches HUNG only on a later look than the one that made it SUSPECT,
 * so the fleet guard has counted it as silent before any host can be judged HUNG.
 * Silence counts from the later of the last heartbeat, the record's restore ({@link HostRecord#silentFrom()}) and
 * {@link Evidence#graceFrom()}; the event reports the real silence. Records ingest received before the last
 * accepted one (late copies, re-deliveries) and resends of the same seq change nothing. Inter-arrival samples are taken between heartbeats of an UP or SUSPECT host (a
 * SUSPECT host that speaks again was merely slow, which φ should learn), never across HUNG, HELD or REBOOTING,
 * so the gap of an incident does not teach the detector that long silences are normal.
 */
public final class LivenessRules {
    private final Thresholds t;

    public LivenessRules(Thresholds thresholds) {
        this.t = Objects.requireNonNull(thresholds);
    }

    public Thresholds thresholds() {
        return t;
    }

    public Outcome onHeartbeat(HostRecord cur, Heartbeat hb, long now) {
        long received = hb.receivedAt() == null ? now : hb.receivedAt().toEpochMilli();
        if (cur == null) {
            HostRecord r = new HostRecord();
            r.status = HostStatus.UP;
            r.since = now;
            r.seedStats(t.expectedIntervalMs());
            r.bootGraceUntil = bootGraceUntil(hb, now);
            fill(r, hb, now, received);
            return Outcome.change(r, null, List.of(), null, 0);
        }
        // News of the host is a heartbeat ingest received after the last accepted one, whatever its boot and seq
        // say (S1, S3, D1). One received before it is a late copy (a replay, a re-delivery) and proves nothing now.
        boolean newer = received > cur.lastReceivedAt;
        boolean sameBoot = hb.bootId().equals(cur.bootId);
        boolean previous = !sameBoot && cur.previousBootHash != 0
                && (int) HostRecord.hash64(hb.bootId()) == cur.previousBootHash;
        if (newer && cur.restoredAt != 0 && received <= cur.restoredAt) {
            // A restored record may lack the host's last heartbeats (store-write-every), so its lastReceivedAt cannot
            // tell a late copy from news; the host's silence already counts from the restore (fresh grace), later
            // than this heartbeat says it was alive. No news: a late copy of seq 8 after a restore had made a hung
            // host RECOVERED and put its HUNG off.
            return Outcome.ignored(Ignored.BEFORE_RESTORE);
        }
        if (!newer) {
            return Outcome.ignored(!sameBoot ? (previous ? Ignored.PREVIOUS_BOOT : Ignored.OLD_BOOT)
                    : effectiveSeq(hb, cur) == cur.lastSeq ? Ignored.DUPLICATE : Ignored.OUT_OF_ORDER);
        }
        if (sameBoot) {
            if (effectiveSeq(hb, cur) == cur.lastSeq) {
                return Outcome.ignored(Ignored.DUPLICATE); // a resend of the same heartbeat
            }
            boolean regressed = effectiveSeq(hb, cur) < cur.lastSeq;
            return alive(cur, hb, now, received, regressed ? Anomaly.SEQ_REGRESSED : null);
        }
        if (previous) {
            // Back to the boot before: the newer boot id was late, forged or corrupt. Not a reboot.
            HostRecord swapped = cur.copy();
            swapped.previousBootHash = nonZero((int) HostRecord.hash64(cur.bootId));
            return alive(swapped, hb, now, received, Anomaly.BOOT_RETURNED);
        }
        HostRecord r = cur.copy();
        r.previousBootHash = nonZero((int) HostRecord.hash64(cur.bootId));
        r.status = HostStatus.UP;
        r.since = now;
        r.bootGraceUntil = bootGraceUntil(hb, now);
        r.seqShift = 0;
        long silent = Math.max(0, now - cur.lastSeenAt);
        fill(r, hb, now, received);
        return new Outcome(r, LivenessEventType.REBOOTED, List.of("boot id changed from " + cur.bootId + " to "
                + hb.bootId()), null, silent, cur.bootId, cur.lastSeq, true, null, null);
    }

    /**
     * A heartbeat that shows the host alive: UP (RECOVERED unless it was UP). After a regressed seq or a return
     * to the previous boot the sequence is re-based so that {@code lastSeq} (and so every incident id) keeps
     * growing.
     */
    private Outcome alive(HostRecord cur, Heartbeat hb, long now, long received, Anomaly anomaly) {
        HostRecord r = cur.copy();
        // not across a restore (restoredAt set): the last heartbeats before it may not have been stored, so the gap
        // to this one is not an inter-arrival time
        if ((cur.status == HostStatus.UP || cur.status == HostStatus.SUSPECT) && cur.restoredAt == 0) {
            long sample = cur.lastReceivedAt > 0 ? received - cur.lastReceivedAt : now - cur.lastSeenAt;
            if (sample > 0) {
                r.addInterval(sample, t.statsWindow());
            }
        }
        LivenessEventType event = null;
        boolean labelsEqual = cur.labels.equals(hb.labels()); // once a heartbeat: for the publish and for fill
        boolean publish = anomaly != null || !Objects.equals(hb.via(), cur.via)
                || (cur.labelsTruncated ? labelsChanged(cur, hb.labels()) : !labelsEqual);
        if (cur.status != HostStatus.UP) {
            event = LivenessEventType.RECOVERED;
            r.status = HostStatus.UP;
                r.since = now;
            publish = true;
        }
        long silent = Math.max(0, now - cur.lastSeenAt);
        fill(r, hb, now, received, labelsEqual);
        if (anomaly != null) {
            // lastSeq + 1 - seq, unless that overflows (a seq near Long.MAX_VALUE): then start over from the host's
            if (cur.lastSeq < Long.MAX_VALUE - 1) {
                r.seqShift = cur.lastSeq + 1 - hb.seq();
                r.lastSeq = cur.lastSeq + 1;
            } else {
                r.seqShift = 0;
            }
        } else {
            r.lastSeq = effectiveSeq(hb, cur);
        }
        List<String> reasons = new ArrayList<>(2);
        if (event != null) {
            reasons.add("heartbeat seq " + hb.seq() + " after " + silent + " ms");
        }
        if (anomaly != null) {
            reasons.add(anomaly.label() + ": " + cur.bootId + "/" + cur.lastSeq + " then " + hb.bootId() + "/" + hb.seq());
        }
        return new Outcome(r, event, reasons, null, silent, null, cur.lastSeq, publish, null, anomaly);
    }

    /** The heartbeat's seq on the record's monotonic scale (saturating: a forged seq cannot overflow it). */
    private static long effectiveSeq(Heartbeat hb, HostRecord cur) {
        long e = hb.seq() + cur.seqShift;
        return ((hb.seq() ^ e) & (cur.seqShift ^ e)) < 0 ? (cur.seqShift < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : e;
    }

    private static int nonZero(int h) {
        return h == 0 ? 1 : h;
    }

    /**
     * End of the boot grace: boot-grace minus the reported uptime, never beyond boot-grace (a forged or corrupt
     * {@code uptimeSeconds} cannot stretch it, and the product cannot overflow).
     */
    long bootGraceUntil(Heartbeat hb, long now) {
        long graceMs = t.bootGraceMs();
        long uptime = hb.uptimeSeconds() == null ? 0 : Math.max(0, hb.uptimeSeconds());
        long uptimeMs = Math.min(uptime, graceMs / 1000 + 1) * 1000;
        return now + Math.max(0, graceMs - uptimeMs);
    }

    private static boolean labelsChanged(HostRecord cur, Map<String, String> labels) {
        if (cur.labelsTruncated) {
            return !labels.entrySet().containsAll(cur.labels.entrySet()) || labels.size() <= cur.labels.size();
        }
        return !cur.labels.equals(labels);
    }

    private static void fill(HostRecord r, Heartbeat hb, long now, long received) {
        fill(r, hb, now, received, r.labels.equals(hb.labels()));
    }

    /** {@code labelsEqual}: whether the record's labels equal the heartbeat's (the caller compared them already). */
    private static void fill(HostRecord r, Heartbeat hb, long now, long received, boolean labelsEqual) {
        r.bootId = hb.bootId();
        r.lastSeq = hb.seq();
        r.lastSeenAt = now;
        r.lastReceivedAt = received;
        r.restoredAt = 0;
        if (!Objects.equals(r.via, hb.via())) { // the same: keep the (shared) string the record has
            r.via = hb.via();
            r.viaHash = HostRecord.hash64(hb.via());
        }
        if (!Objects.equals(r.net, hb.net())) {
            r.net = hb.net();
        }
        if (!labelsEqual) {
            r.labels = hb.labels();
            r.labelsTruncated = false;
        }
    }

    /** An executed reboot of the host's current boot puts it in REBOOTING; anything else changes nothing. */
    public Outcome onReboot(HostRecord cur, RebootRecord rr, long now) {
        if (rr.decision() != RebootDecision.EXECUTED || cur == null || cur.status == HostStatus.REBOOTING) {
            return Outcome.ignored(Ignored.REBOOT);
        }
        String prefix = rr.hostId() + "/";
        if (rr.incidentId().startsWith(prefix)) {
            String rest = rr.incidentId().substring(prefix.length());
            int slash = rest.lastIndexOf('/');
            if (slash > 0 && !rest.substring(0, slash).equals(cur.bootId)) {
                return Outcome.ignored(Ignored.REBOOT);
            }
        }
        HostRecord r = cur.copy();
        r.status = HostStatus.REBOOTING;
        r.beforeReboot = cur.status;
        r.since = now;
        r.bootGraceUntil = Math.max(r.bootGraceUntil, now + t.bootGraceMs());
        return Outcome.change(r, null, List.of("reboot executed: " + rr.recordId()), null, Math.max(0, now - cur.lastSeenAt));
    }

    /** φ of the host at partition time {@code now}, silence counted from {@code graceFrom} at the earliest. */
    public double phi(HostRecord r, long now, long graceFrom) {
        long ref = Math.max(r.silentFrom(), graceFrom);
        return PhiAccrual.phi(Math.max(0, now - ref), r.meanMs, r.stdDevMs(), t.acceptablePauseMs(), t.minStdDevMs());
    }

    /** Looks at a silent-or-not host at partition time {@code now}. At most one transition. */
    public Outcome evaluate(HostRecord r, long now, Evidence ev, int partition) {
        if (r.status == HostStatus.REBOOTING && now - r.since >= t.rebootConfirmMs()) {
            return rebootNotConfirmed(r, now);
        }
        if (r.status == HostStatus.HUNG || r.status == HostStatus.REBOOTING || now < r.bootGraceUntil) {
            return Outcome.nothing(null, Math.max(0, now - r.lastSeenAt));
        }
        long ref = Math.max(r.silentFrom(), ev.graceFrom());
        long silent = Math.max(0, now - ref);
        long realSilent = Math.max(0, now - r.lastSeenAt);
        double phi = PhiAccrual.phi(silent, r.meanMs, r.stdDevMs(), t.acceptablePauseMs(), t.minStdDevMs());
        switch (r.status) {
            case UP -> {
                if (silent >= t.suspectAfterMs() || phi >= t.phiSuspect()) {
                    HostRecord n = r.copy();
                    n.status = HostStatus.SUSPECT;
                    n.since = now;
                    String why = silent >= t.suspectAfterMs()
                            ? "silent " + silent + " ms >= suspect-after " + t.suspectAfterMs() + " ms"
                            : String.format("phi %.2f >= %.2f", phi, t.phiSuspect());
                    return Outcome.change(n, LivenessEventType.SUSPECT, List.of(why), phi, realSilent);
                }
            }
            case SUSPECT, HELD -> {
                // HUNG (and HELD) on the silence since ingest received the last heartbeat, not since the tick
                // before it: never before last beat + hang-after (SEEN_AHEAD_MAX_MS)
                long hungSilent = Math.max(0, now - Math.max(ref, receivedBound(r)));
                double hungPhi = hungSilent == silent ? phi
                        : PhiAccrual.phi(hungSilent, r.meanMs, r.stdDevMs(), t.acceptablePauseMs(), t.minStdDevMs());
                if (hungSilent >= t.hangAfterMs() && hungPhi >= t.phiHang()) {
                    List<String> doubts = ev.doubts(partition);
                    String why = String.format("silent %d ms >= hang-after %d ms and phi %.2f >= %.2f",
                            hungSilent, t.hangAfterMs(), hungPhi, t.phiHang());
                    phi = hungPhi;
                    if (doubts.isEmpty()) {
                        HostRecord n = r.copy();
                        n.status = HostStatus.HUNG;
                        n.since = now;
                        return Outcome.change(n, LivenessEventType.HUNG, List.of(why), phi, realSilent);
                    }
                    if (r.status == HostStatus.SUSPECT) {
                        HostRecord n = r.copy();
                        n.status = HostStatus.HELD;
                        n.since = now;
                        return Outcome.change(n, LivenessEventType.HELD, doubts, phi, realSilent);
                    }
                }
            }
            default -> {
            }
        }
        return Outcome.nothing(phi, realSilent);
    }

    /**
     * REBOOTING ran out of its confirmation time without a heartbeat (S4): the host returns to the status it had
     * before the reset, without an event (its incident's events were emitted then; the executor owns "did not come
     * back"), and is judged on its silence again. A host that was UP (an operator's reset, possibly relayed late)
     * becomes SUSPECT, with that event.
     */
    private Outcome rebootNotConfirmed(HostRecord r, long now) {
        HostRecord n = r.copy();
        n.since = now;
        long silent = Math.max(0, now - r.lastSeenAt);
        String why = "no heartbeat within reboot-confirmation " + t.rebootConfirmMs() + " ms of the reset";
        if (r.beforeReboot != HostStatus.UP) {
            n.status = r.beforeReboot;
            return Outcome.change(n, null, List.of(why), null, silent);
        }
        n.status = HostStatus.SUSPECT;
        return Outcome.change(n, LivenessEventType.SUSPECT, List.of(why), null, silent);
    }

    /** True when the host has been silent for forget-after: it is deleted (D7: made-up or retired hosts). */
    public boolean forgettable(HostRecord r, long now) {
        return now - r.lastSeenAt >= t.forgetAfterMs();
    }

    /**
     * When to look at the host next (partition time): its next threshold, the end of REBOOTING's confirmation
     * time, and at the latest the moment it would be forgotten. Always later than {@code now}.
     */
    public long nextLook(HostRecord r, long now, long graceFrom) {
        long ref = Math.max(r.silentFrom(), graceFrom);
        long due = switch (r.status) {
            case UP -> ref + Math.min(t.suspectAfterMs(), elapsedFor(r, t.phiSuspect()));
            case SUSPECT -> Math.max(ref, receivedBound(r)) + Math.max(t.hangAfterMs(), elapsedFor(r, t.phiHang()));
            case HELD -> {
                long at = Math.max(ref, receivedBound(r)) + Math.max(t.hangAfterMs(), elapsedFor(r, t.phiHang()));
                yield at > now ? at : now + t.heldRecheckMs();
            }
            case HUNG -> Long.MAX_VALUE;
            case REBOOTING -> r.since + t.rebootConfirmMs();
        };
        long forget = r.lastSeenAt + t.forgetAfterMs();
        if (r.status == HostStatus.HUNG || r.status == HostStatus.REBOOTING) {
            return Math.max(Math.min(due, forget), now + 1);
        }
        return Math.min(Math.max(Math.max(due, r.bootGraceUntil), now + 1), Math.max(forget, now + 1));
    }

    /**
     * How far after partition time a heartbeat's receipt by ingest may count: one interval of ingest's ticks
     * ({@code hangcheck.ingest.ticks.interval}, 1 s), the most partition time can trail a record that follows its
     * partition's last tick. Bounds an ingest clock that runs ahead.
     */
    static final long SEEN_AHEAD_MAX_MS = 1_000;

    /**
     * The moment the host was last heard of, for HUNG: ingest's receipt of its last heartbeat, within
     * {@code [lastSeenAt, lastSeenAt + SEEN_AHEAD_MAX_MS]}. Partition time moves only with ticks, so {@code
     * lastSeenAt} (the tick before the heartbeat) can be up to a tick early; a HUNG counted from it came up to 0.5 s
     * before last beat + hang-after on the failover benchmark. SUSPECT (and so the fleet and group guards' count of
     * silent hosts) keeps the tick's grain: counting it from the receipt too let a HUNG overtake the freeze that
     * the same silences should have caused (the first-rule property test, seed −9147329752347278345).
     * After a restore ({@code restoredAt}), a heartbeat that is missing from the store may have been received up to
     * a tick after the restored partition time: the bound is then at least {@code restoredAt + SEEN_AHEAD_MAX_MS}
     * (the property test's real-silence rule (f): hosts that beat in the second of a restart were HUNG after 4.7 s
     * of a 5-s hang-after).
     */
    static long receivedBound(HostRecord r) {
        long bound = r.lastReceivedAt > r.lastSeenAt ? Math.min(r.lastReceivedAt, r.lastSeenAt + SEEN_AHEAD_MAX_MS) : r.lastSeenAt;
        return r.restoredAt != 0 ? Math.max(bound, r.restoredAt + SEEN_AHEAD_MAX_MS) : bound;
    }

    private long elapsedFor(HostRecord r, double phi) {
        double e = PhiAccrual.elapsedForPhi(phi, r.meanMs, r.stdDevMs(), t.acceptablePauseMs(), t.minStdDevMs());
        return (long) Math.ceil(Math.max(0, e));
    }
}
