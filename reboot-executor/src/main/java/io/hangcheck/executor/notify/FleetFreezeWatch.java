package io.hangcheck.executor.notify;

import io.hangcheck.events.FleetMode;
import io.hangcheck.executor.domain.FleetStatus;

import java.time.Clock;
import java.time.Instant;

/**
 * Turns the fleet mode the executor acts under into ONE alert, whatever the number of evaluators, reports or
 * held hosts: while the fleet is FROZEN the alert {@code fleet-frozen/fleet} is kept raised (each look
 * refreshes it, which is no news to the {@link Grouper}); when the fleet is NORMAL or DEGRADED again it is
 * resolved. The Grouper's group wait, group interval and repeat interval decide when a message goes out, so a
 * freeze reported every 10 s by every evaluator for hours is one message (plus a "still active" repeat every
 * repeat interval), and a freeze shorter than the group wait is no message at all (e.g. the moment after a
 * start when no fleet-health report has been read yet is not even a freeze: {@link FleetStatus#unknown()}). Decides nothing about reboots. Thread-safe.
 */
public final class FleetFreezeWatch {
    public static final String GROUP = "fleet-frozen";
    public static final String KEY = "fleet";

    private final Clock clock;
    private final Grouper grouper;
    private Instant frozenSince;

    public FleetFreezeWatch(Clock clock, Grouper grouper) {
        this.clock = clock;
        this.grouper = grouper;
    }

    /** Looks at the fleet now: raises (or refreshes) the freeze alert, or resolves it. */
    public synchronized void observe(FleetStatus status) {
        if (status.unknown()) {
            return; // the start, before any report: resets are held, but the fleet is not known to be frozen
        }
        if (status.mode() == FleetMode.FROZEN) {
            if (frozenSince == null) {
                frozenSince = clock.instant();
            }
            grouper.add(new Alert(GROUP, KEY, "The fleet is FROZEN since " + frozenSince + " ("
                    + String.join("; ", status.reasons()) + "): nothing is rebooted, every HUNG is held."
                    + " Silence is not evidence of a hang while the monitor is in doubt."));
        } else if (frozenSince != null) {
            grouper.resolve(GROUP, KEY, "The fleet is " + status.mode() + " again since " + clock.instant()
                    + " (it was FROZEN since " + frozenSince + ")"
                    + (status.reasons().isEmpty() ? "" : ": " + String.join("; ", status.reasons())) + ".");
            frozenSince = null;
        }
    }

    /** True while the last look found the fleet FROZEN. */
    public synchronized boolean frozen() {
        return frozenSince != null;
    }
}
