package io.hangcheck.events;

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
}
