package io.hangcheck.executor.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups alerts the way Alertmanager does. A new group waits {@code groupWait} to collect its siblings, then
 * goes out as one message. New alerts in a group already notified go out no sooner than {@code groupInterval}
 * after its last message. A group that is still active (an alert was added or refreshed since its last
 * message) is notified again after {@code repeatInterval}; a group with nothing new for {@code repeatInterval}
 * is forgotten. So 113 hosts held by a frozen fleet are one message, not 113.
 *
 * <p>An alert can be {@link #resolve resolved}. Before its group's first message it is simply withdrawn
 * (nobody was told, so there is nothing to take back; an empty group is dropped). After it, the group's next
 * message, due under the same group interval, carries it as a "resolved" line; a group left with no alert
 * is forgotten a group interval after that message. Re-adding an alert whose resolution is not yet told
 * cancels the resolution and is no news (people were told it is happening and it is). So a condition that
 * flaps costs at most one message per group interval. Thread-safe.
 */
public final class Grouper {
    private final Clock clock;
    private final Duration groupWait;
    private final Duration groupInterval;
    private final Duration repeatInterval;
    private final Map<String, Group> groups = new LinkedHashMap<>();

    private static final class Group {
        final String name;
        final Instant createdAt;
        final Map<String, Alert> alerts = new LinkedHashMap<>();
        final Map<String, Alert> unsent = new LinkedHashMap<>();
        final Map<String, Alert> resolved = new LinkedHashMap<>();
        Instant lastSent;
        Instant lastTouched;

        Group(String name, Instant now) {
            this.name = name;
            this.createdAt = now;
            this.lastTouched = now;
        }
    }

    public Grouper(Clock clock, Duration groupWait, Duration groupInterval, Duration repeatInterval) {
        if (groupWait.isNegative() || groupInterval.isNegative() || repeatInterval.compareTo(groupInterval) < 0) {
            throw new IllegalArgumentException("need groupWait, groupInterval >= 0 and repeatInterval >= groupInterval");
        }
        this.clock = clock;
        this.groupWait = groupWait;
        this.groupInterval = groupInterval;
        this.repeatInterval = repeatInterval;
    }

    public synchronized void add(Alert alert) {
        Instant now = clock.instant();
        Group g = groups.computeIfAbsent(alert.group(), k -> new Group(k, now));
        g.lastTouched = now;
        if (g.resolved.remove(alert.key()) == null && !g.alerts.containsKey(alert.key())) {
            g.unsent.put(alert.key(), alert);
        }
        g.alerts.put(alert.key(), alert);
    }

    /**
     * The condition behind {@code key} in {@code group} is over. Withdrawn silently if the group has not been
     * notified yet; otherwise told as "resolved" with the group's next message. Unknown keys are ignored.
     */
    public synchronized void resolve(String group, String key, String text) {
        Group g = groups.get(group);
        if (g == null || !g.alerts.containsKey(key)) {
            return;
        }
        g.alerts.remove(key);
        boolean wasUnsent = g.unsent.remove(key) != null;
        if (g.lastSent == null) {
            if (g.alerts.isEmpty()) {
                groups.remove(group);
            }
        } else if (!wasUnsent) {
            g.resolved.put(key, new Alert(group, key, text));
        }
    }

    /** Whether {@code group} has been told at least once (its first message went out and it is not over). */
    public synchronized boolean notified(String group) {
        Group g = groups.get(group);
        return g != null && g.lastSent != null;
    }

    /** The messages due now; each group at most one. */
    public synchronized List<Notification> due() {
        Instant now = clock.instant();
        List<Notification> out = new ArrayList<>();
        for (var it = groups.values().iterator(); it.hasNext(); ) {
            Group g = it.next();
            if (g.lastSent == null) {
                if (!now.isBefore(g.createdAt.plus(groupWait))) {
                    out.add(message(g, false));
                    sent(g, now);
                }
            } else if (!g.unsent.isEmpty() || !g.resolved.isEmpty()) {
                if (!now.isBefore(g.lastSent.plus(groupInterval))) {
                    out.add(message(g, false));
                    sent(g, now);
                }
            } else if (g.alerts.isEmpty()) {
                if (!now.isBefore(g.lastSent.plus(groupInterval))) {
                    it.remove(); // everything in it was resolved and told
                }
            } else if (!now.isBefore(g.lastSent.plus(repeatInterval))) {
                if (g.lastTouched.isAfter(g.lastSent)) {
                    out.add(message(g, true));
                    sent(g, now);
                } else {
                    it.remove();
                }
            }
        }
        return out;
    }

    public synchronized int groups() {
        return groups.size();
    }

    private static void sent(Group g, Instant now) {
        g.lastSent = now;
        g.unsent.clear();
        g.resolved.clear();
    }

    private static Notification message(Group g, boolean repeat) {
        List<String> lines = new ArrayList<>();
        for (Alert a : g.alerts.values()) {
            lines.add(a.text());
        }
        List<String> resolved = new ArrayList<>();
        for (Alert a : g.resolved.values()) {
            resolved.add(a.text());
        }
        String subject = g.alerts.isEmpty()
                ? "[hangcheck] " + g.name + ": resolved"
                : "[hangcheck] " + g.name + ": " + g.alerts.size() + " alert" + (g.alerts.size() == 1 ? "" : "s")
                + (repeat ? " (still active)" : "") + (resolved.isEmpty() ? "" : ", " + resolved.size() + " resolved");
        return new Notification(g.name, subject, lines, resolved, repeat);
    }
}
