package io.hangcheck.events;

/**
 * A record that breaks the contract. {@link #field()} names the offending field (a JSON path such as
 * {@code labels.pool} or {@code $} for the whole document) so a 400, a rejection counter or a
 * dead-letter header can say exactly what was wrong.
 */
public class InvalidEventException extends IllegalArgumentException {
    private final String field;
    private final String reason;

    public InvalidEventException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    public InvalidEventException(String field, String reason, Throwable cause) {
        super(field + ": " + reason, cause);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
