package io.hangcheck.sockets.domain;

import io.hangcheck.events.SocketSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One poll of a PostgreSQL server's client connections.
 *
 * @param server         host:port/database
 * @param maxConnections the server's {@code max_connections}
 * @param rows           client backends grouped by client address × application × user × state
 */
public record PgActivity(String server, int maxConnections, List<Row> rows) {

    /** One group of connections; {@code oldestIdleSeconds} is null when none of them is idle. */
    public record Row(String client, String application, String user, String state, int count, Long oldestIdleSeconds) {
        public boolean idle() {
            return state.startsWith("idle");
        }
    }

    public int used() {
        return rows.stream().mapToInt(Row::count).sum();
    }

    /** The snapshot's view: the {@code top} largest groups (the rest are summed into {@code other}). */
    public List<SocketSnapshot.PgClientCount> counts(int top) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingInt(Row::count).reversed().thenComparing(Row::client)
                .thenComparing(Row::application).thenComparing(Row::state));
        List<SocketSnapshot.PgClientCount> out = new ArrayList<>();
        int rest = 0;
        Long restIdle = null;
        for (int i = 0; i < sorted.size(); i++) {
            Row r = sorted.get(i);
            if (i < top) {
                out.add(new SocketSnapshot.PgClientCount(server, r.client(), r.application(), r.user(), r.state(),
                        r.count(), r.oldestIdleSeconds()));
            } else {
                rest += r.count();
                if (r.oldestIdleSeconds() != null) {
                    restIdle = restIdle == null ? r.oldestIdleSeconds() : Math.max(restIdle, r.oldestIdleSeconds());
                }
            }
        }
        if (rest > 0) {
            out.add(new SocketSnapshot.PgClientCount(server, "other", "other", "other", "other", rest, restIdle));
        }
        return out;
    }

    /** Idle connections per client × application × user (every state whose name starts with {@code idle}). */
    public List<LeakDetector.PgIdle> idleByClient() {
        Map<List<String>, Integer> idle = new HashMap<>();
        for (Row r : rows) {
            List<String> k = List.of(r.client(), r.application(), r.user());
            idle.merge(k, r.idle() ? r.count() : 0, Integer::sum);
        }
        List<LeakDetector.PgIdle> out = new ArrayList<>();
        idle.forEach((k, n) -> out.add(new LeakDetector.PgIdle(server, k.get(0), k.get(1), k.get(2), n)));
        return out;
    }
}
