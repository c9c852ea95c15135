package io.hangcheck.events.kafka;

import io.hangcheck.events.LeakAlert;

/** {@link JsonSerde} for {@link LeakAlert}, nameable in Kafka configuration. */
public class LeakAlertSerde extends JsonSerde<LeakAlert> {
    public LeakAlertSerde() {
        super(LeakAlert.class);
    }
}
