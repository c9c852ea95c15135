package io.hangcheck.events;

import java.time.Instant;
import java.util.List;

/**
 * A connection-leak alert, opened and later resolved, on {@link Topics#SOCKET_ALERTS} (key = monitor id).
 *
 * @param alertId   stable over the alert's life: OPENED, UPDATED and RESOLVED share it
 * @param monitorId the socket-monitor instance
 * @param node      the machine
 * @param status    OPENED, UPDATED (the peers or states that grow changed) or RESOLVED
 * @param kind      what was seen
 * @param at        monitor clock of this record
 * @param openedAt  when the alert opened
 * @param summary   one sentence for people, naming the peers and states that grow
 * @param peers     peers that grow (addresses, with names when known)
 * @param states    TCP states that grow
 * @param total     sockets now
 * @param limit     the budget
 * @param secondsToExhaustion the forecast when it triggered, or null
 */
public record LeakAlert(
        String alertId,
        String monitorId,
        String node,
        Status status,
        Kind kind,
        Instant at,
        Instant openedAt,
        String summary,
        List<String> peers,
        List<String> states,
        int total,
        int limit,
        Double secondsToExhaustion) {

    /**
     * OPENED once, UPDATED while open whenever a peer or a state starts growing that no record of the alert
     * named yet (a new leak named though another cause opened the alert), RESOLVED once.
     */
    public enum Status { OPENED, UPDATED, RESOLVED }

    public enum Kind {
        /** The linear forecast reaches the budget within the horizon. */
        EXHAUSTION_FORECAST,
        /** Usage passed the warning share of the budget. */
        USAGE_WARNING,
        /** Sockets stuck in closing states keep growing for a peer. */
        STUCK_SOCKETS,
        /** A PostgreSQL client's idle connections keep growing. */
        PG_IDLE_GROWTH
    }

    public LeakAlert {
        Check.text(alertId, "alertId", 256);
        Check.text(monitorId, "monitorId", 256);
        Check.text(node, "node", 256);
        Check.required(status, "status");
        Check.required(kind, "kind");
        Check.required(at, "at");
        Check.required(openedAt, "openedAt");
        Check.text(summary, "summary", 2000);
        peers = Check.list(peers, "peers");
        states = Check.list(states, "states");
        Check.nonNegative(total, "total");
        Check.nonNegative(limit, "limit");
    }
}
