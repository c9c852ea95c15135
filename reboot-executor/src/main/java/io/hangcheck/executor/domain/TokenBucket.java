package io.hangcheck.executor.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A token bucket (size {@code capacity}, refilled at {@code capacity} per {@code period}) computed from the
 * ledger instead of kept in memory, so a restart cannot refill it: replay starts with an empty bucket one
 * {@code period} before {@code now} (the most cautious assumption about what came before), refills over time
 * and takes one token per reset made since. With no resets in the last period the bucket is full.
 */
public final class TokenBucket {
    private final int capacity;
    private final Duration period;

    public TokenBucket(int capacity, Duration period) {
        if (capacity < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("need capacity >= 1 and a positive period");
        }
        this.capacity = capacity;
        this.period = period;
    }

    /** Tokens left at {@code now}, given the reset times {@code takes} (any order; older ones are ignored). */
    public double tokens(Instant now, List<Instant> takes) {
        Instant start = now.minus(period);
        double perNano = (double) capacity / period.toNanos();
        double level = 0;
        Instant t = start;
        for (Instant take : takes.stream().filter(x -> x.isAfter(start) && !x.isAfter(now)).sorted().toList()) {
            level = Math.min(capacity, level + Duration.between(t, take).toNanos() * perNano);
            level = Math.max(0, level - 1);
            t = take;
        }
        return Math.min(capacity, level + Duration.between(t, now).toNanos() * perNano);
    }

    /** True when a token is available at {@code now} (tiny rounding slack). */
    public boolean available(Instant now, List<Instant> takes) {
        return tokens(now, takes) >= 1 - 1e-9;
    }

    public Duration period() {
        return period;
    }
}
