package io.hangcheck.events;

import java.time.Instant;
import java.util.Map;

/**
 * The current state of one host, on the compacted {@link Topics#LIVENESS_STATE} topic (key = host id).
 * Other lab services read it to skip hosts that are not UP.
 *
 * @param hostId      the host
 * @param status      current state
 * @param bootId      boot id of the last heartbeat
 * @param lastSeq     sequence number of the last heartbeat
 * @param lastSeenAt  partition time of the last heartbeat
 * @param since       partition time when {@code status} began
 * @param incidentId  the open incident, if the host is not UP
 * @param via         ingest instance of the last heartbeat
 * @param labels      the host's labels
 * @param updatedAt   partition time of this record
 * @param evaluatorId the evaluator instance that owns the host
 */
public record HostState(
        String hostId,
        HostStatus status,
        String bootId,
        long lastSeq,
        Instant lastSeenAt,
        Instant since,
        String incidentId,
        String via,
        Map<String, String> labels,
        Instant updatedAt,
        String evaluatorId) {

    public HostState {
        Check.matches(hostId, "hostId", Heartbeat.HOST_ID, Heartbeat.HOST_ID_MAX);
        Check.required(status, "status");
        Check.text(bootId, "bootId", Heartbeat.BOOT_ID_MAX);
        Check.nonNegative(lastSeq, "lastSeq");
        Check.required(lastSeenAt, "lastSeenAt");
        Check.required(since, "since");
        labels = Check.map(labels, "labels");
        Check.required(updatedAt, "updatedAt");
        Check.text(evaluatorId, "evaluatorId", 256);
    }
}
