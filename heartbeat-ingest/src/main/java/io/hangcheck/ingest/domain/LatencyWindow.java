package io.hangcheck.ingest.domain;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Publish latencies of the current interval in logarithmic buckets (about 19 % wide, 0.1 ms to ~100 s), so a
 * p99 can be read once per tick without keeping samples. Lock-free; {@link #p99AndReset()} reads and clears.
 */
public final class LatencyWindow {

    private static final double BASE_MS = 0.1;
    private static final double GROWTH = 1.19;
    private static final int BUCKETS = 80;
    private static final double LOG_GROWTH = Math.log(GROWTH);
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(double millis) {
        int i = millis <= BASE_MS ? 0 : (int) Math.ceil(Math.log(millis / BASE_MS) / LOG_GROWTH);
        counts.incrementAndGet(Math.min(BUCKETS - 1, Math.max(0, i)));
    }

    /** The 99th percentile (upper bound of its bucket) of what was recorded since the last call, 0 when nothing. */
    public double p99AndReset() {
        long[] snap = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snap[i] = counts.getAndSet(i, 0);
            total += snap[i];
        }
        if (total == 0) {
            return 0.0;
        }
        long rank = (long) Math.ceil(total * 0.99);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snap[i];
            if (seen >= rank) {
                return BASE_MS * Math.pow(GROWTH, i);
            }
        }
        return BASE_MS * Math.pow(GROWTH, BUCKETS - 1);
    }
}
