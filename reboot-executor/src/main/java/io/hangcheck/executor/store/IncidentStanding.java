package io.hangcheck.executor.store;

import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where an incident stands in the ledger.
 *
 * @param claimed      the incident row exists (a decision was recorded for it)
 * @param acted        a reset attempt (intent) exists for it: it is never decided again
 * @param lastDecision its last decision other than a duplicate's skip, or null
 * @param lastReason   the reason of that decision, or null
 * @param groupDegraded the evaluator's {@code groupDegraded} mark of the HUNG that claimed the incident (a group of
 *                     the host was DEGRADED: the slow bucket), null when it had none
 */
public record IncidentStanding(boolean claimed, boolean acted, RebootDecision lastDecision, RebootReason lastReason,
                               String groupDegraded) {

    /** An incident claimed without a group mark. */
    public IncidentStanding(boolean claimed, boolean acted, RebootDecision lastDecision, RebootReason lastReason) {
        this(claimed, acted, lastDecision, lastReason, null);
    }

    /**
     * Reasons that can pass with time or an operator's change, so a hang answered with one of them is looked at
     * again while the evaluator still reports it. Not among them: a quarantine (it waits for a person) and any
     * incident with an attempt (at most one destructive action per incident, escalation aside).
     */
    public static final Set<RebootReason> CAN_PASS = EnumSet.of(
            RebootReason.PAUSED, RebootReason.SILENCED, RebootReason.NOT_IN_INVENTORY, RebootReason.NOT_CORROBORATED,
            RebootReason.FLEET_FROZEN, RebootReason.FLEET_DEGRADED_RATE, RebootReason.HOST_COOL_DOWN,
            RebootReason.IN_FLIGHT_CAP, RebootReason.RATE_LIMITED, RebootReason.FLEET_SHARE_CAP);

    /** An unanswered hang that may be decided again. */
    public boolean mayBeDecidedAgain() {
        return claimed && !acted && lastReason != null && CAN_PASS.contains(lastReason)
                && (lastDecision == RebootDecision.SKIPPED || lastDecision == RebootDecision.HELD);
    }
}
