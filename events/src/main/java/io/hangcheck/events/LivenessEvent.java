package io.hangcheck.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One liveness transition of one host.
 *
 * @param eventId      deterministic: {@code incidentId + "/" + type} (reprocessing yields the same id)
 * @param type         the transition
 * @param hostId       the host
 * @param incidentId   {@code hostId/bootId/lastSeq}: the same silence always has the same id
 * @param bootId       boot id of the last heartbeat seen (for REBOOTED: the new one)
 * @param previousBootId for REBOOTED, the boot id before; otherwise null
 * @param lastSeq      sequence number of the last heartbeat seen
 * @param lastSeenAt   partition time when the last heartbeat was seen
 * @param at           partition time of the transition
 * @param silentMillis silence at the transition, ms of partition time
 * @param phi          φ suspicion level at the transition (null when not computed)
 * @param via          ingest instance of the last heartbeat
 * @param reasons      why (for HELD: what made the evidence doubtful)
 * @param labels       the host's labels
 * @param evaluatorId  the evaluator instance that decided
 * @param groupDegraded for HUNG: the group of the host that was DEGRADED at the verdict and why
 *                     ({@code rack=r12 DEGRADED: 9 of 40 silent}); the executor then applies its slow bucket, as for a
 *                     DEGRADED fleet. Null otherwise.
 */
public record LivenessEvent(
        String eventId,
        LivenessEventType type,
        String hostId,
        String incidentId,
        String bootId,
        String previousBootId,
        long lastSeq,
        Instant lastSeenAt,
        Instant at,
        long silentMillis,
        Double phi,
        String via,
        List<String> reasons,
        Map<String, String> labels,
        String evaluatorId,
        String groupDegraded) {

    public LivenessEvent {
        Check.text(eventId, "eventId", 512);
        Check.required(type, "type");
        Check.matches(hostId, "hostId", Heartbeat.HOST_ID, Heartbeat.HOST_ID_MAX);
        Check.text(incidentId, "incidentId", 400);
        Check.text(bootId, "bootId", Heartbeat.BOOT_ID_MAX);
        Check.nonNegative(lastSeq, "lastSeq");
        Check.required(lastSeenAt, "lastSeenAt");
        Check.required(at, "at");
        Check.nonNegative(silentMillis, "silentMillis");
        reasons = Check.list(reasons, "reasons");
        labels = Check.map(labels, "labels");
        Check.text(evaluatorId, "evaluatorId", 256);
        if (groupDegraded != null) {
            Check.text(groupDegraded, "groupDegraded", GROUP_DEGRADED_MAX);
        }
    }

    /** The longest {@code groupDegraded}: a group name (key and value) and a short reason. */
    public static final int GROUP_DEGRADED_MAX = 512;

    /** A transition without a group mark. */
    public LivenessEvent(String eventId, LivenessEventType type, String hostId, String incidentId, String bootId,
                         String previousBootId, long lastSeq, Instant lastSeenAt, Instant at, long silentMillis,
                         Double phi, String via, List<String> reasons, Map<String, String> labels, String evaluatorId) {
        this(eventId, type, hostId, incidentId, bootId, previousBootId, lastSeq, lastSeenAt, at, silentMillis, phi,
                via, reasons, labels, evaluatorId, null);
    }

    /** The deterministic incident id of a silence that began after heartbeat {@code lastSeq} of {@code bootId}. */
    public static String incidentId(String hostId, String bootId, long lastSeq) {
        return hostId + "/" + bootId + "/" + lastSeq;
    }

    public static String eventId(String incidentId, LivenessEventType type) {
        return incidentId + "/" + type.name();
    }
}
