package io.hangcheck.evaluator.domain;

import io.hangcheck.events.HostStatus;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Compact binary form of {@link HostRecord}, at most {@value #MAX_BYTES} bytes (the host id is the key,
 * not repeated here).
 *
 * <pre>
 * u8 version(1) u8 status u8 flags(bit0 labels truncated, bits1-2 status before REBOOTING, bit3 seq shift present,
 *   bit4 net present, bit5 restored-at present)
 * i64 lastSeq, lastSeenAt, since, lastReceivedAt, bootGraceUntil
 * u16 statsCount, f64 mean, f64 variance, i32 previousBootHash, i64 viaHash      (= 73 bytes fixed)
 * [i64 seqShift, only when flag bit3]  [i64 restoredAt, only when flag bit5]  str bootId (≤ 64 B)  str via (≤ {@value #VIA_STORED_MAX} B, longer ids keep a prefix; the evidence check
 * uses viaHash of the full id)  [str net (≤ 64 B), only when flag bit4 — left out when it would not fit with the
 * rest, as labels are]  u8 nLabels, then (str key, str value)* — whole labels in key order while they fit
 * </pre>
 * A {@code str} is a u8 length and UTF-8 bytes. Labels that do not fit the budget are dropped from the
 * stored copy (flag set); the labels are still on every heartbeat and on the state topic when it changes.
 */
public final class HostRecordSerde implements Serde<HostRecord>, Serializer<HostRecord>, Deserializer<HostRecord> {
    public static final int MAX_BYTES = 256;
    static final int VIA_STORED_MAX = 48;
    private static final byte VERSION = 1;
    private static final HostStatus[] STATUSES = HostStatus.values();
    private static final HostStatus[] BEFORE_REBOOT = {HostStatus.UP, HostStatus.SUSPECT, HostStatus.HELD, HostStatus.HUNG};

    private static int beforeRebootBits(HostStatus s) {
        for (int i = 0; i < BEFORE_REBOOT.length; i++) {
            if (BEFORE_REBOOT[i] == s) {
                return i;
            }
        }
        return 0;
    }

    @Override
    public byte[] serialize(String topic, HostRecord r) {
        return r == null ? null : toBytes(r);
    }

    /** One scratch buffer per thread (a stream thread writes one record per heartbeat). */
    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocate(MAX_BYTES));

    public static byte[] toBytes(HostRecord r) {
        ByteBuffer b = SCRATCH.get().clear();
        b.put(VERSION);
        b.put((byte) r.status.ordinal());
        int flagsPos = b.position();
        b.put((byte) 0);
        b.putLong(r.lastSeq).putLong(r.lastSeenAt).putLong(r.since).putLong(r.lastReceivedAt).putLong(r.bootGraceUntil);
        b.putShort((short) Math.min(r.statsCount, 0xFFFF));
        b.putDouble(r.meanMs).putDouble(r.varianceMs2);
        b.putInt(r.previousBootHash);
        b.putLong(r.viaHash);
        if (r.seqShift != 0) {
            b.putLong(r.seqShift);
        }
        if (r.restoredAt != 0) {
            b.putLong(r.restoredAt);
        }
        putStr(b, r.bootId == null ? "" : r.bootId, 64);
        putStr(b, r.via == null ? "" : r.via, VIA_STORED_MAX);
        boolean net = r.net != null && r.net.length() <= io.hangcheck.events.SourceNetwork.MAX
                && b.remaining() >= 2 + r.net.length();
        if (net) {
            putStr(b, r.net, io.hangcheck.events.SourceNetwork.MAX);
        }
        boolean truncated = r.labelsTruncated;
        int countPos = b.position();
        b.put((byte) 0);
        int n = 0;
        for (Map.Entry<String, String> e : inKeyOrder(r.labels).entrySet()) {
            byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
            if (k.length > 255 || v.length > 255 || b.remaining() < 2 + k.length + v.length) {
                truncated = true;
                continue;
            }
            b.put((byte) k.length).put(k).put((byte) v.length).put(v);
            n++;
        }
        b.put(countPos, (byte) n);
        b.put(flagsPos, (byte) ((truncated ? 1 : 0) | (beforeRebootBits(r.beforeReboot) << 1) | (r.seqShift != 0 ? 8 : 0) | (net ? 16 : 0) | (r.restoredAt != 0 ? 32 : 0)));
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** The labels as they are when already in key order (as the contract and this serde keep them), else sorted. */
    private static Map<String, String> inKeyOrder(Map<String, String> labels) {
        String prev = null;
        for (String k : labels.keySet()) {
            if (prev != null && prev.compareTo(k) >= 0) {
                return new java.util.TreeMap<>(labels);
            }
            prev = k;
        }
        return labels;
    }

    private static void putStr(ByteBuffer b, String s, int maxBytes) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(bytes.length, maxBytes);
        b.put((byte) len).put(bytes, 0, len);
    }

    private static String getStr(ByteBuffer b) {
        int len = b.get() & 0xFF;
        String s = new String(b.array(), b.arrayOffset() + b.position(), len, StandardCharsets.UTF_8);
        b.position(b.position() + len);
        return s;
    }

    /**
     * Makes the in-memory record hold what its stored copy holds of the labels and the source network (labels that
     * do not fit the budget are dropped, flagged): group keys are those of the stored record, so a restored task
     * counts every host in the same groups as the task before it. The labels become a compact {@link StoredLabels}
     * and the strings that repeat across hosts (label keys and values, the network, the ingest id) shared copies.
     * Call after the labels, the net or the via changed.
     */
    public static void keepStoredLabels(HostRecord r) {
        r.via = StoredLabels.intern(r.via);
        if (r.labels.isEmpty() && r.net == null) {
            r.labels = StoredLabels.EMPTY;
            return;
        }
        HostRecord stored = fromBytes(toBytes(r));
        r.labels = stored.labels;
        r.labelsTruncated = stored.labelsTruncated;
        r.net = stored.net;
    }

    @Override
    public HostRecord deserialize(String topic, byte[] data) {
        return data == null ? null : fromBytes(data);
    }

    public static HostRecord fromBytes(byte[] data) {
        try {
            ByteBuffer b = ByteBuffer.wrap(data);
            if (b.get() != VERSION) {
                throw new SerializationException("unknown host record version");
            }
            HostRecord r = new HostRecord();
            r.status = STATUSES[b.get()];
            byte flags = b.get();
            r.labelsTruncated = (flags & 1) != 0;
            r.beforeReboot = BEFORE_REBOOT[(flags >> 1) & 3];
            r.lastSeq = b.getLong();
            r.lastSeenAt = b.getLong();
            r.since = b.getLong();
            r.lastReceivedAt = b.getLong();
            r.bootGraceUntil = b.getLong();
            r.statsCount = b.getShort() & 0xFFFF;
            r.meanMs = b.getDouble();
            r.varianceMs2 = b.getDouble();
            r.previousBootHash = b.getInt();
            r.viaHash = b.getLong();
            if ((flags & 8) != 0) {
                r.seqShift = b.getLong();
            }
            if ((flags & 32) != 0) {
                r.restoredAt = b.getLong();
            }
            r.bootId = getStr(b);
            String via = getStr(b);
            r.via = via.isEmpty() ? null : StoredLabels.intern(via);
            if ((flags & 16) != 0) {
                r.net = StoredLabels.intern(getStr(b));
            }
            int n = b.get() & 0xFF;
            if (n > 0) {
                String[] kv = new String[2 * n];
                for (int i = 0; i < kv.length; i++) {
                    kv[i] = getStr(b);
                }
                r.labels = StoredLabels.of(kv); // written in key order, shared strings
            }
            return r;
        } catch (RuntimeException e) {
            throw new SerializationException("corrupt host record", e);
        }
    }

    @Override
    public Serializer<HostRecord> serializer() {
        return this;
    }

    @Override
    public Deserializer<HostRecord> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
