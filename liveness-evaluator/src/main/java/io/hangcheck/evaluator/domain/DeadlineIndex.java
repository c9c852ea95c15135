package io.hangcheck.evaluator.domain;

import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * When to look at each host next, in memory, per stream task: a timing wheel of 1-second buckets (partition time)
 * holding the hosts' {@link Slot}s. The slot — the host's due time and the bucket it is filed in — is part of the
 * host's entry in the task's host table, so a heartbeat that moves its host's due time costs no lookup here at all:
 * the caller already holds the entry. Rebuilt from the store when a task starts.
 *
 * <p>Why: judging silence must not scan every host on every tick (1,000,000 hosts). A heartbeat only moves the host's
 * due time forward (O(1), no bucket change: the old bucket entry is now early and is re-filed lazily when its bucket
 * comes due); a tick pops the buckets that are due. Each host has at most one live bucket entry, so the work per tick
 * is proportional to the hosts actually due, and the memory per host is two longs in its entry and one bucket
 * reference.
 *
 * @param <S> the slots (the host table's entries)
 */
public final class DeadlineIndex<S extends DeadlineIndex.Slot> {
    private static final long BUCKET_MS = 1000;
    private static final long NONE = Long.MIN_VALUE;

    /**
     * One host's place in the index: extended by the host table's entry. A slot belongs to one index; a slot that is
     * not scheduled (new, removed or popped) is skipped wherever the wheel still refers to it.
     */
    public static class Slot {
        private final String host;
        long due = NONE;
        long bucket = NONE;

        public Slot(String host) {
            this.host = host;
        }

        public final String host() {
            return host;
        }

        /** The partition time of the host's next look, or {@link Long#MIN_VALUE} when none is scheduled. */
        public final long due() {
            return due;
        }

        public final boolean scheduled() {
            return due != NONE;
        }
    }

    private final TreeMap<Long, ArrayList<S>> wheel = new TreeMap<>();
    private int size;

    /** Sets the host's next look; {@link Long#MAX_VALUE} removes it (nothing to look for). */
    public void schedule(S s, long due) {
        if (due == Long.MAX_VALUE) {
            remove(s);
            return;
        }
        if (s.due == NONE) {
            size++;
            s.due = due;
            file(s);
            return;
        }
        s.due = due;
        if (bucketOf(due) < s.bucket) {
            file(s); // earlier than its entry: add an earlier one (the later one is skipped when popped)
        }
    }

    /** Forgets the host's next look (its wheel entry, if any, is skipped when its bucket comes due). */
    public void remove(S s) {
        if (s.due != NONE) {
            size--;
            s.due = NONE;
            s.bucket = NONE;
        }
    }

    private void file(S s) {
        s.bucket = bucketOf(s.due);
        wheel.computeIfAbsent(s.bucket, b -> new ArrayList<>()).add(s);
    }

    private static long bucketOf(long t) {
        return Math.floorDiv(t, BUCKET_MS);
    }

    /**
     * Hands every host whose due time is ≤ {@code now} to {@code visitor} (once each) and forgets its entry;
     * the visitor re-schedules the host. Hosts scheduled during the visit for ≤ now wait for the next call.
     */
    public int pollDue(long now, Consumer<? super S> visitor) {
        int visited = 0;
        long nowBucket = bucketOf(now);
        ArrayList<S> carry = null;
        while (!wheel.isEmpty() && wheel.firstKey() <= nowBucket) {
            Map.Entry<Long, ArrayList<S>> e = wheel.pollFirstEntry();
            long bucket = e.getKey();
            for (S s : e.getValue()) {
                if (s.due == NONE || s.bucket != bucket) {
                    continue; // removed, or filed elsewhere since
                }
                if (s.due > now) {
                    if (bucketOf(s.due) == bucket) {
                        if (carry == null) {
                            carry = new ArrayList<>();
                        }
                        carry.add(s); // due later within this same second
                    } else {
                        file(s);
                    }
                    continue;
                }
                remove(s); // popped: the visitor schedules it again if there is more to look for
                visitor.accept(s);
                visited++;
            }
        }
        if (carry != null) {
            wheel.computeIfAbsent(nowBucket, b -> new ArrayList<>()).addAll(carry);
        }
        return visited;
    }

    /** Hosts with a pending look. */
    public int size() {
        return size;
    }
}
