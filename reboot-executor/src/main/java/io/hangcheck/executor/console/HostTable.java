package io.hangcheck.executor.console;

import io.hangcheck.events.HostState;
import io.hangcheck.events.HostStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The fleet table of the console: filter by state, label and text, sort, and cut one page out of the
 * executor's view of every host. Only one page of rows leaves the server, so a browser never downloads the
 * fleet; the server keeps at most {@code offset + size} rows in a bounded heap instead of sorting everything.
 */
public final class HostTable {
    public static final int MAX_PAGE_SIZE = 500;

    /** Sort keys of the table. */
    public enum Sort {
        HOST(Comparator.comparing(HostState::hostId)),
        STATE(Comparator.comparing((HostState s) -> s.status().ordinal()).reversed().thenComparing(HostState::hostId)),
        SINCE(Comparator.comparing(HostState::since).thenComparing(HostState::hostId)),
        LAST_SEEN(Comparator.comparing(HostState::lastSeenAt).thenComparing(HostState::hostId));

        final Comparator<HostState> order;

        Sort(Comparator<HostState> order) {
            this.order = order;
        }

        /** The sort named by a query parameter; unknown names sort by host (a table must not fail on a stale link). */
        public static Sort parse(String name) {
            if (name == null) {
                return STATE;
            }
            try {
                return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                return HOST;
            }
        }
    }

    /** What the operator asked for; {@code page} counts from 0. */
    public record Query(HostStatus state, String labelKey, String labelValue, String text, Sort sort, boolean descending,
                        int page, int size) {
        public Query {
            sort = sort == null ? Sort.STATE : sort;
            page = Math.max(0, page);
            size = Math.max(1, Math.min(MAX_PAGE_SIZE, size));
            text = text == null || text.isBlank() ? null : text.strip().toLowerCase(Locale.ROOT);
        }

        boolean accepts(HostState s) {
            if (state != null && s.status() != state) {
                return false;
            }
            if (labelKey != null && !(labelValue == null ? s.labels().containsKey(labelKey) : labelValue.equals(s.labels().get(labelKey)))) {
                return false;
            }
            return text == null || contains(s.hostId(), text) || contains(s.via(), text) || contains(s.bootId(), text)
                    || s.labels().entrySet().stream().anyMatch(e -> contains(e.getKey() + "=" + e.getValue(), text));
        }

        private static boolean contains(String value, String lowerText) {
            return value != null && value.toLowerCase(Locale.ROOT).contains(lowerText);
        }
    }

    /** One page: its rows, how many hosts matched, and the counts by state over the whole fleet. */
    public record Page(List<HostState> rows, int matched, int fleet, Map<HostStatus, Integer> byState, int page, int pages) {
    }

    private HostTable() {
    }

    public static Page page(Collection<HostState> hosts, Query q) {
        Map<HostStatus, Integer> byState = new EnumMap<>(HostStatus.class);
        for (HostStatus st : HostStatus.values()) {
            byState.put(st, 0);
        }
        Comparator<HostState> order = q.descending() ? q.sort().order.reversed() : q.sort().order;
        int keep = (int) Math.min(Integer.MAX_VALUE, (long) (q.page() + 1) * q.size());
        // the heap's head is the worst of the best `keep` rows seen so far
        PriorityQueue<HostState> best = new PriorityQueue<>(order.reversed());
        int matched = 0;
        int fleet = 0;
        for (HostState s : hosts) {
            fleet++;
            byState.merge(s.status(), 1, Integer::sum);
            if (!q.accepts(s)) {
                continue;
            }
            matched++;
            if (best.size() < keep) {
                best.add(s);
            } else if (order.compare(s, best.peek()) < 0) {
                best.poll();
                best.add(s);
            }
        }
        List<HostState> sorted = new ArrayList<>(best);
        sorted.sort(order);
        int from = Math.min(sorted.size(), q.page() * q.size());
        int pages = Math.max(1, (matched + q.size() - 1) / q.size());
        return new Page(List.copyOf(sorted.subList(from, sorted.size())), matched, fleet, byState, q.page(), pages);
    }
}
