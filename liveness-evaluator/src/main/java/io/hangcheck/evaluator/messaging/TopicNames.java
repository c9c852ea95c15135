package io.hangcheck.evaluator.messaging;

import io.hangcheck.events.Topics;

/** The topics the evaluator reads and writes (defaults: the contract's {@link Topics}). */
public record TopicNames(String heartbeats, String reboots, String events, String state, String fleet) {

    public static TopicNames defaults() {
        return new TopicNames(Topics.HEARTBEATS, Topics.REBOOTS, Topics.LIVENESS_EVENTS, Topics.LIVENESS_STATE,
                Topics.FLEET_HEALTH);
    }
}
