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
        Instant since) {

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
    }
}
