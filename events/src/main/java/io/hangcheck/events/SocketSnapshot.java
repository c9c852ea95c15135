package io.hangcheck.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One scan of a machine's TCP socket table (and of the watched PostgreSQL servers' clients), on
 * {@link Topics#SOCKETS} (key = monitor id). Peer and port lists are top-K with an {@code other} bucket.
 *
 * @param monitorId  the socket-monitor instance
 * @param node       the machine whose table was read
 * @param at         monitor clock at the scan
 * @param total      sockets in the table
 * @param limit      the budget the forecast measures against
 * @param byState    sockets per kernel state name (ESTABLISHED, FIN_WAIT2, CLOSE_WAIT, ...)
 * @param peers      top remote peers with counts by state
 * @param localPorts top local ports with counts by state
 * @param stuck      sockets stuck in closing states, by peer, state and age bucket
 * @param pgClients  PostgreSQL connections by server, client, application, user and state
 * @param forecastSecondsToExhaustion linear forecast of seconds until {@code total} reaches {@code limit}; null when not growing
 * @param growthPerMinute             slope of the fit, sockets per minute
 */
public record SocketSnapshot(
        String monitorId,
        String node,
        Instant at,
        int total,
        int limit,
        Map<String, Integer> byState,
        List<PeerCount> peers,
        List<PortCount> localPorts,
        List<StuckCount> stuck,
        List<PgClientCount> pgClients,
        Double forecastSecondsToExhaustion,
        Double growthPerMinute) {

    public SocketSnapshot {
        Check.text(monitorId, "monitorId", 256);
        Check.text(node, "node", 256);
        Check.required(at, "at");
        Check.nonNegative(total, "total");
        Check.nonNegative(limit, "limit");
        byState = Check.map(byState, "byState");
        peers = Check.list(peers, "peers");
        localPorts = Check.list(localPorts, "localPorts");
        stuck = Check.list(stuck, "stuck");
        pgClients = Check.list(pgClients, "pgClients");
    }

    /** A remote peer (address, or {@code other}) with its reverse-DNS name when known. */
    public record PeerCount(String peer, String name, int total, Map<String, Integer> byState) {
        public PeerCount {
            Check.text(peer, "peers.peer", 256);
            Check.nonNegative(total, "peers.total");
            byState = Check.map(byState, "peers.byState");
        }
    }

    /** A local port (or {@code other}) with counts by state. */
    public record PortCount(String port, int total, Map<String, Integer> byState) {
        public PortCount {
            Check.text(port, "localPorts.port", 16);
            Check.nonNegative(total, "localPorts.total");
            byState = Check.map(byState, "localPorts.byState");
        }
    }

    /** Sockets of one peer stuck in one closing state, by age bucket (e.g. {@code 1m}, {@code 10m}, {@code 1h}, {@code +Inf}). */
    public record StuckCount(String peer, String state, String ageBucket, int count) {
        public StuckCount {
            Check.text(peer, "stuck.peer", 256);
            Check.text(state, "stuck.state", 32);
            Check.text(ageBucket, "stuck.ageBucket", 16);
            Check.nonNegative(count, "stuck.count");
        }
    }

    /** PostgreSQL client connections of one kind. */
    public record PgClientCount(String server, String clientAddr, String application, String user,
                                String state, int count, Long oldestIdleSeconds) {
        public PgClientCount {
            Check.text(server, "pgClients.server", 256);
            Check.required(clientAddr, "pgClients.clientAddr");
            Check.required(application, "pgClients.application");
            Check.required(user, "pgClients.user");
            Check.required(state, "pgClients.state");
            Check.nonNegative(count, "pgClients.count");
        }
    }
}
