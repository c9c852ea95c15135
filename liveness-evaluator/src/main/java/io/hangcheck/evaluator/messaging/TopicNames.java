package io.hangcheck.evaluator.messaging;

import io.hangcheck.events.Topics;

/**
 * The topics the evaluator reads and writes (defaults: the contract's {@link Topics}). {@code groups} null: no
 * sharing of group counts across instances (each instance judges its groups on its own hosts alone).
 */
public record TopicNames(String heartbeats, String reboots, String events, String state, String fleet, String groups) {

    /** Without a groups topic. */
    public TopicNames(String heartbeats, String reboots, String events, String state, String fleet) {
        this(heartbeats, reboots, events, state, fleet, null);
    }

    public static TopicNames defaults() {
        return new TopicNames(Topics.HEARTBEATS, Topics.REBOOTS, Topics.LIVENESS_EVENTS, Topics.LIVENESS_STATE,
                Topics.FLEET_HEALTH, Topics.GROUPS);
    }
}
