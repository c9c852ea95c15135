package io.hangcheck.executor.store;

/**
 * A decision was attempted by an executor that does not hold the leader lock (a standby, or a leader whose lock
 * session ended): nothing is written, so a replaced leader can never overwrite its successor's record.
 */
public class NotLeaderException extends RuntimeException {
    public NotLeaderException(String message) {
        super(message);
    }
}
