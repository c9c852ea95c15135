package io.hangcheck.executor.service;

import io.hangcheck.events.HostState;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.domain.Evidence;
import io.hangcheck.executor.domain.FleetStatus;
import io.hangcheck.executor.domain.FleetView;
import io.hangcheck.executor.domain.InventoryEntry;
import io.hangcheck.executor.domain.Policy;
import io.hangcheck.executor.domain.ResetType;
import io.hangcheck.executor.domain.Situation;
import io.hangcheck.executor.domain.Verdict;
import io.hangcheck.executor.store.IncidentStanding;
import io.hangcheck.executor.store.LedgerRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The shell around the {@link Policy}: gathers the facts in one transaction under the decision lock (so decisions
 * are serialised), records the decision (ledger + outbox, same transaction), and only after that commit has the
 * {@link AttemptRunner} call the driver.
 */
@ApplicationScoped
public class Decider {

    @Inject
    Ledger ledger;
    @Inject
    Policy policy;
    @Inject
    FleetView fleetView;
    @Inject
    HostStateView hostStates;
    @Inject
    Drivers drivers;
    @Inject
    AttemptRunner attempts;
    @Inject
    StartupRecovery recovery;
    @Inject
    Alerts alerts;
    @Inject
    Clock clock;
    @Inject
    ExecutorConfig config;

    /** A request for a reset, before the chain. */
    public record Request(String incidentId, String hostId, String bootId, Map<String, String> labels,
                          Situation.Origin origin, Evidence evidence, Map<String, String> extraDetail,
                          String groupDegraded) {
        /**
         * A request without a group mark: an operator's, or the re-check's (host states do not carry the mark; the
         * re-check of a claimed incident takes the mark it was claimed with from the ledger).
         */
        public Request(String incidentId, String hostId, String bootId, Map<String, String> labels,
                       Situation.Origin origin, Evidence evidence, Map<String, String> extraDetail) {
            this(incidentId, hostId, bootId, labels, origin, evidence, extraDetail, null);
        }
    }

    /** What became of a request: the ledger records it produced (decision, then the driver's outcome). */
    public record Outcome(Verdict verdict, List<RebootRecord> records) {
    }

    /** The decision as committed: its verdict and record, and the attempt to run when it acts (else null). */
    private record Decided(Verdict verdict, RebootRecord record, Attempt attempt) {
    }

    /** A HUNG event from the evaluator. */
    public Outcome onHung(LivenessEvent e, Evidence evidence) {
        if (e.type() != LivenessEventType.HUNG) {
            throw new IllegalArgumentException("not a HUNG event: " + e.type());
        }
        Map<String, String> extra = new HashMap<>(Map.of("evaluatorId", e.evaluatorId(), "eventId", e.eventId()));
        if (e.groupDegraded() != null) {
            extra.put("groupDegraded", e.groupDegraded());
        }
        return decide(new Request(e.incidentId(), e.hostId(), e.bootId(), e.labels(), Situation.Origin.HUNG,
                evidence, extra, e.groupDegraded()), false);
    }

    /** An operator's request; {@code force} skips the chain but duplicate and inventory. */
    public Outcome manual(String hostId, String requestId, boolean force, String author, String reason) {
        HostState st = hostStates.get(hostId);
        String incident = "manual/" + hostId + "/" + Objects.requireNonNull(requestId, "requestId");
        Map<String, String> extra = new HashMap<>();
        extra.put("author", author);
        if (reason != null) {
            extra.put("operatorReason", reason);
        }
        return decide(new Request(incident, hostId, st == null ? null : st.bootId(), st == null ? Map.of() : st.labels(),
                force ? Situation.Origin.FORCED : Situation.Origin.MANUAL, null, extra), false);
    }

