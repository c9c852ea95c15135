package io.hangcheck.executor.store;

/** Why an attempt no longer counts as open (column {@code action.closed_as}). */
public enum ClosedAs {
    /** Its outcome is unknown (interrupted, or the driver's answer overdue). */
    UNKNOWN,
    /** The driver failed. */
    FAILED,
    /** The BMC refused the reset type before accepting it: the host was certainly not reset, the next type follows. */
    NOT_ACCEPTED,
    /** The host came back with a new boot id. */
    CONFIRMED,
    /** The host came back with the same boot id: it recovered by itself. */
    RECOVERED_WITHOUT_REBOOT,
    /** The host did not come back in time; the next reset type follows as the next attempt. */
    ESCALATED,
    /** The host did not come back in time and no step is left: it waits for a person. */
    QUARANTINED
}
