package io.hangcheck.executor.store;

import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;

import java.time.Instant;
import java.util.Map;

/** A ledger row to append: everything of a {@link RebootRecord} but the id, which the database assigns. */
public record LedgerRow(String incidentId, String hostId, RebootDecision decision, RebootReason reason,
                        String driver, int attempt, Instant at, Map<String, String> detail) {

    public RebootRecord toRecord(long id) {
        return new RebootRecord(Long.toString(id), incidentId, hostId, decision, reason, reason.sentence(),
                driver, attempt, at, detail);
    }
}
