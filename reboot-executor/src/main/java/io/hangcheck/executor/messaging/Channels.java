package io.hangcheck.executor.messaging;

/** Reactive Messaging channel names; each maps to a topic in application.properties (liveness events: {@link LivenessEventsLoop}). */
public final class Channels {
    /** {@code hangcheck.liveness.state.v1} (compacted), read from the beginning on every start: corroboration. */
    public static final String HOST_STATE = "host-state";
    /** {@code hangcheck.fleet.health.v1}, read from the beginning on every start: the fleet mode. */
    public static final String FLEET_HEALTH = "fleet-health";

    private Channels() {
    }
}
