package io.hangcheck.evaluator.domain;

import io.hangcheck.events.Tick;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The clock of one heartbeat partition (docs/design.md, Time): the latest tick time seen on it, plus what the
 * ticks say about each ingest instance. Plain logic; the wall-clock time of the last tick is passed in.
 *
 * <ul>
 *   <li>{@link #time()} only moves forward (max of tick times), so a lagging evaluator has a lagging clock.</li>
 *   <li>A stall — no tick for {@code staleAfter} of wall time, or a jump in tick time larger than that — sets
 *   {@link #resumedAt()} to the first tick after it: every host's silence counts from there (fresh grace).</li>
 *   <li>An ingest instance is doubtful while its latest tick says DEGRADED, or when it has not ticked for
 *   {@code staleAfter} of partition time, or has never ticked; when it becomes healthy again, hosts that
 *   last came through it get a fresh grace from that moment ({@link #graceFrom}).</li>
 * </ul>
 * Persisted (small binary, {@link #toBytes()}) in the partition store so a restarted task keeps its clock
 * and does not hand out needless fresh graces; the wall-clock fields are not persisted, but an instance known to
 * tick behind partition time is restored as if it had just ticked, so the doubt it casts survives a restore.
 */
public final class PartitionClock {
    private long time = -1;
    private long resumedAt = Long.MIN_VALUE;
    private final Map<Long, Instance> instances = new HashMap<>();
    private long lastTickWall;
    private boolean stalled;
    private boolean dirty;
    private long lastStep;

    /** One ingest instance as this partition's ticks describe it. */
    public static final class Instance {
        final String id;
        long lastTickAt;
        boolean degraded;
        String reasons = "";
        long healthyFrom;
        /** Wall time of its latest tick (not persisted). */
        long lastTickWall = Long.MIN_VALUE;
        /** How far its latest tick was behind partition time when it came (stepped-back clock), 0 when in step. */
        long behindMs;

        Instance(String id) {
            this.id = id;
        }

        public String id() { return id; }
        public boolean degraded() { return degraded; }
        public long lastTickAt() { return lastTickAt; }
    }

    public PartitionClock(long wallNow) {
        this.lastTickWall = wallNow;
    }

    public long time() {
        return time;
    }

    public long resumedAt() {
        return resumedAt;
    }

    public boolean dirty() {
        return dirty;
    }

    public void clean() {
        dirty = false;
    }

    public long lastTickWall() {
        return lastTickWall;
    }

    /** Applies a tick; returns true when the partition time moved forward. */
    public boolean onTick(Tick tick, long wallNow, long staleAfterMs) {
        long at = tick.at().toEpochMilli();
        lastTickWall = wallNow;
        dirty = true;
        Instance in = instances.computeIfAbsent(HostRecord.hash64(tick.instanceId()), h -> new Instance(tick.instanceId()));
        boolean wasDoubtful = in.lastTickAt == 0 || in.degraded || in.behindMs > 0
                || (time >= 0 && at - in.lastTickAt > staleAfterMs);
        boolean degraded = tick.health().degraded();
        in.lastTickWall = wallNow;
        lastStep = 0;
        if (time >= 0 && at < time - staleAfterMs) {
            // behind the partition's time by more than a stall: this instance's clock stepped back (or another's
            // ahead). Its ticks cannot move the clock, and nobody can tell which clock is right: no verdicts.
            if (in.behindMs == 0) {
                lastStep = at - time;
            }
            in.behindMs = time - at;
        } else {
            in.behindMs = 0;
        }
        if (time >= 0 && !stalled && at - time > staleAfterMs) {
            lastStep = at - time; // ahead without a stall (a clock stepped ahead, or a gap the evaluator caught up on)
        }
        if (at >= in.lastTickAt) {
            in.lastTickAt = at;
            in.degraded = degraded;
            in.reasons = String.join(", ", tick.health().reasons());
            if (wasDoubtful && !degraded) {
                in.healthyFrom = Math.max(at, time);
            }
        }
        if (time < 0 || stalled || at - time > staleAfterMs) {
            // First tick ever, the first after a stall, or a jump: the clock resumes here.
            stalled = false;
            if (at > time) {
                resumedAt = at;
                time = at;
                return true;
            }
            return false;
        }
        if (at > time) {
            time = at;
            return true;
        }
        return false;
    }

    /** True when no tick arrived for {@code staleAfterMs} of wall time: this partition gives no verdicts. */
    public boolean stale(long wallNow, long staleAfterMs) {
        return wallNow - lastTickWall >= staleAfterMs;
    }

    /** Marks the stall so the next tick resumes the clock with a fresh grace. */
    public void markStalled() {
        stalled = true;
    }

    public boolean stalled() {
        return stalled;
    }

    /**
     * The step of the last tick applied, in ms: negative when an instance's tick came more than stale-after behind
     * partition time (first tick of such a run only), positive when partition time jumped ahead without a stall;
     * 0 otherwise.
     */
    public long lastStep() {
        return lastStep;
    }

    /**
     * Why the partition's clock cannot be trusted now, or null: an instance that ticks (within stale-after of wall
     * time) is more than stale-after behind partition time — clocks disagree, so silences measured on it are not
     * evidence. Consistent again when its ticks catch up or it stops ticking (then it is a stale path).
     */
    public String inconsistency(long wallNow, long staleAfterMs) {
        StringBuilder b = null;
        for (Instance in : instances.values()) {
            if (in.behindMs > 0 && wallNow - in.lastTickWall < staleAfterMs) {
                b = b == null ? new StringBuilder() : b.append("; ");
                b.append(in.id).append(" ticks ").append(in.behindMs / 1000).append(" s behind partition time");
            }
        }
        return b == null ? null : "clock inconsistent: " + b;
    }

    /**
     * Why any path the host might use is in doubt at partition time {@code now}, or null (S7): the instance of its
     * last heartbeat (never forgotten), and every other instance of the partition that ticked within
     * {@code forgetAfterMs} — DEGRADED, or no tick for stale-after — since a host refused or unreachable there
     * falls silent through no fault of its own.
     */
    public String pathProblems(long viaHash, String via, long now, long staleAfterMs, long forgetAfterMs) {
        String own = viaProblem(viaHash, via, now, staleAfterMs);
        StringBuilder b = own == null ? null : new StringBuilder(own);
        for (Map.Entry<Long, Instance> e : instances.entrySet()) {
            Instance in = e.getValue();
            if (e.getKey() == viaHash || forgotten(in, now, forgetAfterMs)) {
                continue;
            }
            String why = in.degraded ? in.id + " DEGRADED" + (in.reasons.isEmpty() ? "" : ": " + in.reasons)
                    : now - in.lastTickAt > staleAfterMs ? in.id + ": no tick for " + (now - in.lastTickAt) + " ms" : null;
            if (why != null) {
                b = b == null ? new StringBuilder() : b.append("; ");
                b.append("path ").append(why);
            }
        }
        return b == null ? null : b.toString();
    }

    /**
     * An instance is forgotten (no longer a path in doubt) when it has not ticked for {@code forgetAfterMs} of
     * partition time counted from its last tick or from the clock's last resume, whichever is later: partition time
     * that jumped (another instance's clock stepped ahead, or the evaluator caught up after a stall) was not seen
     * passing, so it must not age a stopped instance out while it may still be down.
     */
    private boolean forgotten(Instance in, long now, long forgetAfterMs) {
        return now - Math.max(in.lastTickAt, resumedAt) > forgetAfterMs;
    }

    /** Why the ingest instance a host last used is in doubt at partition time {@code now}, or null. */
    public String viaProblem(long viaHash, String via, long now, long staleAfterMs) {
        Instance in = instances.get(viaHash);
        String name = via == null ? "unknown" : via;
        if (via == null || in == null) {
            return "via " + name + ": no ticks from this ingest instance";
        }
        if (in.degraded) {
            return "via " + in.id + " DEGRADED" + (in.reasons.isEmpty() ? "" : ": " + in.reasons);
        }
        if (now - in.lastTickAt > staleAfterMs) {
            return "via " + in.id + ": no tick for " + (now - in.lastTickAt) + " ms";
        }
        return null;
    }

    /**
     * The earliest partition time from which a host that came via {@code viaHash} may count as silent: the clock's
     * resume, and the latest moment any of its possible paths (its own instance, every instance not forgotten at
     * {@code now}) became healthy again.
     */
    public long graceFrom(long viaHash, long now, long forgetAfterMs) {
        long from = resumedAt;
        for (Map.Entry<Long, Instance> e : instances.entrySet()) {
            Instance in = e.getValue();
            if (e.getKey() == viaHash || !forgotten(in, now, forgetAfterMs)) {
                from = Math.max(from, in.healthyFrom);
            }
        }
        return from;
    }

    public List<Instance> instances() {
        return new ArrayList<>(instances.values());
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 64 * instances.size());
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(2);
            out.writeLong(time);
            out.writeLong(resumedAt);
            out.writeInt(instances.size());
            for (Instance in : instances.values()) {
                out.writeUTF(in.id);
                out.writeLong(in.lastTickAt);
                out.writeBoolean(in.degraded);
                out.writeUTF(in.reasons.length() > 1000 ? in.reasons.substring(0, 1000) : in.reasons);
                out.writeLong(in.healthyFrom);
                out.writeLong(in.behindMs);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PartitionClock fromBytes(byte[] data, long wallNow) {
        PartitionClock c = new PartitionClock(wallNow);
        if (data == null) {
            return c;
        }
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data));
            byte version = in.readByte();
            if (version != 1 && version != 2) {
                return c; // unknown: a fresh clock (its first tick resumes it with a fresh grace)
            }
            c.time = in.readLong();
            c.resumedAt = in.readLong();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                Instance inst = new Instance(in.readUTF());
                inst.lastTickAt = in.readLong();
                inst.degraded = in.readBoolean();
                inst.reasons = in.readUTF();
                inst.healthyFrom = in.readLong();
                if (version >= 2) {
                    // An instance whose clock was behind stays in doubt after a restore as it was before it: until
                    // a tick of it in step, or stale-after of wall time without its ticks. Without this a restored
                    // task judged on the first tick of another instance, before the stepped one's next tick.
                    inst.behindMs = in.readLong();
                    if (inst.behindMs > 0) {
                        inst.lastTickWall = wallNow;
                    }
                }
                c.instances.put(HostRecord.hash64(inst.id), inst);
            }
            return c;
        } catch (IOException e) {
            return new PartitionClock(wallNow);
        }
    }
}
