package io.hangcheck.sockets.domain;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Names peers by reverse DNS without ever making a scan wait. {@link #nameOf} answers from a cache at once
 * (null while no name is known: callers show the address) and, on a miss, queues a look-up on the given
 * executor. The cache is bounded (least recently used entries go first) and entries expire (names after
 * {@code ttl}, failures after {@code negativeTtl}). A look-up that has not answered within {@code timeout}
 * counts as failed: the address stays unnamed until the negative entry expires, even if the resolver thread
 * is still stuck (the executor is bounded, so stuck resolvers cannot pile up threads).
 */
public final class PeerNamer {
    private final Function<InetAddress, String> resolver;
    private final ExecutorService executor;
    private final Clock clock;
    private final long ttlMillis;
    private final long negativeTtlMillis;
    private final long timeoutMillis;
    private final Map<String, Entry> cache;
    private final Map<String, Long> pending = new HashMap<>();

    private record Entry(String name, long expiresAtMillis) {
    }

    /**
     * @param resolver   address to name, or null when it has none (may block: it runs on {@code executor})
     * @param executor   where look-ups run; bounded, and rejecting when full
     * @param maxEntries cache bound
     */
    public PeerNamer(Function<InetAddress, String> resolver, ExecutorService executor, Clock clock, int maxEntries,
                     Duration ttl, Duration negativeTtl, Duration timeout) {
        this.resolver = resolver;
        this.executor = executor;
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
        this.negativeTtlMillis = negativeTtl.toMillis();
        this.timeoutMillis = timeout.toMillis();
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The system resolver: the canonical name, or null when it only gives the address back. */
    public static String systemReverseLookup(InetAddress address) {
        String name = address.getCanonicalHostName();
        return name == null || name.equals(address.getHostAddress()) ? null : name;
    }

    /** The known name of an address, or null; never blocks. Starts a look-up when none is known or fresh. */
    public synchronized String nameOf(String address) {
        long now = clock.millis();
        Entry e = cache.get(address);
        if (e != null && e.expiresAtMillis > now) {
            return e.name;
        }
        Long started = pending.get(address);
        if (started != null) {
            if (now - started >= timeoutMillis) {
                pending.remove(address);
                cache.put(address, new Entry(null, now + negativeTtlMillis));
            }
            return e == null ? null : e.name; // a stale name is better than none while we ask again
        }
        if (TableAggregate.OTHER.equals(address)) {
            return null;
        }
        pending.put(address, now);
        try {
            executor.execute(() -> lookUp(address));
        } catch (RejectedExecutionException full) {
            pending.remove(address); // asked again at a later scan
        }
        return e == null ? null : e.name;
    }

    private void lookUp(String address) {
        String name;
        try {
            long[] a = Addresses.parse(address);
            name = resolver.apply(Addresses.inet(a[0], a[1]));
        } catch (RuntimeException failed) {
            name = null;
        }
        synchronized (this) {
            pending.remove(address);
            long now = clock.millis();
            cache.put(address, new Entry(name, now + (name == null ? negativeTtlMillis : ttlMillis)));
        }
    }

    public synchronized int cached() {
        return cache.size();
    }

    public synchronized int pending() {
        return pending.size();
    }
}
