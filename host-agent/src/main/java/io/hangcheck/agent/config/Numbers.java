package io.hangcheck.agent.config;

/** Numbers from flags, environment variables and control-API parameters; a bad one names its field. */
public final class Numbers {
    private Numbers() {
    }

    public static double number(String text, String field) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(field, "'" + text + "' is not a number");
        }
    }

    public static long integer(String text, String field) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(field, "'" + text + "' is not a whole number");
        }
    }
}
