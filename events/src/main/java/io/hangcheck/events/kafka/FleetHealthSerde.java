package io.hangcheck.events.kafka;

import io.hangcheck.events.FleetHealth;

/** {@link JsonSerde} for {@link FleetHealth}, nameable in Kafka configuration. */
public class FleetHealthSerde extends JsonSerde<FleetHealth> {
    public FleetHealthSerde() {
        super(FleetHealth.class);
    }
}
