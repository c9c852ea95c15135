package io.hangcheck.agent.transport;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential back-off with "equal jitter": before retry {@code n} (1-based) the base delay is
 * {@code min(max, initial × 2^(n-1))} and the actual delay is uniform in {@code [base/2, base]}. Half the base is
 * kept so the delays really grow; the random half spreads a fleet that failed together. Attempts are bounded:
 * {@link #maxAttempts()} counts the first try.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final int maxAttempts;
    private final RandomGenerator random;

    public Backoff(Duration initial, Duration max, int maxAttempts, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial back-off must be positive");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max back-off must be >= initial");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        this.initial = initial;
        this.max = max;
        this.maxAttempts = maxAttempts;
        this.random = random;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** The upper bound of the delay before retry {@code retry} (1 = the first retry). */
    public Duration ceiling(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry is 1-based");
        }
        long ms = initial.toMillis();
        for (int i = 1; i < retry && ms < max.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }

    /** The delay before retry {@code retry}: uniform in [ceiling/2, ceiling]. */
    public Duration delay(int retry) {
        long c = ceiling(retry).toMillis();
        long half = c / 2;
        return Duration.ofMillis(half + (c - half == 0 ? 0 : random.nextLong(c - half + 1)));
    }
}
