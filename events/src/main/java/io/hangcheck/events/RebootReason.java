package io.hangcheck.events;

/**
 * Why the executor decided what it did. Every ledger row and every record on {@link Topics#REBOOTS}
 * names one of these; the sentence is what operators read.
 */
public enum RebootReason {
    DUPLICATE_INCIDENT("This incident was already handled; a destructive action happens at most once per incident."),
    PAUSED("Remediation is paused by an operator (kill switch); detection keeps running."),
    SILENCED("The host matches an active silence or is in maintenance."),
    NOT_IN_INVENTORY("The host has no inventory entry, or its entry is disabled, so no driver may touch it."),
    NOT_CORROBORATED("The evaluator's current state of the host does not confirm the hang."),
    FLEET_FROZEN("An evaluator reports the fleet FROZEN: silence is not evidence of a hang right now."),
    FLEET_DEGRADED_RATE("The fleet is DEGRADED and the secondary (slow) reboot rate is used up."),
    HOST_COOL_DOWN("The host was rebooted within its cool-down period."),
    HOST_QUARANTINED("The host was rebooted too often recently and waits for a person."),
    IN_FLIGHT_CAP("The maximum number of reboots in flight is reached."),
    RATE_LIMITED("The reboot rate limit (token bucket) is used up."),
    FLEET_SHARE_CAP("Rebooting this host would exceed the share of the fleet allowed per hour."),
    DATABASE_UNAVAILABLE("The ledger database is unavailable; without it nothing is rebooted."),
    POLICY_PASSED("Every check of the chain passed; the host's driver is called."),
    MANUAL("An operator asked for this reboot; it went through the chain."),
    MANUAL_FORCED("An operator forced this reboot past the chain, with a recorded reason."),
    DRIVER_ERROR("The driver reported an error."),
    NEW_BOOT_SEEN("The host came back with a new boot id."),
    BOOT_TIMEOUT("The host did not come back with a new boot id within the boot timeout."),
    INTERRUPTED_ATTEMPT("The executor stopped between intent and outcome; the attempt is not repeated by itself."),
    RECOVERED_WITHOUT_REBOOT("The host sent heartbeats again with its old boot id: the reset did not take effect, and a live host is not escalated.");

    private final String sentence;

    RebootReason(String sentence) {
        this.sentence = sentence;
    }

    /** One sentence for people. */
    public String sentence() {
        return sentence;
    }
}
