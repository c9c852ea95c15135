package io.hangcheck.executor.driver;

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

    public DriverException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DriverException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static DriverException retryable(String message) {
        return new DriverException(Kind.RETRYABLE, message);
    }

    public static DriverException notAccepted(String message) {
        return new DriverException(Kind.NOT_ACCEPTED, message);
    }

    public static DriverException fatal(String message) {
        return new DriverException(Kind.FATAL, message);
    }
}
