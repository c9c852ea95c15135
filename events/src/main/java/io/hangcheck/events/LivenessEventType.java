package io.hangcheck.events;

/** The transitions published on {@link Topics#LIVENESS_EVENTS}; each is emitted once per transition. */
public enum LivenessEventType {
    SUSPECT, HUNG, HELD, RECOVERED, REBOOTED
}
