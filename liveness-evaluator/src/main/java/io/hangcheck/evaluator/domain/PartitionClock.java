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
 * The clock of one heartbeat partition (DESIGN.md, Time): the latest tick time seen on it, plus what the
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
 * and does not hand out needless fresh graces; the wall-clock fields are not persisted.
 */
public final class PartitionClock {
    private long time = -1;
    private long resumedAt = Long.MIN_VALUE;
    private final Map<Long, Instance> instances = new HashMap<>();
    private long lastTickWall;
    private boolean stalled;
    private boolean dirty;

    /** One ingest instance as this partition's ticks describe it. */
    public static final class Instance {
        final String id;
        long lastTickAt;
        boolean degraded;
        String reasons = "";
        long healthyFrom;

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
        boolean wasDoubtful = in.lastTickAt == 0 || in.degraded || (time >= 0 && at - in.lastTickAt > staleAfterMs);
        boolean degraded = tick.health().degraded();
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

    /** The earliest partition time from which a host that came via {@code viaHash} may count as silent. */
    public long graceFrom(long viaHash) {
        Instance in = instances.get(viaHash);
        return Math.max(resumedAt, in == null ? Long.MIN_VALUE : in.healthyFrom);
    }

    public List<Instance> instances() {
        return new ArrayList<>(instances.values());
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 64 * instances.size());
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(1);
            out.writeLong(time);
            out.writeLong(resumedAt);
            out.writeInt(instances.size());
            for (Instance in : instances.values()) {
                out.writeUTF(in.id);
                out.writeLong(in.lastTickAt);
                out.writeBoolean(in.degraded);
                out.writeUTF(in.reasons.length() > 1000 ? in.reasons.substring(0, 1000) : in.reasons);
                out.writeLong(in.healthyFrom);
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
            if (in.readByte() != 1) {
                return c;
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
                c.instances.put(HostRecord.hash64(inst.id), inst);
            }
            return c;
        } catch (IOException e) {
            return new PartitionClock(wallNow);
        }
    }
}
