package io.hangcheck.executor.service;

import io.hangcheck.events.RebootRecord;
import io.hangcheck.executor.domain.InventoryEntry;
import io.hangcheck.executor.domain.ResetType;

/**
 * A reset attempt whose intent is committed and whose driver has not been called yet.
 *
 * @param intent    the INTENT record (incident, host, attempt number, driver, reason)
 * @param actionId  its row in table {@code action}
 * @param inventory the host's inventory entry (the driver's parameters)
 * @param resetType what the driver is asked to do
 * @param bootId    the boot id the host had when the attempt was decided (a new one confirms the reset)
 */
record Attempt(RebootRecord intent, long actionId, InventoryEntry inventory, ResetType resetType, String bootId) {

    String incidentId() {
        return intent.incidentId();
    }

    String hostId() {
        return intent.hostId();
    }

    int number() {
        return intent.attempt();
    }

    String driver() {
        return intent.driver();
    }
}
