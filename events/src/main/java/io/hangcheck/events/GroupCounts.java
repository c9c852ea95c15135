package io.hangcheck.events;

import java.time.Instant;
import java.util.List;

/**
 * One evaluator instance's host counts per host group over the partitions it owns, on the compacted topic
 * {@link Topics#GROUPS} keyed by the instance id: every instance reads every other's latest record and judges a
 * group over the sum (a rack whose hosts fall on several instances is judged whole).
 *
 * @param evaluatorId the instance (also the record key)
 * @param at          when the counts were taken (the instance's clock)
 * @param partitions  heartbeat partitions it owns whose hosts it counts (tasks started and their stores scanned)
 * @param groups      its groups, at most {@value #GROUPS_MAX}: groups with down hosts first
 * @param omitted     groups it has but left out (the publisher's cap): readers must treat the instance's share of
 *                    any group not listed as unknown, not as zero
 */
public record GroupCounts(String evaluatorId, Instant at, List<Integer> partitions, List<Count> groups, int omitted) {

    /** At most this many groups in one record (about 0.6 MB of JSON with short names). */
    public static final int GROUPS_MAX = 10_000;

    public GroupCounts {
        Check.text(evaluatorId, "evaluatorId", 256);
        Check.required(at, "at");
        partitions = Check.list(partitions, "partitions");
        for (Integer p : partitions) {
            Check.nonNegative(p, "partitions");
        }
        groups = Check.list(groups, "groups");
        if (groups.size() > GROUPS_MAX) {
            throw new InvalidEventException("groups", "more than " + GROUPS_MAX + " groups");
        }
        Check.nonNegative(omitted, "omitted");
    }

    /**
     * One group's hosts on the instance's partitions.
     *
     * @param group   {@code key=value}, e.g. {@code rack=r12} or {@code net=10.1.7.0/24}
     * @param tracked hosts of the group tracked (at least 1)
     * @param silent  of those, down (SUSPECT, HELD, HUNG, REBOOTING)
     */
    public record Count(String group, int tracked, int silent) {
        public Count {
            Check.text(group, "groups.group", 256);
            Check.range(tracked, "groups.tracked", 1, Integer.MAX_VALUE);
            Check.range(silent, "groups.silent", 0, tracked);
        }
    }
}
