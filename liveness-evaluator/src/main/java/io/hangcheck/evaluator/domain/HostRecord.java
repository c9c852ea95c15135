package io.hangcheck.evaluator.domain;

import io.hangcheck.events.HostStatus;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the evaluator keeps per host (the value of the per-host store; key = host id). Serialised by
 * {@link HostRecordSerde} into at most {@link HostRecordSerde#MAX_BYTES} bytes.
 *
 * <p>Inter-arrival statistics are running, not a window of samples: {@code statsCount}, {@code meanMs} and
 * {@code varianceMs2} are updated with weight 1/n while n &lt; window (exact mean and population variance of
 * all samples so far, Welford's recurrence), then with the constant weight 1/window (an exponentially
 * weighted mean and variance). Like Akka, the statistics start from two virtual samples around the expected
 * interval (mean = expected, standard deviation = expected / 4): the first-heartbeat estimate.
 *
 * <p>All times are milliseconds of partition time (the ticks' clock), except {@code lastReceivedAt}, ingest's
 * receive time of the last heartbeat, used only for inter-arrival samples (finer than the 1 s ticks).
 * Mutable on purpose: the processor reads it, applies {@link LivenessRules}, and writes it back.
 */
public final class HostRecord {
    HostStatus status = HostStatus.UP;
    /** Host labels are dropped from the stored copy when they would push it past the size budget. */
    boolean labelsTruncated;
    /**
     * The status REBOOTING came from (UP, SUSPECT, HELD or HUNG): when the confirmation runs out the host returns
     * to it, so no event of its incident is emitted twice.
     */
    HostStatus beforeReboot = HostStatus.UP;
    /** The host's own sequence number plus this is {@code lastSeq}: re-based when the seq went back (S3, D1). */
    long seqShift;
    /** Monotonic within a boot (the host's seq plus {@link #seqShift}): incident ids never repeat. */
    long lastSeq;
    long lastSeenAt;
    long since;
    long lastReceivedAt;
    long bootGraceUntil;
    int statsCount;
    double meanMs;
    double varianceMs2;
    int previousBootHash;
    long viaHash;
    String bootId;
    String via;
    /** The source network of the last heartbeat ({@code 10.1.7.0/24}), or null: a group key. */
    String net;
    Map<String, String> labels = Map.of();
    /**
     * Partition time at which a task restored this record while its last-seen time could lag the host's real one
     * (an UP host: its heartbeats are written to the store at most every {@code store-write-every}), or 0. Silence
     * counts from {@link #silentFrom()} = max(lastSeenAt, restoredAt): the fresh grace of a restore or takeover.
     * Persisted once the record is written again (a second failover keeps the grace); a heartbeat clears it.
     */
    long restoredAt;
    /**
     * In memory only: partition time at which this host's record was last written to the store (the processor's
     * write-behind table), {@link Long#MIN_VALUE} when never. Not serialised.
     */
    long storedAt = Long.MIN_VALUE;

    public HostRecord() {
    }

    public HostRecord copy() {
        HostRecord c = new HostRecord();
        c.status = status;
        c.labelsTruncated = labelsTruncated;
        c.beforeReboot = beforeReboot;
        c.lastSeq = lastSeq;
        c.seqShift = seqShift;
        c.lastSeenAt = lastSeenAt;
        c.since = since;
        c.lastReceivedAt = lastReceivedAt;
        c.bootGraceUntil = bootGraceUntil;
        c.statsCount = statsCount;
        c.meanMs = meanMs;
        c.varianceMs2 = varianceMs2;
        c.previousBootHash = previousBootHash;
        c.viaHash = viaHash;
        c.bootId = bootId;
        c.via = via;
        c.net = net;
        c.labels = labels;
        c.restoredAt = restoredAt;
        c.storedAt = storedAt;
        return c;
    }

    /** Seeds the statistics with the first-heartbeat estimate (two virtual samples, as Akka does). */
    void seedStats(long expectedIntervalMs) {
        statsCount = 2;
        meanMs = expectedIntervalMs;
        double std = expectedIntervalMs / 4.0;
        varianceMs2 = std * std;
    }

    /** Adds one inter-arrival sample (Welford while warming up, then EWMA with weight 1/window). */
    void addInterval(double sampleMs, int window) {
        int n = Math.min(statsCount + 1, window);
        double alpha = 1.0 / Math.max(n, 1);
        double delta = sampleMs - meanMs;
        meanMs += alpha * delta;
        varianceMs2 = (1 - alpha) * (varianceMs2 + alpha * delta * delta);
        statsCount = Math.min(statsCount + 1, 0xFFFF);
    }

    public double stdDevMs() {
        return Math.sqrt(Math.max(varianceMs2, 0));
    }

    /** The open incident's id parts are the last heartbeat's boot id and sequence number. */
    public String incidentId(String hostId) {
        return io.hangcheck.events.LivenessEvent.incidentId(hostId, bootId, lastSeq);
    }

    public static long hash64(String s) {
        if (s == null) {
            return 0;
        }
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /**
     * True when {@code other} (the same host's record before an input) holds the same durable fields: status and its
     * times, boot ids, boot grace, the seq shift, the path (via, net) and labels. What may differ are the hot fields
     * of a plain heartbeat — last seq, last seen, last received, the statistics, and the restore grace it clears —
     * which the processor keeps in memory and writes at most every {@code store-write-every}. (A restore grace only
     * matters once the host leaves UP, a status change that is written with it.)
     */
    public boolean sameDurable(HostRecord other) {
        return other != null && status == other.status && since == other.since && beforeReboot == other.beforeReboot
                && bootGraceUntil == other.bootGraceUntil && previousBootHash == other.previousBootHash
                && seqShift == other.seqShift && viaHash == other.viaHash && labelsTruncated == other.labelsTruncated
                && java.util.Objects.equals(bootId, other.bootId)
                && java.util.Objects.equals(net, other.net)
                && (labels == other.labels || labels.equals(other.labels));
    }

    /** Partition time from which this host's silence counts, before any grace of the partition: see {@link #restoredAt}. */
    public long silentFrom() {
        return Math.max(lastSeenAt, restoredAt);
    }

    /**
     * A task restored (or took over) this record at partition time {@code at}: an UP host's last-seen time may lag
     * the host's real one by up to the write interval, so its silence counts from {@code at} at the earliest. Any
     * other status was written when it was entered and every heartbeat since would have been written too (a
     * heartbeat of a non-UP host changes its status): its last-seen time is exact.
     */
    public void restored(long at) {
        if (status == HostStatus.UP && at > silentFrom()) {
            restoredAt = at;
        }
    }

    public long restoredAt() { return restoredAt; }
    public long storedAt() { return storedAt; }
    public void storedAt(long at) { storedAt = at; }

    public HostStatus status() { return status; }
    public boolean labelsTruncated() { return labelsTruncated; }
    public long lastSeq() { return lastSeq; }
    public long seqShift() { return seqShift; }
    public long lastSeenAt() { return lastSeenAt; }
    public long since() { return since; }
    public long lastReceivedAt() { return lastReceivedAt; }
    public long bootGraceUntil() { return bootGraceUntil; }
    public int statsCount() { return statsCount; }
    public double meanMs() { return meanMs; }
    public double varianceMs2() { return varianceMs2; }
    public long viaHash() { return viaHash; }
    public String bootId() { return bootId; }
    public String via() { return via; }
    public String net() { return net; }
    public Map<String, String> labels() { return labels; }

    public boolean silent() {
        return status == HostStatus.SUSPECT || status == HostStatus.HUNG || status == HostStatus.HELD;
    }

    @Override
    public String toString() {
        return "HostRecord{" + status + " boot=" + bootId + " seq=" + lastSeq + " seen=" + lastSeenAt
                + " since=" + since + " mean=" + meanMs + " std=" + stdDevMs() + " n=" + statsCount
                + " via=" + via + " net=" + net + " labels=" + new TreeMap<>(labels)
                + (restoredAt != 0 ? " restoredAt=" + restoredAt : "") + "}";
    }
}
