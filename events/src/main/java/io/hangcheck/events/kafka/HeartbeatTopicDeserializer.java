package io.hangcheck.events.kafka;

import io.hangcheck.events.HeartbeatCodec;
import io.hangcheck.events.HeartbeatTopicRecord;
import io.hangcheck.events.InvalidEventException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * {@link HeartbeatTopicRecordSerde}'s deserializer, reading heartbeats with {@link HeartbeatCodec}: the same record,
 * or the same {@link org.apache.kafka.common.errors.SerializationException} (message and cause) for a record that
 * breaks the contract, at a fraction of the cost; null for a tombstone.
 */
public class HeartbeatTopicDeserializer implements Deserializer<HeartbeatTopicRecord> {

    @Override
    public HeartbeatTopicRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return HeartbeatCodec.readTopicRecord(data);
        } catch (InvalidEventException e) {
            throw JsonSerde.invalid(HeartbeatTopicRecord.class, topic, e);
        }
    }
}
