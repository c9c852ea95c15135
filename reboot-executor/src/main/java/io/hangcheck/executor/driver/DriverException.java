package io.hangcheck.executor.driver;

import java.time.Duration;
import java.util.Optional;

/**
 * A driver failure, typed. {@link Kind#RETRYABLE} only when the failure shows the reset was <em>not</em>
 * accepted (connection refused, HTTP 429/503): retrying cannot reset a host twice. Anything that leaves
 * the outcome open (a timeout after sending, a 4xx, a non-zero exit) is {@link Kind#FATAL}: not retried.
 */
public class DriverException extends Exception {

    /** How the caller may react. */
    public enum Kind {
        /** Safe to try again after a back-off. */
        RETRYABLE,
        /** Do not try again by itself. */
        FATAL,
        /**
         * The BMC refused this request before accepting a reset (an unlisted reset type, a 4xx to the action):
         * the host was certainly not reset, so the caller may go on with the next, harsher step at once.
         */
        NOT_ACCEPTED
    }

    private final Kind kind;
    private final Duration retryAfter;

    public DriverException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public DriverException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, null);
    }

    private DriverException(Kind kind, String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** How long the peer asked us to wait before trying again ({@code Retry-After}, already bounded), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public static DriverException retryable(String message) {
        return new DriverException(Kind.RETRYABLE, message);
    }

    /** Retryable, after the wait the peer asked for (null: the caller's own back-off). */
    public static DriverException retryable(String message, Duration retryAfter) {
        return new DriverException(Kind.RETRYABLE, message, null, retryAfter);
    }

    public static DriverException notAccepted(String message) {
        return new DriverException(Kind.NOT_ACCEPTED, message);
    }

    public static DriverException fatal(String message) {
        return new DriverException(Kind.FATAL, message);
    }
}
