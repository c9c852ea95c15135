package io.hangcheck.evaluator.domain;

import io.hangcheck.events.FleetMode;

/**
 * The hysteresis the fleet guard ({@link FleetGuard}) and each group guard ({@link GroupGuard}) apply to the mode
 * their thresholds give: up a level at once, down a level only after the release condition held continuously for
 * thaw-after. Leaving FROZEN counts as a thaw (the caller gives the hosts a fresh grace). Time (wall clock, ms) is
 * passed in.
 */
public abstract class ModeHysteresis {
    private FleetMode mode = FleetMode.NORMAL;
    private long since;
    private long calmSince = -1;
    private long thaws;

    protected ModeHysteresis(long now) {
        this.since = now;
    }

    public FleetMode mode() {
        return mode;
    }

    /** When the mode was entered. */
    public long since() {
        return since;
    }

    /** How many times the mode left FROZEN. */
    public long thaws() {
        return thaws;
    }

    /**
     * Takes {@code raw} at once when it is at or above the mode (and forgets any calm so far); false, changing
     * nothing, when it is below (then {@link #release} decides).
     */
    protected boolean raise(FleetMode raw, long now) {
        if (raw.ordinal() < mode.ordinal()) {
            return false;
        }
        calmSince = -1;
        if (raw != mode) {
            mode = raw;
            since = now;
        }
        return true;
    }

    /**
     * Down a level once {@code calm} (the release condition) has held continuously for {@code thawAfterMs}: from
     * FROZEN to {@code belowFrozen} (a thaw), from DEGRADED to NORMAL. True when the mode went down.
     */
    protected boolean release(boolean calm, long now, long thawAfterMs, FleetMode belowFrozen) {
        if (!calm) {
            calmSince = -1;
            return false;
        }
        if (calmSince < 0) {
            calmSince = now;
        }
        if (now - calmSince < thawAfterMs) {
            return false;
        }
        if (mode == FleetMode.FROZEN) {
            thaws++;
            mode = belowFrozen;
        } else {
            mode = FleetMode.NORMAL;
        }
        since = now;
        calmSince = -1;
        return true;
    }

    /** How long the release condition has held so far, in ms (0 when it does not hold). */
    protected long calmFor(long now) {
        return calmSince < 0 ? 0 : now - calmSince;
    }
}
