package io.hangcheck.agent.config;

/** A bad flag or environment value; {@link #field()} names it as the user typed it (e.g. {@code --interval}). */
public final class ConfigException extends IllegalArgumentException {
    private final String field;

    public ConfigException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
