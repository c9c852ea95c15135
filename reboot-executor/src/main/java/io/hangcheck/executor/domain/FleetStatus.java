package io.hangcheck.executor.domain;

import io.hangcheck.events.FleetMode;

import java.util.List;

/**
 * The fleet mode the executor acts under (the most cautious of all evaluators), with the reasons. {@code unknown}:
 * no evaluator has reported since this executor started, and {@code fleet.stale-after} has not passed yet — the
 * mode is FROZEN for the chain (resets are held: no news is doubt), but it is not a freeze of the fleet, and no one
 * is paged for it.
 */
public record FleetStatus(FleetMode mode, List<String> reasons, boolean unknown) {
    public FleetStatus {
        reasons = List.copyOf(reasons);
    }

    public FleetStatus(FleetMode mode, List<String> reasons) {
        this(mode, reasons, false);
    }
}
