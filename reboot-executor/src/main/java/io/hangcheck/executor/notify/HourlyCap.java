package io.hangcheck.executor.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** A hard cap of messages per channel in any sliding hour: the last line of defence against a mail storm. */
public final class HourlyCap {
    private static final Duration HOUR = Duration.ofHours(1);
    private final Clock clock;
    private final int max;
    private final Map<String, Deque<Instant>> sent = new HashMap<>();

    public HourlyCap(Clock clock, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1");
        }
        this.clock = clock;
        this.max = max;
    }

    /** Takes a slot for {@code channel}; false when the channel's cap for the last hour is reached. */
    public synchronized boolean tryAcquire(String channel) {
        Instant now = clock.instant();
        Deque<Instant> q = sent.computeIfAbsent(channel, k -> new ArrayDeque<>());
        while (!q.isEmpty() && !q.peekFirst().isAfter(now.minus(HOUR))) {
            q.removeFirst();
        }
        if (q.size() >= max) {
            return false;
        }
        q.addLast(now);
        return true;
    }
}
