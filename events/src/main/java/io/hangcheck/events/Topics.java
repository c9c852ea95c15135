package io.hangcheck.events;

/**
 * Default topic names: the public contract other lab services read. Every service lets an operator
 * override them in configuration; these constants are the defaults and what tests use.
 * A breaking change to a record makes a new topic with the next version suffix.
 */
public final class Topics {
    /** Heartbeats and ingest ticks, partitioned by host id; ticks go to every partition. */
    public static final String HEARTBEATS = "hangcheck.heartbeats.v1";
    /** Heartbeats published by hosts' own Kafka clients; ingest validates and forwards them. */
    public static final String HEARTBEATS_RAW = "hangcheck.heartbeats.raw.v1";
    /** One record per liveness transition of a host: SUSPECT, HUNG, HELD, RECOVERED, REBOOTED. */
    public static final String LIVENESS_EVENTS = "hangcheck.liveness.events.v1";
    /** Compacted: the current state of each host (tombstone when the host is forgotten). */
    public static final String LIVENESS_STATE = "hangcheck.liveness.state.v1";
    /** Fleet mode per evaluator instance, periodically and on change. */
    public static final String FLEET_HEALTH = "hangcheck.fleet.health.v1";
    /**
     * Compacted, keyed by evaluator instance id: each instance's host counts per host group, so every instance
     * judges a group over all instances' hosts.
     */
    public static final String GROUPS = "hangcheck.groups.v1";
    /** Every reboot decision; follows from the executor's ledger in PostgreSQL. */
    public static final String REBOOTS = "hangcheck.reboots.v1";
    /** Socket-table snapshots per monitored machine. */
    public static final String SOCKETS = "hangcheck.sockets.v1";
    /** Connection-leak alerts, opened and resolved. */
    public static final String SOCKET_ALERTS = "hangcheck.sockets.alerts.v1";

    /** Suffix of a topic's dead-letter topic. */
    public static final String DLQ_SUFFIX = ".dlq";

    /** The dead-letter topic of {@code topic}. */
    public static String dlq(String topic) {
        return topic + DLQ_SUFFIX;
    }

    private Topics() {
    }
}
