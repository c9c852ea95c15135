package io.hangcheck.executor.driver;

import java.time.Duration;

/**
 * Calls a driver with bounded retries: only {@link DriverException.Kind#RETRYABLE} failures are retried,
 * at most {@code attempts} calls in all, waiting {@code backOff}, then twice that, and so on — or, when the
 * peer said how long to wait ({@code Retry-After}, bounded by the driver), that long instead.
 */
public final class Retrier {

    /** Waits between tries (a test passes one that records instead of sleeping). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final int attempts;
    private final Duration backOff;
    private final Sleeper sleeper;

    public Retrier(int attempts, Duration backOff, Sleeper sleeper) {
        if (attempts < 1 || backOff.isNegative()) {
            throw new IllegalArgumentException("need attempts >= 1 and a non-negative back-off");
        }
        this.attempts = attempts;
        this.backOff = backOff;
        this.sleeper = sleeper;
    }

    public String reset(RebootDriver driver, ResetRequest request) throws DriverException, InterruptedException {
        Duration wait = backOff;
        for (int i = 1; ; i++) {
            try {
                return driver.reset(request);
            } catch (DriverException e) {
                if (e.kind() != DriverException.Kind.RETRYABLE || i >= attempts) {
                    throw e;
                }
                sleeper.sleep(e.retryAfter().orElse(wait));
                wait = wait.multipliedBy(2);
            }
        }
    }
}