    /** What the chain would decide now for {@code hostId}, for a HUNG and for an operator; nothing is written. */
    public Map<String, Verdict> whatIf(String hostId) {
        HostState st = hostStates.get(hostId);
        Evidence ev = st == null ? Evidence.NO_STATE : st.status() == HostStatus.HUNG ? Evidence.CORROBORATED : Evidence.CONTRADICTED;
        FleetStatus fleet = fleetView.status();
        Instant now = clock.instant();
        Map<String, String> labels = st == null ? Map.of() : st.labels();
        return ledger.look(tx -> {
            Map<String, Verdict> out = new LinkedHashMap<>();
            out.put("hung", policy.decide(tx.situation(hostId, labels, Situation.Origin.HUNG, false, ev, fleet, now)));
            out.put("manual", policy.decide(tx.situation(hostId, labels, Situation.Origin.MANUAL, false, ev, fleet, now)));
            return out;
        });
    }

    /**
     * Runs {@code req} through the chain. A re-check ({@code recheck}) decides a claimed incident again only
     * while {@link IncidentStanding#mayBeDecidedAgain()}, and writes nothing when the answer is the same as
     * last time (no ledger row, no record, no notification); an unclaimed one is decided as its HUNG would
     * have been.
     */
    Outcome decide(Request req, boolean recheck) {
        recovery.ensureRecovered();
        FleetStatus fleet = fleetView.status();
        Instant now = clock.instant();
        Decided d = ledger.decide(tx -> {
            IncidentStanding standing = recheck ? tx.standing(req.incidentId()) : null;
            boolean again = standing != null && standing.claimed();
            if (again && !standing.mayBeDecidedAgain()) {
                return null;
            }
            boolean duplicate = !again && !tx.claim(req.incidentId(), req.hostId(), req.bootId(), req.origin(),
                    req.groupDegraded(), now);
            // decided again: the incident keeps the group mark its HUNG came with (the host state has none)
            String groupDegraded = req.groupDegraded() != null ? req.groupDegraded() : again ? standing.groupDegraded() : null;
            Situation s = tx.situation(req.hostId(), req.labels(), req.origin(), duplicate, req.evidence(), fleet, now);
            Verdict v = policy.decide(s, groupDegraded); // a DEGRADED group: the slow bucket, as a DEGRADED fleet
            if (again && !v.acts() && v.decision() == standing.lastDecision() && v.reason() == standing.lastReason()) {
                return null; // the same answer as last time: nothing to record
            }
            Map<String, String> detail = new HashMap<>(v.detail());
            detail.putAll(req.extraDetail());
            if (groupDegraded != null) {
                detail.putIfAbsent(Policy.GROUP_DEGRADED, groupDegraded); // the ledger row names the group
            }
            String driver = s.inventory() == null ? null : drivers.nameFor(s.inventory());
            if (v.acts()) {
                ResetType type = firstResetType(s.inventory());
                detail.put("resetType", type.name());
                Attempt a = tx.recordIntent(req.incidentId(), req.hostId(), req.bootId(), 1, driver, type, v.reason(), detail,
                        s.inventory(), now);
                return new Decided(v, a.intent(), a);
            }
            if (v.decision() == RebootDecision.QUARANTINED && !tx.quarantine(req.hostId(), v.reason(), req.incidentId(), now)) {
                v = Verdict.of(RebootDecision.SKIPPED, RebootReason.HOST_QUARANTINED, v.detail());
            }
            RebootRecord r = tx.record(new LedgerRow(req.incidentId(), req.hostId(), v.decision(), v.reason(), driver, 0, now, detail));
            return new Decided(v, r, null);
        });
        if (d == null) {
            return new Outcome(null, List.of());
        }
        alerts.decided(d.record(), fleet);
        List<RebootRecord> records = new ArrayList<>();
        records.add(d.record());
        if (d.attempt() != null) {
            records.addAll(attempts.run(d.attempt()));
        }
        return new Outcome(d.verdict(), records); // gauges: refreshed by the sweeper, not per decision
    }

    private ResetType firstResetType(InventoryEntry e) {
        String t = e == null ? null : e.params().get("resetType");
        try {
            return ResetType.valueOf(t != null ? t : config.confirmation().firstResetType());
        } catch (IllegalArgumentException ex) {
            return ResetType.GracefulRestart;
        }
    }
}
