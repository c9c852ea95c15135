package io.hangcheck.events;

import java.time.Instant;
import java.util.List;

/**
 * Fleet mode as judged by one evaluator instance over the partitions it owns.
 *
 * @param evaluatorId         the evaluator instance
 * @param mode                NORMAL, DEGRADED or FROZEN
 * @param reasons             why the mode is not NORMAL (e.g. {@code silent share 0.52 >= 0.40}, {@code no ticks on partitions [0, 3]})
 * @param trackedHosts        hosts tracked on its partitions
 * @param silentHosts         of those, SUSPECT, HUNG or HELD
 * @param silentShare         silentHosts / trackedHosts (0 when none tracked)
 * @param newlySilentLastMinute hosts that went silent within the last minute of partition time
 * @param partitions          partitions it owns
 * @param stalePartitions     partitions whose ticks stopped
 * @param at                  when this report was made (the instance's clock)
 * @param since               when the current mode began
 * @param unhealthyGroups     (null from an evaluator without group guards) how many host groups (rack, switch, pool, hypervisor, source network ...) are not NORMAL
 * @param groups              the worst of them, at most {@value #GROUPS_MAX}: FROZEN first, then by silent share
 */
public record FleetHealth(
        String evaluatorId,
        FleetMode mode,
        List<String> reasons,
        int trackedHosts,
        int silentHosts,
        double silentShare,
        int newlySilentLastMinute,
        List<Integer> partitions,
        List<Integer> stalePartitions,
        Instant at,
        Instant since,
        Integer unhealthyGroups,
        List<GroupHealth> groups) {

    /** At most this many groups are listed; {@code unhealthyGroups} counts them all. */
    public static final int GROUPS_MAX = 20;

    public FleetHealth {
        Check.text(evaluatorId, "evaluatorId", 256);
        Check.required(mode, "mode");
        reasons = Check.list(reasons, "reasons");
        Check.nonNegative(trackedHosts, "trackedHosts");
        Check.nonNegative(silentHosts, "silentHosts");
        Check.share(silentShare, "silentShare");
        Check.nonNegative(newlySilentLastMinute, "newlySilentLastMinute");
        partitions = Check.list(partitions, "partitions");
        stalePartitions = Check.list(stalePartitions, "stalePartitions");
        Check.required(at, "at");
        Check.required(since, "since");
        if (unhealthyGroups != null) {
            Check.nonNegative(unhealthyGroups, "unhealthyGroups");
        }
        groups = Check.list(groups, "groups");
        if (groups.size() > GROUPS_MAX) {
            throw new InvalidEventException("groups", "more than " + GROUPS_MAX + " groups");
        }
    }

    /** A report without group figures (groups off, or none unhealthy). */
    public FleetHealth(String evaluatorId, FleetMode mode, List<String> reasons, int trackedHosts, int silentHosts,
                       double silentShare, int newlySilentLastMinute, List<Integer> partitions,
                       List<Integer> stalePartitions, Instant at, Instant since) {
        this(evaluatorId, mode, reasons, trackedHosts, silentHosts, silentShare, newlySilentLastMinute, partitions,
                stalePartitions, at, since, null, List.of());
    }

    /**
     * One host group's guard, as judged by one evaluator instance over the group's hosts on its partitions.
     *
     * @param group   {@code key=value}, e.g. {@code rack=r12} or {@code net=10.1.7.0/24}
     * @param mode    NORMAL, DEGRADED or FROZEN
     * @param tracked hosts of the group tracked
     * @param silent  of those, down (SUSPECT, HELD, HUNG, REBOOTING)
     * @param since   when the current mode began
     * @param reason  why, e.g. {@code 38 of 40 silent (0.95 >= 0.50)}
     */
    public record GroupHealth(String group, FleetMode mode, int tracked, int silent, Instant since, String reason) {
        public GroupHealth {
            Check.text(group, "groups.group", 256);
            Check.required(mode, "groups.mode");
            Check.nonNegative(tracked, "groups.tracked");
            Check.nonNegative(silent, "groups.silent");
            Check.required(since, "groups.since");
            if (reason != null) {
                Check.text(reason, "groups.reason", 512);
            }
        }
    }
}
