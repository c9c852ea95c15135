package io.hangcheck.events;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Headers on records in a {@code <topic>.dlq} topic. The names follow SmallRye Reactive Messaging's
 * dead-letter handler, plus {@link #FIELD} for the field at fault.
 */
public final class DeadLetter {
    public static final String REASON = "dead-letter-reason";
    public static final String CAUSE = "dead-letter-cause";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";
    /** The field named by {@link InvalidEventException#field()}. */
    public static final String FIELD = "dead-letter-field";

    private DeadLetter() {
    }

    /**
     * The headers of a dead letter: a copy of the record's own {@code original} headers (null: none), then each of
     * these, replacing any header of the same name. A null {@code partition}, {@code offset} or {@code field}
     * (not known) is left out.
     *
     * @param reason    what was wrong, for a person
     * @param cause     the class name of the failure
     * @param topic     the topic the record was read from
     * @param field     the field at fault ({@link InvalidEventException#field()}, {@code $} for the whole value)
     */
    public static Headers headers(Headers original, String reason, String cause, String topic, Integer partition,
                                  Long offset, String field) {
        Headers h = original == null ? new RecordHeaders() : new RecordHeaders(original.toArray());
        put(h, REASON, reason);
        put(h, CAUSE, cause);
        put(h, TOPIC, topic);
        if (partition != null) {
            put(h, PARTITION, partition.toString());
        }
        if (offset != null) {
            put(h, OFFSET, offset.toString());
        }
        if (field != null) {
            put(h, FIELD, field);
        }
        return h;
    }

    /** The first {@link InvalidEventException} among {@code e} and its causes (the field at fault), or null. */
    public static InvalidEventException invalid(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InvalidEventException x) {
                return x;
            }
        }
        return null;
    }

    private static void put(Headers h, String name, String value) {
        h.remove(name);
        h.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
