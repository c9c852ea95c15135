package io.hangcheck.executor.service;

import org.jboss.logging.Logger;

import java.time.Duration;

/** A warning logged at most once per period (a background job failing on every run during an outage says so once a minute, not once a run). */
public final class ThrottledWarning {
    private final Logger log;
    private final long periodNanos;
    private long last;

    public ThrottledWarning(Logger log, Duration period) {
        this.log = log;
        this.periodNanos = period.toNanos();
        this.last = System.nanoTime() - 2 * periodNanos; // the first warning is logged
    }

    /** Logs {@code format} with {@code arg} unless a warning was logged within the period. */
    public synchronized void warn(String format, Object arg) {
        long now = System.nanoTime();
        if (now - last > periodNanos) {
            last = now;
            log.warnf(format, arg);
        }
    }
}
