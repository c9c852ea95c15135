package io.hangcheck.events;

/** What became of a reboot request (a row of the ledger, a record on {@link Topics#REBOOTS}). */
public enum RebootDecision {
    /** The intent is committed; the driver is about to be called. */
    INTENT,
    /** The driver accepted the reset. */
    EXECUTED,
    /** The driver failed; nothing more is tried by itself beyond bounded retries. */
    FAILED,
    /** The chain decided not to act. */
    SKIPPED,
    /** Not acted on now because the evidence or the fleet is in doubt. */
    HELD,
    /** The host came back with a new boot id. */
    CONFIRMED,
    /** The host did not come back in time; the next reset type was used. */
    ESCALATED,
    /** The host is taken out of automatic remediation until a person looks. */
    QUARANTINED,
    /** An attempt was interrupted (crash between intent and outcome); it is reported, never repeated. */
    UNKNOWN
}
