package io.hangcheck.executor.store;

/** What became of a reset attempt's driver call (column {@code action.outcome}; null while the driver may be running). */
public enum ActionOutcome {
    /** The driver accepted the reset: the host is waiting for its new boot. */
    EXECUTED,
    /** The driver failed: the attempt is closed. */
    FAILED,
    /** The driver's answer was never recorded (the executor stopped, or the answer came too late): reported, never repeated. */
    UNKNOWN
}
