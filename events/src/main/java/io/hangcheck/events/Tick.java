package io.hangcheck.events;

import java.time.Instant;

/**
 * The clock of a heartbeat partition. Every ingest instance sends one to every partition of
 * {@link Topics#HEARTBEATS} once a second; a partition's time is the latest tick seen on it, so the
 * evaluator never compares heartbeats with its own wall clock.
 *
 * @param instanceId the ingest instance ({@code via} of the heartbeats it takes)
 * @param at         the instance's clock when it sent the tick
 * @param partition  the partition the tick was sent to
 * @param seq        per-instance tick counter
 * @param health     the instance's own health
 */
public record Tick(String instanceId, Instant at, int partition, long seq, IngestHealth health)
        implements HeartbeatTopicRecord {

    public Tick {
        Check.text(instanceId, "instanceId", Heartbeat.VIA_MAX);
        Check.required(at, "at");
        Check.nonNegative(partition, "partition");
        Check.nonNegative(seq, "seq");
        Check.required(health, "health");
    }

    /** Record key of a tick (ticks are routed to partitions explicitly; the key only names the sender). */
    public String key() {
        return "tick:" + instanceId;
    }
}
