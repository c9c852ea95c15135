package io.hangcheck.events.kafka;

import io.hangcheck.events.HostState;

/** {@link JsonSerde} for {@link HostState}, nameable in Kafka configuration. */
public class HostStateSerde extends JsonSerde<HostState> {
    public HostStateSerde() {
        super(HostState.class);
    }
}
