package io.hangcheck.simulator;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * A hashed timing wheel for up to 2^24 hosts: each host is due at one tick; advancing to a tick fires the hosts
 * due then. One thread, no per-host objects: an entry is a long {@code dueTick << 24 | host}. Rescheduling a
 * host leaves its old entry behind; an entry fires only if its tick is still the host's current due tick, so
 * stale entries are dropped when their slot comes round. Entries for later rounds of the wheel stay in place.
 */
final class TimingWheel {
    static final int MAX_HOSTS = 1 << 24;
    private static final long HOST_MASK = MAX_HOSTS - 1;

    private final long[][] slots;
    private final int[] sizes;
    private final long[] due;
    private long current = -1;

    TimingWheel(int slotCount, int hosts) {
        if (hosts > MAX_HOSTS) {
            throw new IllegalArgumentException("at most " + MAX_HOSTS + " hosts");
        }
        this.slots = new long[slotCount][];
        this.sizes = new int[slotCount];
        for (int i = 0; i < slotCount; i++) {
            slots[i] = new long[16];
        }
        this.due = new long[hosts];
        Arrays.fill(due, -1);
    }

    /** Makes {@code host} due at {@code tick} (at the earliest the tick after the one being fired), replacing any earlier schedule. */
    void schedule(int host, long tick) {
        long t = Math.max(tick, current + 1);
        due[host] = t;
        append((int) (t % slots.length), (t << 24) | host);
    }

    /** The tick {@code host} is due at, or -1 when it is not scheduled. */
    long dueTick(int host) {
        return due[host];
    }

    /** Fires every host due at {@code tick}; ticks must be advanced one by one, in order. */
    void advance(long tick, IntConsumer fire) {
        if (tick != current + 1) {
            throw new IllegalStateException("tick " + tick + " after " + current);
        }
        current = tick;
        int slot = (int) (tick % slots.length);
        long[] entries = slots[slot];
        int n = sizes[slot];
        // Entries added while firing (a host rescheduled into this same slot a round later) go to a fresh array.
        slots[slot] = new long[Math.max(16, Math.min(entries.length, n + 16))];
        sizes[slot] = 0;
        for (int i = 0; i < n; i++) {
            long e = entries[i];
            long entryTick = e >>> 24;
            int host = (int) (e & HOST_MASK);
            if (entryTick != due[host]) {
                continue; // stale: the host was rescheduled
            }
            if (entryTick == tick) {
                due[host] = -1;
                fire.accept(host);
            } else {
                append(slot, e); // a later round
            }
        }
    }

    private void append(int slot, long entry) {
        long[] a = slots[slot];
        int n = sizes[slot];
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
            slots[slot] = a;
        }
        a[n] = entry;
        sizes[slot] = n + 1;
    }
}
