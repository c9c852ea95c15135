package io.hangcheck.executor.rest;

/** Input the API refuses: becomes a 400 problem naming {@code field}. */
public class BadInput extends RuntimeException {
    private final String field;

    public BadInput(String field, String detail) {
        super(detail);
        this.field = field;
    }

    public String field() {
        return field;
    }

    public static String require(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            throw new BadInput(field, field + " is required");
        }
        if (value.length() > max) {
            throw new BadInput(field, field + " is longer than " + max + " characters");
        }
        return value.strip();
    }

    public static String hostId(String value, String field) {
        require(value, field, io.hangcheck.events.Heartbeat.HOST_ID_MAX);
        if (!io.hangcheck.events.Heartbeat.HOST_ID_PATTERN.matcher(value).matches()) {
            throw new BadInput(field, field + " must match " + io.hangcheck.events.Heartbeat.HOST_ID_PATTERN.pattern());
        }
        return value;
    }
}
