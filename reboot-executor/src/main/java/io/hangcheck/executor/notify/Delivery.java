package io.hangcheck.executor.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "Told" means delivered: every message waits per channel until the channel took it. A failed send is retried
 * with a doubling back-off (from {@code firstBackOff} up to {@code maxBackOff}) until it is delivered or
 * superseded — a newer message of the same group replaces an undelivered older one, since a group's message
 * always carries the group's whole state (its active alerts and what was resolved). Plain and clock-driven;
 * thread-safe.
 */
public final class Delivery {

    /** What became of one try. */
    public enum Result {
        /** The channel took the message. */
        DELIVERED,
        /** The channel failed; the message is tried again after the back-off. */
        FAILED,
        /** The channel's hourly cap is reached; the message is dropped (counted and logged). */
        DROPPED,
        /** A newer message of the same group replaced it before it was delivered. */
        SUPERSEDED
    }

    /** Tries one message on one channel. */
    @FunctionalInterface
    public interface Sender {
        Result send(String channel, Notification n);
    }

    /** Told of what became of every message (metrics, log). */
    @FunctionalInterface
    public interface Listener {
        void on(String channel, Notification n, Result result, int attempt);
    }

    private record Pending(Notification notification, int attempts, Instant nextTry) {
    }

    private final Clock clock;
    private final Duration firstBackOff;
    private final Duration maxBackOff;
    private final Map<String, Map<String, Pending>> pending = new LinkedHashMap<>();

    public Delivery(Clock clock, Duration firstBackOff, Duration maxBackOff) {
        if (firstBackOff.isNegative() || firstBackOff.isZero() || maxBackOff.compareTo(firstBackOff) < 0) {
            throw new IllegalArgumentException("need 0 < firstBackOff <= maxBackOff");
        }
        this.clock = clock;
        this.firstBackOff = firstBackOff;
        this.maxBackOff = maxBackOff;
    }

    /** Queues {@code n} on {@code channel}; an undelivered message of the same group there is superseded. */
    public synchronized void offer(String channel, Notification n, Listener listener) {
        Pending old = pending.computeIfAbsent(channel, c -> new LinkedHashMap<>())
                .put(n.group(), new Pending(n, 0, clock.instant()));
        if (old != null) {
            listener.on(channel, old.notification(), Result.SUPERSEDED, old.attempts());
        }
    }

    /** Tries every message whose time has come; a failure waits twice as long as the one before. */
    public synchronized void deliverDue(Sender sender, Listener listener) {
        Instant now = clock.instant();
        for (Map.Entry<String, Map<String, Pending>> channel : pending.entrySet()) {
            for (Pending p : new ArrayList<>(channel.getValue().values())) {
                if (p.nextTry().isAfter(now)) {
                    continue;
                }
                Result r = sender.send(channel.getKey(), p.notification());
                int attempt = p.attempts() + 1;
                listener.on(channel.getKey(), p.notification(), r, attempt);
                if (r == Result.FAILED) {
                    Duration wait = firstBackOff.multipliedBy(1L << Math.min(20, attempt - 1));
                    channel.getValue().put(p.notification().group(),
                            new Pending(p.notification(), attempt, now.plus(wait.compareTo(maxBackOff) > 0 ? maxBackOff : wait)));
                } else {
                    channel.getValue().remove(p.notification().group());
                }
            }
        }
    }

    /** Messages not yet delivered, per channel. */
    public synchronized Map<String, List<Notification>> undelivered() {
        Map<String, List<Notification>> out = new LinkedHashMap<>();
        pending.forEach((c, m) -> out.put(c, m.values().stream().map(Pending::notification).toList()));
        return out;
    }
}
