package io.hangcheck.events;

import java.util.regex.Pattern;

/**
 * The character rule of an identifier on the wire (host id, boot id, label key): a first character from one
 * ASCII set, the rest from another. The rule is written once as a regular expression (for messages, schemas
 * and other services) and checked here without a regex engine, as a table of the allowed characters: it runs
 * for every heartbeat, several times (ingest, evaluator), where matching a {@link Pattern} cost about 8 % of
 * the evaluator's stream thread. {@code AsciiIdTest} proves both agree on every kind of input.
 */
public final class AsciiId {
    private final Pattern pattern;
    private final long first0;
    private final long first1;
    private final long rest0;
    private final long rest1;

    private AsciiId(Pattern pattern, long[] first, long[] rest) {
        this.pattern = pattern;
        this.first0 = first[0];
        this.first1 = first[1];
        this.rest0 = rest[0];
        this.rest1 = rest[1];
    }

    /**
     * @param pattern the rule as a regular expression, {@code ^[first][rest]*$}
     * @param first   the first character's set as in a bracket expression ({@code "A-Za-z0-9"})
     * @param rest    the other characters' set ({@code "A-Za-z0-9._-"}; a {@code -} last is itself)
     */
    public static AsciiId of(Pattern pattern, String first, String rest) {
        return new AsciiId(pattern, set(first), set(rest));
    }

    public Pattern pattern() {
        return pattern;
    }

    /** True when {@code s} is non-empty and follows the rule (as {@code pattern().matcher(s).matches()}). */
    public boolean matches(String s) {
        int n = s.length();
        if (n == 0 || !in(s.charAt(0), first0, first1)) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            if (!in(s.charAt(i), rest0, rest1)) {
                return false;
            }
        }
        return true;
    }

    private static boolean in(char c, long lo, long hi) {
        return c < 64 ? (lo >>> c & 1) != 0 : c < 128 && (hi >>> (c - 64) & 1) != 0;
    }

    private static long[] set(String spec) {
        long[] bits = new long[2];
        for (int i = 0; i < spec.length(); i++) {
            char from = spec.charAt(i);
            char to = from;
            if (i + 2 < spec.length() && spec.charAt(i + 1) == '-') {
                to = spec.charAt(i + 2);
                i += 2;
            }
            if (from > to || to >= 128) {
                throw new IllegalArgumentException("not an ASCII set: " + spec);
            }
            for (char c = from; c <= to; c++) {
                bits[c >>> 6] |= 1L << (c & 63);
            }
        }
        return bits;
    }
}
