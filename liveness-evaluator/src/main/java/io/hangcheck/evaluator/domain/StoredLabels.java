package io.hangcheck.evaluator.domain;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A host's labels as the evaluator keeps them in memory for every host: an immutable map in key order over one array
 * of keys and values, the strings shared between hosts ({@link #intern}). A {@code LinkedHashMap} of three labels
 * with its own strings is ~550 bytes; this is ~60 plus the array's references, which matters at 1,000,000 hosts
 * (each task's host table holds every host's record).
 */
public final class StoredLabels extends AbstractMap<String, String> {
    /** Distinct strings shared at most (label keys and values, ingest ids, source networks); beyond it, not shared. */
    private static final int INTERNED_MAX = 1 << 20;
    private static final ConcurrentHashMap<String, String> INTERNED = new ConcurrentHashMap<>();
    static final StoredLabels EMPTY = new StoredLabels(new String[0]);

    private final String[] kv;

    private StoredLabels(String[] kv) {
        this.kv = kv;
    }

    /** {@code kv} = key 0, value 0, key 1, value 1, … in key order; taken as is (not copied), strings interned. */
    static StoredLabels of(String[] kv) {
        if (kv.length == 0) {
            return EMPTY;
        }
        for (int i = 0; i < kv.length; i++) {
            kv[i] = intern(kv[i]);
        }
        return new StoredLabels(kv);
    }

    /**
     * The one shared copy of {@code s} (label keys and values, ingest instance ids, source networks repeat across
     * hosts); {@code s} itself once {@value #INTERNED_MAX} distinct strings are shared. Thread-safe.
     */
    public static String intern(String s) {
        if (s == null) {
            return null;
        }
        String shared = INTERNED.get(s);
        if (shared != null) {
            return shared;
        }
        if (INTERNED.size() >= INTERNED_MAX) {
            return s;
        }
        shared = INTERNED.putIfAbsent(s, s);
        return shared == null ? s : shared;
    }

    @Override
    public int size() {
        return kv.length / 2;
    }

    @Override
    public boolean isEmpty() {
        return kv.length == 0;
    }

    @Override
    public String get(Object key) {
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i].equals(key)) {
                return kv[i + 1];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i].equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** As {@link AbstractMap#equals}, without an iterator and an entry per label (a heartbeat compares labels once). */
    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof Map<?, ?> m) || m.size() != kv.length / 2) {
            return false;
        }
        for (int i = 0; i < kv.length; i += 2) {
            if (!kv[i + 1].equals(m.get(kv[i]))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (int i = 0; i < kv.length; i += 2) {
            h += kv[i].hashCode() ^ kv[i + 1].hashCode();
        }
        return h;
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < kv.length;
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        if (i >= kv.length) {
                            throw new NoSuchElementException();
                        }
                        Map.Entry<String, String> e = new AbstractMap.SimpleImmutableEntry<>(kv[i], kv[i + 1]);
                        i += 2;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return kv.length / 2;
            }
        };
    }
}
