package io.hangcheck.events.kafka;

import io.hangcheck.events.EventCodec;
import io.hangcheck.events.InvalidEventException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer, deserializer and Serde in one, for one record type of the contract. Subclasses
 * exist per type so they can be named in configuration ({@code value.deserializer=...}).
 * A record that cannot be decoded raises a {@link SerializationException} whose cause is an
 * {@link InvalidEventException} naming the field; a null value (tombstone) decodes to null.
 */
public class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private final Class<T> type;

    public JsonSerde(Class<T> type) {
        this.type = type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : EventCodec.toBytes(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return EventCodec.fromBytes(data, type);
        } catch (InvalidEventException e) {
            throw invalid(type, topic, e);
        }
    }

    /** What {@link #deserialize} throws for a {@code type} on {@code topic} that breaks the contract. */
    public static SerializationException invalid(Class<?> type, String topic, InvalidEventException e) {
        return new SerializationException("invalid " + type.getSimpleName() + " on " + topic + ": " + e.getMessage(), e);
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }

    public Class<T> type() {
        return type;
    }
}
