package io.hangcheck.events.kafka;

import io.hangcheck.events.LivenessEvent;

/** {@link JsonSerde} for {@link LivenessEvent}, nameable in Kafka configuration. */
public class LivenessEventSerde extends JsonSerde<LivenessEvent> {
    public LivenessEventSerde() {
        super(LivenessEvent.class);
    }
}
