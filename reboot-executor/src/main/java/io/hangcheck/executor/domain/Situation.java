package io.hangcheck.executor.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Every fact the policy chain looks at for one request, gathered from the ledger database (inside the
 * decision's transaction) and from the Kafka views (fleet, host state). Plain data.
 *
 * @param hostId              the host
 * @param labels              its labels (from the HUNG event, else the inventory)
 * @param origin              what asks: a HUNG event, an operator, or a forced operator request
 * @param duplicate           the incident id was already claimed (the database said so)
 * @param pause               the kill switch
 * @param silence             an active silence matching the host (by id, or by a label of the event or the inventory), or null
 * @param inventory           the host's inventory entry, or null
 * @param evidence            corroboration of a HUNG by the latest host state
 * @param fleet               fleet mode (most cautious evaluator)
 * @param quarantined         the host is in quarantine already
 * @param hostResets          times of this host's reset intents within the quarantine window
 * @param inFlight            resets in flight fleet-wide
 * @param recentResets        times of all reset intents within the bucket period (for the token buckets)
 * @param hostsResetLastHour  distinct hosts reset within the last hour (this host excluded)
 * @param fleetSize           enabled hosts in the inventory
 * @param openAttempt         the host's open action ({@code incident#attempt}: in flight, or waiting for its new boot), or null
 */
public record Situation(
        String hostId,
        Map<String, String> labels,
        Origin origin,
        boolean duplicate,
        PauseState pause,
        Silence silence,
        InventoryEntry inventory,
        Evidence evidence,
        FleetStatus fleet,
        boolean quarantined,
        List<Instant> hostResets,
        int inFlight,
        List<Instant> recentResets,
        int hostsResetLastHour,
        int fleetSize,
        String openAttempt) {

    /** Who asks for the reboot. */
    public enum Origin {
        /** A HUNG liveness event. */
        HUNG,
        /** An operator, through the chain. */
        MANUAL,
        /** An operator, past the chain (duplicate and inventory still checked), with a recorded reason. */
        FORCED
    }

    public Situation {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        hostResets = List.copyOf(hostResets);
        recentResets = List.copyOf(recentResets);
    }
}
