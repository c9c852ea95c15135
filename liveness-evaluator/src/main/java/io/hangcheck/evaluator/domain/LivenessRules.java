package io.hangcheck.evaluator.domain;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootRecord;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The per-host state machine (DESIGN.md, Liveness verdicts). Plain logic: times are milliseconds of partition
 * time, passed in; nothing here reads a clock.
 *
 * <pre>
 * UP ──silent ≥ suspect-after, or φ ≥ φ-suspect──▶ SUSPECT                       (emit SUSPECT)
 * SUSPECT/HELD ──silent ≥ hang-after and φ ≥ φ-hang, evidence holds──▶ HUNG        (emit HUNG)
 * SUSPECT ──same, but partition stale / via DEGRADED / fleet FROZEN──▶ HELD        (emit HELD)
 * any ──heartbeat, same boot, higher seq──▶ UP                                      (emit RECOVERED unless UP)
 * any ──heartbeat, new boot id──▶ UP with boot grace                                (emit REBOOTED)
 * any but REBOOTING ──reboot EXECUTED for the current boot──▶ REBOOTING with boot grace (state only)
 * </pre>
 * One transition per evaluation: a host reaches HUNG only on a later look than the one that made it SUSPECT,
 * so the fleet guard has counted it as silent before any host can be judged HUNG.
 * Silence counts from the later of the last heartbeat and {@link Evidence#graceFrom()}; the event reports the
 * real silence. Duplicate or older heartbeats (same boot, seq ≤ last) and heartbeats of the boot before the
 * current one change nothing. Inter-arrival samples are taken between heartbeats of an UP or SUSPECT host (a
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
            return new Outcome(r, null, List.of(), null, 0, null, -1, true, null);
        }
        if (hb.bootId().equals(cur.bootId)) {
            if (hb.seq() <= cur.lastSeq) {
                return Outcome.ignored(hb.seq() == cur.lastSeq ? "duplicate heartbeat" : "out-of-order heartbeat");
            }
            HostRecord r = cur.copy();
            if (cur.status == HostStatus.UP || cur.status == HostStatus.SUSPECT) {
                long sample = cur.lastReceivedAt > 0 ? received - cur.lastReceivedAt : now - cur.lastSeenAt;
                if (sample > 0) {
                    r.addInterval(sample, t.statsWindow());
                }
            }
            LivenessEventType event = null;
            boolean publish = !Objects.equals(hb.via(), cur.via) || labelsChanged(cur, hb.labels());
            if (cur.status != HostStatus.UP) {
                event = LivenessEventType.RECOVERED;
                r.status = HostStatus.UP;
                r.since = now;
                publish = true;
            }
            long silent = Math.max(0, now - cur.lastSeenAt);
            fill(r, hb, now, received);
            return new Outcome(r, event, event == null ? List.of() : List.of("heartbeat seq " + hb.seq() + " after "
                    + silent + " ms"), null, silent, null, cur.lastSeq, publish, null);
        }
        if (cur.previousBootHash != 0 && (int) HostRecord.hash64(hb.bootId()) == cur.previousBootHash) {
            return Outcome.ignored("heartbeat of the previous boot");
        }
        HostRecord r = cur.copy();
        r.previousBootHash = nonZero((int) HostRecord.hash64(cur.bootId));
        r.status = HostStatus.UP;
        r.since = now;
        r.bootGraceUntil = bootGraceUntil(hb, now);
        long silent = Math.max(0, now - cur.lastSeenAt);
        fill(r, hb, now, received);
        return new Outcome(r, LivenessEventType.REBOOTED, List.of("boot id changed from " + cur.bootId + " to "
                + hb.bootId()), null, silent, cur.bootId, cur.lastSeq, true, null);
    }

    private static int nonZero(int h) {
        return h == 0 ? 1 : h;
    }

    private long bootGraceUntil(Heartbeat hb, long now) {
        long uptimeMs = hb.uptimeSeconds() == null ? 0 : hb.uptimeSeconds() * 1000;
        return now + Math.max(0, t.bootGraceMs() - uptimeMs);
    }

    private static boolean labelsChanged(HostRecord cur, Map<String, String> labels) {
        if (cur.labelsTruncated) {
            return !labels.entrySet().containsAll(cur.labels.entrySet()) || labels.size() <= cur.labels.size();
        }
        return !cur.labels.equals(labels);
    }

    private static void fill(HostRecord r, Heartbeat hb, long now, long received) {
        r.bootId = hb.bootId();
        r.lastSeq = hb.seq();
        r.lastSeenAt = now;
        r.lastReceivedAt = received;
        r.via = hb.via();
        r.viaHash = HostRecord.hash64(hb.via());
        if (!r.labels.equals(hb.labels())) {
            r.labels = hb.labels();
            r.labelsTruncated = false;
        }
    }

    /** An executed reboot of the host's current boot puts it in REBOOTING; anything else changes nothing. */
    public Outcome onReboot(HostRecord cur, RebootRecord rr, long now) {
        if (rr.decision() != RebootDecision.EXECUTED) {
            return Outcome.ignored("decision " + rr.decision());
        }
        if (cur == null) {
            return Outcome.ignored("unknown host");
        }
        if (cur.status == HostStatus.REBOOTING) {
            return Outcome.ignored("already rebooting");
        }
        String prefix = rr.hostId() + "/";
        if (rr.incidentId().startsWith(prefix)) {
            String rest = rr.incidentId().substring(prefix.length());
            int slash = rest.lastIndexOf('/');
            if (slash > 0 && !rest.substring(0, slash).equals(cur.bootId)) {
                return Outcome.ignored("reboot of an earlier boot");
            }
        }
        HostRecord r = cur.copy();
        r.status = HostStatus.REBOOTING;
        r.since = now;
        r.bootGraceUntil = Math.max(r.bootGraceUntil, now + t.bootGraceMs());
        return new Outcome(r, null, List.of("reboot executed: " + rr.recordId()), null,
                Math.max(0, now - cur.lastSeenAt), null, cur.lastSeq, true, null);
    }

    /** φ of the host at partition time {@code now}, silence counted from {@code graceFrom} at the earliest. */
    public double phi(HostRecord r, long now, long graceFrom) {
        long ref = Math.max(r.lastSeenAt, graceFrom);
        return PhiAccrual.phi(Math.max(0, now - ref), r.meanMs, r.stdDevMs(), t.acceptablePauseMs(), t.minStdDevMs());
    }

    /** Looks at a silent-or-not host at partition time {@code now}. At most one transition. */
    public Outcome evaluate(HostRecord r, long now, Evidence ev, int partition) {
        if (r.status == HostStatus.HUNG || r.status == HostStatus.REBOOTING || now < r.bootGraceUntil) {
            return Outcome.nothing(null, Math.max(0, now - r.lastSeenAt));
        }
        long ref = Math.max(r.lastSeenAt, ev.graceFrom());
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
                    return new Outcome(n, LivenessEventType.SUSPECT, List.of(why), phi, realSilent, null, -1, true, null);
                }
            }
            case SUSPECT, HELD -> {
                if (silent >= t.hangAfterMs() && phi >= t.phiHang()) {
                    List<String> doubts = ev.doubts(partition);
                    String why = String.format("silent %d ms >= hang-after %d ms and phi %.2f >= %.2f",
                            silent, t.hangAfterMs(), phi, t.phiHang());
                    if (doubts.isEmpty()) {
                        HostRecord n = r.copy();
                        n.status = HostStatus.HUNG;
                        n.since = now;
                        return new Outcome(n, LivenessEventType.HUNG, List.of(why), phi, realSilent, null, -1, true, null);
                    }
                    if (r.status == HostStatus.SUSPECT) {
                        HostRecord n = r.copy();
                        n.status = HostStatus.HELD;
                        n.since = now;
                        return new Outcome(n, LivenessEventType.HELD, doubts, phi, realSilent, null, -1, true, null);
                    }
                }
            }
            default -> {
            }
        }
        return Outcome.nothing(phi, realSilent);
    }

    /**
     * When to look at the host next (partition time), or {@link Long#MAX_VALUE} when only an input can change
     * it (HUNG, REBOOTING after its grace is handled by the executor). Always later than {@code now}.
     */
    public long nextLook(HostRecord r, long now, long graceFrom) {
        long ref = Math.max(r.lastSeenAt, graceFrom);
        long due = switch (r.status) {
            case UP -> ref + Math.min(t.suspectAfterMs(), elapsedFor(r, t.phiSuspect()));
            case SUSPECT -> ref + Math.max(t.hangAfterMs(), elapsedFor(r, t.phiHang()));
            case HELD -> {
                long at = ref + Math.max(t.hangAfterMs(), elapsedFor(r, t.phiHang()));
                yield at > now ? at : now + t.heldRecheckMs();
            }
            case HUNG, REBOOTING -> Long.MAX_VALUE;
        };
        if (due == Long.MAX_VALUE) {
            return due;
        }
        return Math.max(Math.max(due, r.bootGraceUntil), now + 1);
    }

    private long elapsedFor(HostRecord r, double phi) {
        double e = PhiAccrual.elapsedForPhi(phi, r.meanMs, r.stdDevMs(), t.acceptablePauseMs(), t.minStdDevMs());
        return (long) Math.ceil(Math.max(0, e));
    }
}
