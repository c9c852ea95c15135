package io.hangcheck.sockets.domain;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The samples of one series within a sliding time window (older ones are dropped as new ones arrive). */
public final class SeriesWindow<T> {
    private final long windowMillis;
    private final Deque<Entry<T>> entries = new ArrayDeque<>();

    public SeriesWindow(Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.windowMillis = window.toMillis();
    }

    /** A time-stamped value. */
    public record Entry<T>(long atMillis, T value) {
    }

    /** Adds a sample and drops those older than the window before it. */
    public void add(long atMillis, T value) {
        entries.addLast(new Entry<>(atMillis, value));
        while (!entries.isEmpty() && entries.peekFirst().atMillis() < atMillis - windowMillis) {
            entries.removeFirst();
        }
    }

    public Entry<T> oldest() {
        return entries.peekFirst();
    }

    public Entry<T> newest() {
        return entries.peekLast();
    }

    public int size() {
        return entries.size();
    }

    /** Time between the oldest and the newest sample. */
    public long spanMillis() {
        return entries.isEmpty() ? 0 : entries.peekLast().atMillis() - entries.peekFirst().atMillis();
    }

    /** The newest {@code n} samples (fewer when the window holds fewer), oldest first. */
    public List<Entry<T>> newest(int n) {
        List<Entry<T>> out = new ArrayList<>(Math.min(n, entries.size()));
        java.util.Iterator<Entry<T>> it = entries.descendingIterator();
        while (it.hasNext() && out.size() < n) {
            out.add(0, it.next());
        }
        return out;
    }

    public List<Entry<T>> entries() {
        return new ArrayList<>(entries);
    }

    /** The samples as numbers for a {@link LinearFit}. */
    public List<LinearFit.Sample> samples(java.util.function.ToDoubleFunction<T> value) {
        List<LinearFit.Sample> out = new ArrayList<>(entries.size());
        for (Entry<T> e : entries) {
            out.add(new LinearFit.Sample(e.atMillis(), value.applyAsDouble(e.value())));
        }
        return out;
    }
}
