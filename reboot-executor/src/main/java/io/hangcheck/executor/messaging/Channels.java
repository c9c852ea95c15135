package io.hangcheck.executor.messaging;

/** Reactive Messaging channel names; each maps to a topic in application.properties. */
public final class Channels {
    /** {@code hangcheck.liveness.events.v1}: HUNG (acted on), REBOOTED/RECOVERED (confirmations); DLQ for poison records. */
    public static final String LIVENESS_EVENTS = "liveness-events";
    /** {@code hangcheck.liveness.state.v1} (compacted), read from the beginning on every start: corroboration. */
    public static final String HOST_STATE = "host-state";
    /** {@code hangcheck.fleet.health.v1}, read from the beginning on every start: the fleet mode. */
    public static final String FLEET_HEALTH = "fleet-health";

    private Channels() {
    }
}
