package io.hangcheck.events;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Small argument checks for the records' constructors; each failure names the field. */
public final class Check {
    private Check() {
    }

    public static <T> T required(T value, String field) {
        if (value == null) {
            throw new InvalidEventException(field, "is required");
        }
        return value;
    }

    public static String text(String value, String field, int maxLength) {
        required(value, field);
        if (value.isBlank()) {
            throw new InvalidEventException(field, "must not be blank");
        }
        if (value.length() > maxLength) {
            throw new InvalidEventException(field, "longer than " + maxLength + " characters");
        }
        return value;
    }

    public static String matches(String value, String field, Pattern pattern, int maxLength) {
        text(value, field, maxLength);
        if (!pattern.matcher(value).matches()) {
            throw new InvalidEventException(field, "does not match " + pattern.pattern());
        }
        return value;
    }

    /** {@link #matches(String, String, Pattern, int)} for the identifier rules, without a regex engine. */
    public static String matches(String value, String field, AsciiId syntax, int maxLength) {
        text(value, field, maxLength);
        if (!syntax.matches(value)) {
            throw new InvalidEventException(field, "does not match " + syntax.pattern().pattern());
        }
        return value;
    }

    public static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new InvalidEventException(field, "must be >= 0");
        }
        return value;
    }

    /** {@code value} within {@code [min, max]}; the failure names both ends. */
    public static long range(long value, String field, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidEventException(field, "must be within [" + min + ", " + max + "]");
        }
        return value;
    }

    /**
     * {@code value} (required) within {@code [min, max]}: instants outside the four-digit years of RFC 3339 cannot
     * be written back as the contract writes them, and far ones overflow epoch-millis arithmetic downstream.
     */
    public static java.time.Instant instant(java.time.Instant value, String field, java.time.Instant min, java.time.Instant max) {
        required(value, field);
        if (value.isBefore(min) || value.isAfter(max)) {
            throw new InvalidEventException(field, "must be within [" + min + ", " + max + "]");
        }
        return value;
    }

    public static double share(double value, String field) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new InvalidEventException(field, "must be within [0, 1]");
        }
        return value;
    }

    public static <T> List<T> list(List<T> value, String field) {
        if (value == null) {
            return List.of();
        }
        for (T t : value) {
            if (t == null) {
                throw new InvalidEventException(field, "must not contain null elements");
            }
        }
        return List.copyOf(value);
    }

    /**
     * An unmodifiable, key-ordered copy (so JSON output is deterministic); null entries are refused. A map this method
     * made (or {@link #adopt}ed) is taken as it is: it is already all of that, and nobody can change it, so a record
     * built from another record's map (a host's labels from its heartbeat into its state and events) shares it.
     */
    public static <K extends Comparable<K>, V> Map<K, V> map(Map<K, V> value, String field) {
        if (value == null || value.isEmpty()) {
            return Map.of();
        }
        if (value instanceof Checked) {
            return value;
        }
        java.util.TreeMap<K, V> copy = new java.util.TreeMap<>();
        for (Map.Entry<K, V> e : value.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new InvalidEventException(field, "must not contain null keys or values");
            }
            copy.put(e.getKey(), e.getValue());
        }
        return new Checked<>(copy);
    }

    /**
     * {@code fresh} as {@link #map} would return it, without the copy: for a map its maker fills with non-null keys
     * and values and then hands over, never to touch again (a decoder's).
     */
    static <K extends Comparable<K>, V> Map<K, V> adopt(java.util.TreeMap<K, V> fresh) {
        return fresh.isEmpty() ? Map.of() : new Checked<>(fresh);
    }

    /** The unmodifiable view of a sorted map that only this class holds. */
    private static final class Checked<K, V> extends java.util.AbstractMap<K, V> {
        private final Map<K, V> view;

        Checked(java.util.TreeMap<K, V> owned) {
            this.view = java.util.Collections.unmodifiableSortedMap(owned);
        }

        @Override
        public java.util.Set<Map.Entry<K, V>> entrySet() {
            return view.entrySet();
        }

        @Override
        public int size() {
            return view.size();
        }

        @Override
        public V get(Object key) {
            return view.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return view.containsKey(key);
        }

        @Override
        public java.util.Set<K> keySet() {
            return view.keySet();
        }

        @Override
        public java.util.Collection<V> values() {
            return view.values();
        }

        @Override
        public void forEach(java.util.function.BiConsumer<? super K, ? super V> action) {
            view.forEach(action);
        }
    }
}
