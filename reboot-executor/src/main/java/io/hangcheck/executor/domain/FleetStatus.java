package io.hangcheck.executor.domain;

import io.hangcheck.events.FleetMode;

import java.util.List;

/** The fleet mode the executor acts under (the most cautious of all evaluators), with the reasons. */
public record FleetStatus(FleetMode mode, List<String> reasons) {
    public FleetStatus {
        reasons = List.copyOf(reasons);
    }
}
