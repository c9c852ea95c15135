package io.hangcheck.evaluator.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.HostStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One host as {@code GET /v1/hosts/{id}} shows it.
 *
 * @param silentMillis partition time since the last heartbeat (null when the partition clock is unknown)
 * @param phi          φ now (on the partition clock, counting fresh graces)
 * @param history      the running inter-arrival statistics the detector uses
 * @param net          the source network of its last heartbeat ({@code 10.1.7.0/24}), a group key; null when unknown
 * @param groups       its host groups ({@code rack=r12}, {@code net=10.1.7.0/24} ...) as the group guard judges them
 *                     now (counts over every evaluator instance, reason); empty when groups are off
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostView(String hostId, HostStatus status, String bootId, long lastSeq, Instant lastSeenAt,
                       Instant since, String incidentId, String via, Map<String, String> labels,
                       boolean labelsTruncated, Integer partition, Instant partitionTime, Long silentMillis,
                       Double phi, Instant bootGraceUntil, History history, String evaluatorId, String net,
                       List<FleetHealth.GroupHealth> groups) {

    /** The detector's view of the host's rhythm. */
    public record History(double meanIntervalMs, double stdDevIntervalMs, int samples) {
    }
}
