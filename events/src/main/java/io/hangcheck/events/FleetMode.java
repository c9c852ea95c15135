package io.hangcheck.events;

/** How far the evaluator trusts silence across its share of the fleet. */
public enum FleetMode {
    /** Verdicts as usual. */
    NORMAL,
    /** Many hosts silent: reboots only at the secondary (slow) rate. */
    DEGRADED,
    /** Too many hosts silent, or no ticks: something is wrong with the monitor; no HUNG, no reboots. */
    FROZEN;

    /** The more cautious of two modes. */
    public FleetMode mostCautious(FleetMode other) {
        return other != null && other.ordinal() > ordinal() ? other : this;
    }
}
