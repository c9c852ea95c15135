package io.hangcheck.sockets.domain;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What {@link SocketMonitor} needs to know, free of any framework type (the service builds it from
 * {@code SocketsConfig}).
 *
 * @param monitorId     this monitor's id (key of its records)
 * @param node          the machine whose table is read
 * @param procRoot      where {@code net/tcp} and {@code net/tcp6} are: {@code /proc}, a node's {@code /host/proc},
 *                      or {@code /proc/<pid>} for the network namespace of that process (a pod's)
 * @param sysRoot       where {@code net/ipv4/tcp_fin_timeout} and {@code ip_local_port_range} are
 * @param topPeers      K of the peer top-K
 * @param topPorts      K of the local-port top-K
 * @param tableLimit    budget of the whole table; empty = the owner's open-files limit, else the ephemeral port count
 * @param ownerPid      a process whose open-files limit bounds its sockets (read from {@code <procRoot>/<pid>/limits})
 * @param watchedPorts  local ports with their own budget (0 = default as for the table)
 * @param ageBuckets    upper bounds of the stuck-socket age buckets
 * @param pgTop         PostgreSQL client groups shown per server
 * @param rules         alert thresholds
 */
public record MonitorSettings(String monitorId, String node, Path procRoot, Path sysRoot, int topPeers, int topPorts,
                              OptionalInt tableLimit, OptionalInt ownerPid, Map<Integer, Integer> watchedPorts,
                              List<Duration> ageBuckets, int pgTop, LeakRules rules) {
    public MonitorSettings {
        if (topPeers < 1 || topPorts < 1 || pgTop < 1) {
            throw new IllegalArgumentException("top-K values must be >= 1");
        }
        watchedPorts = Map.copyOf(watchedPorts);
        ageBuckets = List.copyOf(ageBuckets);
    }

    /** Defaults for a proc root, as documented in {@code SocketsConfig}. */
    public static MonitorSettings defaults(String monitorId, String node, Path procRoot, Path sysRoot) {
        return new MonitorSettings(monitorId, node, procRoot, sysRoot, 20, 20, OptionalInt.empty(), OptionalInt.empty(),
                Map.of(), List.of(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1)), 50,
                LeakRules.defaults());
    }

    public MonitorSettings withRules(LeakRules r) {
        return new MonitorSettings(monitorId, node, procRoot, sysRoot, topPeers, topPorts, tableLimit, ownerPid,
                watchedPorts, ageBuckets, pgTop, r);
    }

    public MonitorSettings withTableLimit(int limit) {
        return new MonitorSettings(monitorId, node, procRoot, sysRoot, topPeers, topPorts, OptionalInt.of(limit),
                ownerPid, watchedPorts, ageBuckets, pgTop, rules);
    }

    public MonitorSettings withWatchedPorts(Map<Integer, Integer> ports) {
        return new MonitorSettings(monitorId, node, procRoot, sysRoot, topPeers, topPorts, tableLimit, ownerPid,
                ports, ageBuckets, pgTop, rules);
    }
}
