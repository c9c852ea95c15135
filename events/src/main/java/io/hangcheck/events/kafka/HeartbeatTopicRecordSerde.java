package io.hangcheck.events.kafka;

import io.hangcheck.events.HeartbeatTopicRecord;

/** {@link JsonSerde} for {@link HeartbeatTopicRecord}, nameable in Kafka configuration. */
public class HeartbeatTopicRecordSerde extends JsonSerde<HeartbeatTopicRecord> {
    public HeartbeatTopicRecordSerde() {
        super(HeartbeatTopicRecord.class);
    }
}
