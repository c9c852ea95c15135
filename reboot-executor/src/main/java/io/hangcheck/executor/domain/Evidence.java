package io.hangcheck.executor.domain;

import io.hangcheck.events.HostState;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEvent;

/**
 * Whether the evaluator's latest host state (compacted topic) backs a HUNG event. A HUNG that the state
 * does not confirm (same host, status HUNG, same incident) is not acted on: it defends against a forged or
 * stale HUNG.
 */
public enum Evidence {
    /** The latest state is HUNG with the same incident. */
    CORROBORATED,
    /** No state for the host has been seen yet. */
    NO_STATE,
    /** The state is older than the event: it may still catch up. */
    STATE_BEHIND,
    /** The latest state says something else (another status or another incident). */
    CONTRADICTED;

    /** Judges {@code hung} against the latest {@code state} (may be null). */
    public static Evidence of(LivenessEvent hung, HostState state) {
        if (state == null) {
            return NO_STATE;
        }
        if (!state.hostId().equals(hung.hostId())) {
            return CONTRADICTED;
        }
        if (state.status() == HostStatus.HUNG && hung.incidentId().equals(state.incidentId())) {
            return CORROBORATED;
        }
        if (state.updatedAt().isBefore(hung.at())) {
            return STATE_BEHIND;
        }
        return CONTRADICTED;
    }

    /** True while waiting may still change the answer. */
    public boolean mayCatchUp() {
        return this == NO_STATE || this == STATE_BEHIND;
    }
}
