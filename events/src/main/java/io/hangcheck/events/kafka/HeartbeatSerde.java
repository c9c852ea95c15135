package io.hangcheck.events.kafka;

import io.hangcheck.events.Heartbeat;

/** {@link JsonSerde} for {@link Heartbeat}, nameable in Kafka configuration. */
public class HeartbeatSerde extends JsonSerde<Heartbeat> {
    public HeartbeatSerde() {
        super(Heartbeat.class);
    }
}
