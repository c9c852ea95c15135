package io.hangcheck.events;

import java.time.Instant;
import java.util.Map;

/**
 * One reboot decision, as recorded in the executor's ledger and published on {@link Topics#REBOOTS}
 * (key = host id). The ledger in PostgreSQL is the record; the topic follows from it.
 *
 * @param recordId   unique id of this record (ledger row id, e.g. {@code 1234})
 * @param incidentId the incident (from the HUNG event, or {@code manual/...})
 * @param hostId     the host
 * @param decision   what was decided
 * @param reason     why
 * @param reasonText the reason's sentence, for readers without the enum
 * @param driver     driver name (dry-run, redfish, exec, webhook), or null when none was chosen
 * @param attempt    1 for the first reset of the incident, 2 after an escalation
 * @param at         executor's clock at the decision
 * @param detail     free-form facts (reset type, driver message, limits in force)
 */
public record RebootRecord(
        String recordId,
        String incidentId,
        String hostId,
        RebootDecision decision,
        RebootReason reason,
        String reasonText,
        String driver,
        int attempt,
        Instant at,
        Map<String, String> detail) {

    public RebootRecord {
        Check.text(recordId, "recordId", 128);
        Check.text(incidentId, "incidentId", 400);
        Check.matches(hostId, "hostId", Heartbeat.HOST_ID, Heartbeat.HOST_ID_MAX);
        Check.required(decision, "decision");
        Check.required(reason, "reason");
        if (reasonText == null) {
            reasonText = reason.sentence();
        }
        Check.nonNegative(attempt, "attempt");
        Check.required(at, "at");
        detail = Check.map(detail, "detail");
    }
}
