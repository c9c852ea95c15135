package io.hangcheck.evaluator.domain;

import io.hangcheck.events.FleetMode;

import java.util.ArrayList;
import java.util.List;

/**
 * What the evaluator knows about the path a host talks over, at the moment it judges the host.
 *
 * @param graceFrom      partition time from which silence counts at the earliest: the latest of the
 *                       partition clock resuming after a stall, the fleet thawing, and the host's ingest
 *                       instance becoming healthy again (a fresh grace, as if the host had just been seen)
 * @param partitionStale the partition's ticks stopped (wall clock), so its time cannot be trusted
 * @param viaProblem     why the ingest instance of the host's last heartbeat is in doubt, or null
 * @param fleetMode      the instance's fleet mode
 * @param fleetReasons   why the fleet is not NORMAL
 * @param frozenGroups   the host's FROZEN groups, one line each ({@code group rack=r12 FROZEN: 38 of 40 silent ...})
 * @param degradedGroup  a DEGRADED group of the host and why, or null: a HUNG then carries it (the executor's slow bucket)
 */
public record Evidence(long graceFrom, boolean partitionStale, String viaProblem, FleetMode fleetMode,
                       List<String> fleetReasons, List<String> frozenGroups, String degradedGroup) {

    public Evidence(long graceFrom, boolean partitionStale, String viaProblem, FleetMode fleetMode,
                    List<String> fleetReasons) {
        this(graceFrom, partitionStale, viaProblem, fleetMode, fleetReasons, List.of(), null);
    }

    public static Evidence healthy() {
        return new Evidence(Long.MIN_VALUE, false, null, FleetMode.NORMAL, List.of());
    }

    /** Reasons that forbid a HUNG verdict; empty when the evidence holds. */
    public List<String> doubts(int partition) {
        List<String> r = new ArrayList<>(3);
        if (partitionStale) {
            r.add("partition " + partition + " stale: its ticks stopped");
        }
        if (viaProblem != null) {
            r.add(viaProblem);
        }
        if (fleetMode == FleetMode.FROZEN) {
            r.add("fleet FROZEN" + (fleetReasons.isEmpty() ? "" : ": " + String.join("; ", fleetReasons)));
        }
        r.addAll(frozenGroups);
        return r;
    }
}
