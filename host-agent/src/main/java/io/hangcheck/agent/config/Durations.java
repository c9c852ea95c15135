package io.hangcheck.agent.config;

import java.time.Duration;
import java.util.Locale;

/** Parses the short durations used on the command line: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or plain seconds. */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new ConfigException(field, "is empty");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return nonNegative(Duration.parse(t.toUpperCase(Locale.ROOT)), field, text);
            }
            if (t.endsWith("ms")) {
                return nonNegative(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))), field, text);
            }
            long unitMillis;
            String number = t.substring(0, t.length() - 1);
            switch (t.charAt(t.length() - 1)) {
                case 's' -> unitMillis = 1_000;
                case 'm' -> unitMillis = 60_000;
                case 'h' -> unitMillis = 3_600_000;
                case 'd' -> unitMillis = 86_400_000;
                default -> {
                    unitMillis = 1_000;
                    number = t;
                }
            }
            double value = Double.parseDouble(number);
            if (!Double.isFinite(value)) {
                throw new NumberFormatException(text);
            }
            return nonNegative(Duration.ofMillis(Math.round(value * unitMillis)), field, text);
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new ConfigException(field, "'" + text + "' is not a duration (examples: 500ms, 30s, 2m, 1h)");
        }
    }

    private static Duration nonNegative(Duration d, String field, String text) {
        if (d.isNegative()) {
            throw new ConfigException(field, "'" + text + "' is negative");
        }
        return d;
    }

    /** {@code 1.5s}, {@code 250ms}, {@code 3m} — the shortest readable form, for status lines. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
