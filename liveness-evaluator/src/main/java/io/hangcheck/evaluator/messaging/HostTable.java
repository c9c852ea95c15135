package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.DeadlineIndex;
import io.hangcheck.evaluator.domain.HostRecord;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One stream task's hosts: every host's current record in memory, in front of the hosts store (RocksDB with a
 * changelog), written behind.
 *
 * <p>A record is written to the store (and so to its changelog, in the task's exactly-once transaction) when a
 * durable field changed ({@link HostRecord#sameDurable}: status, boot, boot grace, seq shift, via, net, labels, the
 * restore grace) and otherwise — a plain heartbeat of an UP host, which only moves last seen, last seq and the
 * inter-arrival statistics — at the first heartbeat at least {@link #periodOf(String)} after the last write: between
 * half and all of {@code store-write-every}, by the host's id, so hosts written together (a thaw, a restore) do not
 * come due together. A host that falls silent is written when it turns SUSPECT (a status change), with its exact
 * last-seen time.
 *
 * <p>What the store may lack, then, is the hot fields of UP hosts for up to {@code store-write-every}. A task that
 * restores the store after a crash (or takes it over from another instance) gives those hosts a fresh grace from the
 * restored partition time ({@link HostRecord#restored}), so their silence never counts from the older stored
 * last-seen time: a host is never judged earlier than with every heartbeat stored; one that hung shortly before a
 * failover is judged up to its silence at the failover (less than {@code suspect-after}) later. docs/design.md
 * ("State, and what a failover costs") has the whole argument.
 *
 * <p>The map is the complete set of the task's hosts (loaded by the task's start-up scan), so the store is never
 * read on the record path. Its {@link Entry} per host is also the host's slot in the task's {@link DeadlineIndex}:
 * a heartbeat is one map lookup, for its record and its next look together. It is a {@link ConcurrentHashMap} whose
 * entries hold records that are not changed once put (through a volatile field), so the REST API may read a host's
 * current record from another thread ({@link HostTables}).
 */
final class HostTable {
    /** A host of the task: its current record, and its place in the task's deadline index. */
    static final class Entry extends DeadlineIndex.Slot {
        private volatile HostRecord record;

        Entry(String host, HostRecord record) {
            super(host);
            this.record = record;
        }

        HostRecord record() {
            return record;
        }
    }

    private final KeyValueStore<String, HostRecord> store;
    private final Map<String, Entry> live = new ConcurrentHashMap<>();
    private final long writeEveryMs;
    private long writes;
    private long coalesced;

    HostTable(KeyValueStore<String, HostRecord> store, long writeEveryMs) {
        this.store = store;
        this.writeEveryMs = Math.max(0, writeEveryMs);
    }

    /** A record of the store, at task start: the table takes it as it is (it is what is stored). */
    Entry load(String host, HostRecord r, long storedAt) {
        r.storedAt(storedAt);
        Entry e = new Entry(host, r);
        live.put(host, e);
        return e;
    }

    /** The host's entry, or null when the task does not know it. */
    Entry entry(String host) {
        return live.get(host);
    }

    HostRecord get(String host) {
        Entry e = live.get(host);
        return e == null ? null : e.record;
    }

    /**
     * The host's record after an input: written to the store when {@code durable}, or when its last write is at least
     * the host's period ago (partition time {@code now}); kept in memory either way. {@code e} is the host's entry, or
     * null for a new host (one is made); returns the entry.
     */
    Entry put(String host, Entry e, HostRecord r, boolean durable, long now) {
        if (durable || r.storedAt() == Long.MIN_VALUE || now - r.storedAt() >= periodOf(host)) {
            r.storedAt(now);
            store.put(host, r);
            writes++;
        } else {
            coalesced++;
        }
        if (e == null) {
            e = new Entry(host, r);
            live.put(host, e);
        } else {
            e.record = r;
        }
        return e;
    }

    void delete(Entry e) {
        live.remove(e.host(), e);
        store.delete(e.host());
    }

    /**
     * Between half and all of store-write-every, by the host id's hash: spreads writes that would come due together.
     * The id's {@code hashCode} is mixed first (MurmurHash3's finaliser): ids that differ in their last characters
     * (host-0001, host-0002, …) have nearly equal hash codes and would otherwise get nearly equal periods.
     */
    long periodOf(String host) {
        long half = writeEveryMs / 2;
        if (half == 0) {
            return writeEveryMs;
        }
        int h = host.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return writeEveryMs - Math.floorMod(h, half);
    }

    Map<String, Entry> view() {
        return live;
    }

    int size() {
        return live.size();
    }

    long writes() {
        return writes;
    }

    long coalesced() {
        return coalesced;
    }
}
