package io.hangcheck.evaluator.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * When to look at each host next, in memory, per stream task: a timing wheel of 1-second buckets
 * (partition time) holding host ids, plus each host's due time. Rebuilt from the store when a task starts.
 *
 * <p>Why: judging silence must not scan every host on every tick (1,000,000 hosts). A heartbeat only moves
 * the host's due time forward (O(1), no bucket change: the old bucket entry is now early and is re-filed
 * lazily when its bucket comes due); a tick pops the buckets that are due. Each host has at most one live
 * bucket entry, so the work per tick is proportional to the hosts actually due, and memory is one map
 * entry + one slot object + one bucket reference per host (about 100 bytes with the shared id string).
 */
public final class DeadlineIndex {
    private static final long BUCKET_MS = 1000;

    private static final class Slot {
        long due;
        long bucket;
    }

    private final Map<String, Slot> slots = new HashMap<>();
    private final TreeMap<Long, ArrayList<String>> wheel = new TreeMap<>();

    /** Sets the host's next look; {@link Long#MAX_VALUE} removes it (nothing to look for). */
    public void schedule(String host, long due) {
        if (due == Long.MAX_VALUE) {
            slots.remove(host);
            return;
        }
        Slot s = slots.get(host);
        if (s == null) {
            s = new Slot();
            slots.put(host, s);
            s.due = due;
            file(host, s);
            return;
        }
        s.due = due;
        if (bucketOf(due) < s.bucket) {
            file(host, s); // earlier than its entry: add an earlier one (the later one is skipped when popped)
        }
    }

    public void remove(String host) {
        slots.remove(host);
    }

    private void file(String host, Slot s) {
        s.bucket = bucketOf(s.due);
        wheel.computeIfAbsent(s.bucket, b -> new ArrayList<>()).add(host);
    }

    private static long bucketOf(long t) {
        return Math.floorDiv(t, BUCKET_MS);
    }

    /**
     * Hands every host whose due time is ≤ {@code now} to {@code visitor} (once each) and forgets its entry;
     * the visitor re-schedules the host. Hosts scheduled during the visit for ≤ now wait for the next call.
     */
    public int pollDue(long now, Consumer<String> visitor) {
        int visited = 0;
        long nowBucket = bucketOf(now);
        ArrayList<String> carry = new ArrayList<>();
        while (!wheel.isEmpty() && wheel.firstKey() <= nowBucket) {
            Map.Entry<Long, ArrayList<String>> e = wheel.pollFirstEntry();
            long bucket = e.getKey();
            for (String host : e.getValue()) {
                Slot s = slots.get(host);
                if (s == null || s.bucket != bucket) {
                    continue; // removed, or filed elsewhere since
                }
                if (s.due > now) {
                    if (bucketOf(s.due) == bucket) {
                        carry.add(host); // due later within this same second
                    } else {
                        file(host, s);
                    }
                    continue;
                }
                slots.remove(host); // popped: the visitor schedules it again if there is more to look for
                visitor.accept(host);
                visited++;
            }
        }
        if (!carry.isEmpty()) {
            ArrayList<String> list = wheel.computeIfAbsent(nowBucket, b -> new ArrayList<>());
            list.addAll(carry);
        }
        return visited;
    }

    /** Hosts with a pending look. */
    public int size() {
        return slots.size();
    }
}
