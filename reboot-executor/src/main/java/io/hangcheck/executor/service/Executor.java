package io.hangcheck.executor.service;

import io.hangcheck.events.FleetMode;
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
import io.hangcheck.executor.domain.PauseState;
import io.hangcheck.executor.domain.Policy;
import io.hangcheck.executor.domain.ResetType;
import io.hangcheck.executor.domain.Silence;
import io.hangcheck.executor.domain.Situation;
import io.hangcheck.executor.domain.Verdict;
import io.hangcheck.executor.driver.DriverException;
import io.hangcheck.executor.driver.RebootDriver;
import io.hangcheck.executor.driver.ResetRequest;
import io.hangcheck.executor.driver.Retrier;
import io.hangcheck.executor.metrics.ExecutorMetrics;
import io.hangcheck.executor.notify.Alert;
import io.hangcheck.executor.notify.Notifier;
import io.hangcheck.executor.store.ActionRow;
import io.hangcheck.executor.store.IncidentStanding;
import io.hangcheck.executor.store.LedgerRow;
import io.hangcheck.executor.store.NotLeaderException;
import io.hangcheck.executor.store.Store;
import io.hangcheck.executor.store.StoreException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The executor's shell around the {@link Policy}: gathers the facts in one database transaction (under an
 * advisory lock, so decisions are serialised), records the decision (ledger + outbox, same transaction),
 * and only after that commit calls the driver. Also confirms resets (new boot id), escalates once on boot
 * timeout, and at start-up marks interrupted attempts UNKNOWN (reported, never repeated).
 */
@ApplicationScoped
public class Executor {
    private static final Logger LOG = Logger.getLogger(Executor.class);

    @Inject
    Store store;
    @Inject
    Policy policy;
    @Inject
    FleetView fleetView;
    @Inject
    HostStateView hostStates;
    @Inject
    Drivers drivers;
    @Inject
    Retrier retrier;
    @Inject
    Clock clock;
    @Inject
    ExecutorConfig config;
    @Inject
    ExecutorMetrics metrics;
    @Inject
    Notifier notifier;
    @Inject
    org.flywaydb.core.Flyway flyway;

    private volatile boolean recovered;
    private volatile String lastDatabaseError;
    private volatile boolean schemaReady;
    private ScheduledExecutorService sweeper;

    /** A request for a reset, before the chain. */
    public record Request(String incidentId, String hostId, String bootId, Map<String, String> labels,
                          Situation.Origin origin, Evidence evidence, Map<String, String> extraDetail) {
    }

    /** What became of a request: the ledger records it produced (decision, then the driver's outcome). */
    public record Outcome(Verdict verdict, List<RebootRecord> records) {
    }

    private record Decided(Verdict verdict, RebootRecord record, long actionId, InventoryEntry inventory,
                           ResetType resetType, int attempt, String incidentId, String hostId, String bootId) {
    }

    void start(@Observes StartupEvent ev) {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "executor-sweeper");
            t.setDaemon(true);
            return t;
        });
        long every = config.confirmation().sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepSafely, every, every, TimeUnit.MILLISECONDS);
        if (config.recheck().enabled()) {
            long recheckEvery = config.recheck().interval().toMillis();
            sweeper.scheduleWithFixedDelay(this::recheckSafely, recheckEvery, recheckEvery, TimeUnit.MILLISECONDS);
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    /** Why the executor cannot act right now, or empty when it can (for the readiness check). */
    public Optional<String> notReadyBecause() {
        try {
            store.ping();
            lastDatabaseError = null;
            // the leader migrates when it takes the lock: until the schema is there, nothing (an inventory PUT
            // included) can be served, so a replica is not ready before it, whether it leads or stands by
            if (!schemaReady) {
                if (flyway.info().pending().length > 0) {
                    return Optional.of("the ledger's schema is not migrated yet (the leader migrates it when it takes the lock)");
                }
                schemaReady = true;
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            lastDatabaseError = e.getMessage();
            return Optional.of("database unavailable, nothing is rebooted: " + e.getMessage());
        }
    }

    /**
     * Run by {@link Leadership} once this process holds the leader lock, before any decision: migrates, then marks
     * attempts left without an outcome (the previous leader stopped between intent and driver answer) as UNKNOWN.
     * They are reported and never repeated by themselves.
     */
    public synchronized void recoverAsLeader() {
        flyway.migrate();
        schemaReady = true;
        markUnknown(null);
        recovered = true;
    }

    /** Leadership was lost: nothing is decided here until this process leads (and has recovered) again. */
    public void forgetRecovery() {
        recovered = false;
    }

    /** Fails unless this process leads and has recovered. */
    private void ensureRecovered() {
        if (!recovered) {
            throw new NotLeaderException("this executor is a standby (not the leader, or not recovered yet); nothing is decided here");
        }
    }

    /**
     * Marks attempts without a driver answer UNKNOWN (reported, never repeated): all of them at start-up
     * ({@code olderThan} null), or, while running, those older than the outcome timeout.
     */
    private void markUnknown(Instant olderThan) {
        Instant now = clock.instant();
        List<RebootRecord> marked = store.inTransaction(c -> {
            store.lockDecisions(c);
            List<RebootRecord> out = new ArrayList<>();
            for (ActionRow a : olderThan == null ? store.unfinishedActions(c) : store.outcomeOverdue(c, olderThan)) {
                store.setOutcome(c, a.id(), "UNKNOWN", now, null, true, "UNKNOWN");
                out.add(store.append(c, new LedgerRow(a.incidentId(), a.hostId(), RebootDecision.UNKNOWN,
                        RebootReason.INTERRUPTED_ATTEMPT, a.driver(), a.attempt(), now,
                        Map.of("resetType", a.resetType().name(), "intentAt", a.intentAt().toString()))));
            }
            return out;
        });
        for (RebootRecord r : marked) {
            LOG.warnf("attempt %d of incident %s on host %s was interrupted between intent and outcome: UNKNOWN, not repeated",
                    r.attempt(), r.incidentId(), r.hostId());
            counted(r);
            notifier.alert(new Alert("interrupted-attempts", r.incidentId() + "#" + r.attempt(),
                    "host " + r.hostId() + ": attempt " + r.attempt() + " of " + r.incidentId()
                            + " was interrupted; whether it was reset is UNKNOWN; not repeated by itself"));
        }
    }

    // ---- inputs ----

    /** A HUNG event from the evaluator. */
    public Outcome onHung(LivenessEvent e, Evidence evidence) {
        if (e.type() != LivenessEventType.HUNG) {
            throw new IllegalArgumentException("not a HUNG event: " + e.type());
        }
        return handle(new Request(e.incidentId(), e.hostId(), e.bootId(), e.labels(), Situation.Origin.HUNG,
                evidence, Map.of("evaluatorId", e.evaluatorId(), "eventId", e.eventId())));
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
        return handle(new Request(incident, hostId, st == null ? null : st.bootId(), st == null ? Map.of() : st.labels(),
                force ? Situation.Origin.FORCED : Situation.Origin.MANUAL, null, extra));
    }

    /** What the chain would decide now for {@code hostId}, for a HUNG and for an operator; nothing is written. */
    public Map<String, Verdict> whatIf(String hostId) {
        HostState st = hostStates.get(hostId);
        Evidence ev = st == null ? Evidence.NO_STATE : st.status() == HostStatus.HUNG ? Evidence.CORROBORATED : Evidence.CONTRADICTED;
        FleetStatus fleet = fleetView.status();
        Instant now = clock.instant();
        Map<String, String> labels = st == null ? Map.of() : st.labels();
        return store.inTransaction(c -> {
            Map<String, Verdict> out = new java.util.LinkedHashMap<>();
            out.put("hung", policy.decide(situation(c, hostId, labels, Situation.Origin.HUNG, false, ev, fleet, now)));
            out.put("manual", policy.decide(situation(c, hostId, labels, Situation.Origin.MANUAL, false, ev, fleet, now)));
            c.rollback();
            return out;
        });
    }

    /** A REBOOTED or RECOVERED event: confirms an executed reset when the boot id is new. */
    public List<RebootRecord> onReturn(LivenessEvent e) {
        if (e.type() != LivenessEventType.REBOOTED && e.type() != LivenessEventType.RECOVERED) {
            return List.of();
        }
        ensureRecovered();
        Instant now = clock.instant();
        List<RebootRecord> out = store.inTransaction(c -> {
            store.lockDecisions(c);
            List<RebootRecord> records = new ArrayList<>();
            for (ActionRow a : store.awaitingConfirmation(c, e.hostId())) {
                boolean newBoot = e.type() == LivenessEventType.REBOOTED
                        || (a.bootId() != null && !Objects.equals(a.bootId(), e.bootId()));
                Map<String, String> detail = new HashMap<>();
                detail.put("bootId", e.bootId());
                if (a.bootId() != null) {
                    detail.put("previousBootId", a.bootId());
                }
                detail.put("event", e.type().name());
                if (newBoot) {
                    store.closeAction(c, a.id(), "CONFIRMED");
                    records.add(store.append(c, new LedgerRow(a.incidentId(), a.hostId(), RebootDecision.CONFIRMED,
                            RebootReason.NEW_BOOT_SEEN, a.driver(), a.attempt(), now, detail)));
                } else {
                    store.closeAction(c, a.id(), "RECOVERED_WITHOUT_REBOOT");
                    records.add(store.append(c, new LedgerRow(a.incidentId(), a.hostId(), RebootDecision.SKIPPED,
                            RebootReason.RECOVERED_WITHOUT_REBOOT, a.driver(), a.attempt(), now, detail)));
                }
            }
            return records;
        });
        out.forEach(this::counted);
        return out;
    }

    // ---- the decision ----

    Outcome handle(Request req) {
        return handle(req, false);
    }

    /**
     * Runs {@code req} through the chain. A re-check ({@code recheck}) decides a claimed incident again only
     * while {@link IncidentStanding#mayBeDecidedAgain()}, and writes nothing when the answer is the same as
     * last time (no ledger row, no record, no notification); an unclaimed one is decided as its HUNG would
     * have been.
     */
    private Outcome handle(Request req, boolean recheck) {
        ensureRecovered();
        FleetStatus fleet = fleetView.status();
        Instant now = clock.instant();
        Decided d = store.inTransaction(c -> {
            store.lockDecisions(c);
            IncidentStanding standing = recheck ? store.standing(c, req.incidentId()) : null;
            boolean duplicate;
            if (standing != null && standing.claimed()) {
                if (!standing.mayBeDecidedAgain()) {
                    return null;
                }
                duplicate = false;
            } else {
                duplicate = !store.claimIncident(c, req.incidentId(), req.hostId(), req.bootId(), req.origin().name(), now);
            }
            Situation s = situation(c, req.hostId(), req.labels(), req.origin(), duplicate, req.evidence(), fleet, now);
            Verdict v = policy.decide(s);
            if (standing != null && standing.claimed() && !v.acts()
                    && v.decision() == standing.lastDecision() && v.reason() == standing.lastReason()) {
                return null; // the same answer as last time: nothing to record
            }
            Map<String, String> detail = new HashMap<>(v.detail());
            detail.putAll(req.extraDetail());
            String driver = s.inventory() == null ? null : driverName(s.inventory());
            if (v.acts()) {
                ResetType type = firstResetType(s.inventory());
                detail.put("resetType", type.name());
                long actionId = store.insertAction(c, req.incidentId(), req.hostId(), 1, driver, type, req.bootId(), now);
                RebootRecord r = store.append(c, new LedgerRow(req.incidentId(), req.hostId(), RebootDecision.INTENT,
                        v.reason(), driver, 1, now, detail));
                return new Decided(v, r, actionId, s.inventory(), type, 1, req.incidentId(), req.hostId(), req.bootId());
            }
            if (v.decision() == RebootDecision.QUARANTINED
                    && !store.quarantine(c, req.hostId(), v.reason().name(), req.incidentId(), now)) {
                v = Verdict.of(RebootDecision.SKIPPED, RebootReason.HOST_QUARANTINED, v.detail());
            }
            RebootRecord r = store.append(c, new LedgerRow(req.incidentId(), req.hostId(), v.decision(), v.reason(),
                    driver, 0, now, detail));
            return new Decided(v, r, 0, s.inventory(), null, 0, req.incidentId(), req.hostId(), req.bootId());
        });
        if (d == null) {
            return new Outcome(null, List.of());
        }
        counted(d.record());
        alertFor(d.record(), fleet);
        List<RebootRecord> records = new ArrayList<>();
        records.add(d.record());
        if (d.verdict().acts()) {
            records.addAll(execute(d));
        }
        return new Outcome(d.verdict(), records); // gauges: refreshed by the sweeper, not per decision
    }

    private Situation situation(Connection c, String hostId, Map<String, String> labels, Situation.Origin origin,
                                boolean duplicate, Evidence evidence, FleetStatus fleet, Instant now) throws SQLException {
        Optional<InventoryEntry> inv = store.inventory(c, hostId);
        Map<String, String> inventoryLabels = inv.map(InventoryEntry::labels).orElse(Map.of());
        Map<String, String> eventLabels = labels == null ? Map.of() : labels;
        Map<String, String> allLabels = new HashMap<>(eventLabels);
        allLabels.putAll(inventoryLabels);
        PauseState pause = store.pause(c);
        // a silence matches by host id, or by a label of the event or of the inventory (either is enough)
        Silence silence = store.activeSilences(c, now).stream()
                .filter(si -> si.matches(hostId, eventLabels, now) || si.matches(hostId, inventoryLabels, now))
                .findFirst().orElse(null);
        ExecutorConfig.Limits l = config.limits();
        java.time.Duration bucketLookback = l.bucketPeriod().compareTo(l.degradedBucketPeriod()) >= 0 ? l.bucketPeriod() : l.degradedBucketPeriod();
        return new Situation(hostId, allLabels, origin, duplicate, pause, silence, inv.orElse(null),
                evidence == null ? Evidence.NO_STATE : evidence, fleet,
                store.isQuarantined(c, hostId),
                store.hostResets(c, hostId, now.minus(l.quarantineWindow())),
                store.inFlight(c),
                store.resetsSince(c, now.minus(bucketLookback)),
                store.hostsResetSince(c, now.minus(java.time.Duration.ofHours(1)), hostId),
                store.enabledHosts(c),
                store.openAttempt(c, hostId));
    }

    /**
     * Calls the driver and records its answer (nothing when the attempt was closed as UNKNOWN meanwhile). A driver
     * that reports {@code NOT_ACCEPTED} (the BMC refused before accepting a reset: the host was certainly not reset)
     * is recorded as FAILED and the next, harsher reset type is tried at once as the next attempt.
     */
    private List<RebootRecord> execute(Decided d) {
        RebootDriver driver = drivers.get(d.record().driver());
        Map<String, String> detail = new HashMap<>();
        detail.put("resetType", d.resetType().name());
        String outcome;
        RebootDecision decision;
        RebootReason reason;
        Optional<ResetType> nextStep = Optional.empty();
        long t0 = System.nanoTime();
        if (driver == null) {
            decision = RebootDecision.FAILED;
            reason = RebootReason.DRIVER_ERROR;
            outcome = "FAILED";
            detail.put("error", "unknown driver '" + d.record().driver() + "'");
        } else {
            try {
                String msg = retrier.reset(driver, new ResetRequest(d.hostId(), d.incidentId(), d.attempt(),
                        d.resetType(), d.inventory().params()));
                decision = RebootDecision.EXECUTED;
                reason = d.record().reason();
                outcome = "EXECUTED";
                detail.put("driverMessage", msg);
            } catch (DriverException e) {
                metrics.driverFailures.labels(driver.name(), e.kind().name().toLowerCase()).inc();
                decision = RebootDecision.FAILED;
                reason = RebootReason.DRIVER_ERROR;
                outcome = "FAILED";
                detail.put("error", e.getMessage());
                detail.put("errorKind", e.kind().name());
                if (e.kind() == DriverException.Kind.NOT_ACCEPTED) {
                    nextStep = d.resetType().next();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // Leave the attempt without an outcome: the next start marks it UNKNOWN.
                throw new IllegalStateException("interrupted while the driver ran; attempt left UNKNOWN", e);
            } finally {
                metrics.driverLatency.labels(driver.name()).observe((System.nanoTime() - t0) / 1e9);
            }
        }
        Instant now = clock.instant();
        Instant deadline = decision == RebootDecision.EXECUTED ? now.plus(config.confirmation().bootTimeout()) : null;
        if (deadline != null) {
            detail.put("confirmBy", deadline.toString());
        }
        RebootDecision dec = decision;
        RebootReason rea = reason;
        String out = outcome;
        Optional<ResetType> next = nextStep;
        List<Decided> then = new ArrayList<>();
        List<RebootRecord> records = store.inTransaction(c -> {
            store.lockDecisions(c); // fenced: a replaced leader does not write over its successor's UNKNOWN
            if (!store.setOutcome(c, d.actionId(), out, now, deadline, dec != RebootDecision.EXECUTED,
                    dec == RebootDecision.EXECUTED ? null : next.isPresent() ? "NOT_ACCEPTED" : out)) {
                return List.<RebootRecord>of();
            }
            List<RebootRecord> rs = new ArrayList<>();
            rs.add(store.append(c, new LedgerRow(d.incidentId(), d.hostId(), dec, rea, d.record().driver(), d.attempt(), now, detail)));
            if (next.isPresent()) { // not reset for sure: the next step now, as the next attempt
                rs.add(store.append(c, new LedgerRow(d.incidentId(), d.hostId(), RebootDecision.ESCALATED, RebootReason.DRIVER_ERROR,
                        d.record().driver(), d.attempt(), now, Map.of("from", d.resetType().name(), "to", next.get().name(),
                        "errorKind", DriverException.Kind.NOT_ACCEPTED.name()))));
                long id = store.insertAction(c, d.incidentId(), d.hostId(), d.attempt() + 1, d.record().driver(), next.get(), d.bootId(), now);
                RebootRecord intent = store.append(c, new LedgerRow(d.incidentId(), d.hostId(), RebootDecision.INTENT,
                        d.record().reason(), d.record().driver(), d.attempt() + 1, now, Map.of("resetType", next.get().name())));
                rs.add(intent);
                then.add(new Decided(d.verdict(), intent, id, d.inventory(), next.get(), d.attempt() + 1, d.incidentId(), d.hostId(), d.bootId()));
            }
            return rs;
        });
        if (records.isEmpty()) {
            LOG.warnf("attempt %d of %s on %s: the driver answered %s after the attempt was closed as UNKNOWN; not recorded over it",
                    d.attempt(), d.incidentId(), d.hostId(), out);
            return records;
        }
        records.forEach(this::counted);
        if (dec == RebootDecision.FAILED) {
            notifier.alert(new Alert("driver-failures", d.incidentId() + "#" + d.attempt(),
                    "host " + d.hostId() + ": " + d.record().driver() + " failed: " + detail.get("error")
                            + next.map(t -> "; not reset, trying " + t + " now").orElse("")));
        }
        List<RebootRecord> all = new ArrayList<>(records);
        for (Decided n : then) {
            all.addAll(execute(n));
        }
        return all;
    }

    // ---- unanswered hangs ----

    private long lastRecheckWarning = System.nanoTime() - 120_000_000_000L;

    private void recheckSafely() {
        if (!recovered) {
            return; // a standby re-checks nothing
        }
        try {
            recheck();
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            if (now - lastRecheckWarning > 60_000_000_000L) {
                lastRecheckWarning = now;
                LOG.warnf("re-check of unanswered hangs failed: %s", e.getMessage());
            }
        }
    }

    /**
     * Looks again at every host the evaluator still reports HUNG (its compacted state: the same evidence a HUNG
     * event is corroborated with; only records whose {@code ce_source} is the evaluator's) for at least
     * {@code recheck.after} since this executor first received that incident: an incident the ledger never saw (the
     * database was down when its HUNG came, so the event went to the DLQ) is decided now; one held or skipped
     * for a reason that can pass ({@link IncidentStanding#CAN_PASS}) goes through the whole chain again, caps
     * and buckets included. Nothing with an attempt is decided again. Returns the records written.
     */
    public List<RebootRecord> recheck() {
        Instant receivedBefore = clock.instant().minus(config.recheck().after());
        List<RebootRecord> out = new ArrayList<>();
        for (HostStateView.Seen seen : hostStates.hungSeen()) {
            HostState st = seen.state();
            // only an evaluator's record, HUNG for the re-check delay by our own receive time (its "since" may be forged)
            if (st.incidentId() == null || !seen.fromEvaluator() || seen.incidentReceivedAt().isAfter(receivedBefore)) {
                continue;
            }
            Map<String, String> extra = Map.of("recheck", "true", "hungSince", st.since().toString(),
                    "receivedAt", seen.incidentReceivedAt().toString(), "evaluatorId", String.valueOf(st.evaluatorId()));
            Outcome o = handle(new Request(st.incidentId(), st.hostId(), st.bootId(), st.labels(), Situation.Origin.HUNG,
                    Evidence.CORROBORATED, extra), true);
            for (RebootRecord r : o.records()) {
                LOG.infof("re-check of %s on %s: %s %s", r.incidentId(), r.hostId(), r.decision(), r.reason());
            }
            out.addAll(o.records());
        }
        return out;
    }

    // ---- confirmation deadline and escalation ----

    private long lastSweepWarning = System.nanoTime() - 120_000_000_000L;

    private void sweepSafely() {
        if (!recovered) {
            return; // a standby sweeps nothing
        }
        try {
            sweep();
            refreshGauges();
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            if (now - lastSweepWarning > 60_000_000_000L) { // at most one warning a minute while the database is away
                lastSweepWarning = now;
                LOG.warnf("confirmation sweep failed: %s", e.getMessage());
            }
        }
    }

    /** Escalates (once) or quarantines executed resets whose host did not come back in time. */
    public List<RebootRecord> sweep() {
        ensureRecovered();
        Instant now = clock.instant();
        markUnknown(now.minus(config.confirmation().outcomeTimeout()));
        FleetStatus fleet = fleetView.status();
        List<Decided> toExecute = new ArrayList<>();
        List<RebootRecord> records = store.inTransaction(c -> {
            store.lockDecisions(c);
            List<RebootRecord> out = new ArrayList<>();
            PauseState pause = store.pause(c);
            for (ActionRow a : store.awaitingConfirmation(c)) {
                if (a.deadlineAt() == null || a.deadlineAt().isAfter(now)) {
                    continue;
                }
                Optional<ResetType> next = a.attempt() < 2 ? a.resetType().next() : Optional.empty();
                Optional<InventoryEntry> inv = store.inventory(c, a.hostId());
                boolean usable = inv.isPresent() && inv.get().enabled();
                if (next.isPresent() && usable) {
                    if (pause.paused() || fleet.mode() == FleetMode.FROZEN) {
                        continue; // hold the escalation; looked at again on the next sweep
                    }
                    Map<String, String> detail = Map.of("from", a.resetType().name(), "to", next.get().name(),
                            "deadline", a.deadlineAt().toString());
                    store.closeAction(c, a.id(), "ESCALATED");
                    out.add(store.append(c, new LedgerRow(a.incidentId(), a.hostId(), RebootDecision.ESCALATED,
                            RebootReason.BOOT_TIMEOUT, a.driver(), a.attempt(), now, detail)));
                    String driver = driverName(inv.get());
                    long id = store.insertAction(c, a.incidentId(), a.hostId(), a.attempt() + 1, driver, next.get(), a.bootId(), now);
                    RebootRecord intent = store.append(c, new LedgerRow(a.incidentId(), a.hostId(), RebootDecision.INTENT,
                            RebootReason.BOOT_TIMEOUT, driver, a.attempt() + 1, now, Map.of("resetType", next.get().name())));
                    out.add(intent);
                    toExecute.add(new Decided(Verdict.of(RebootDecision.INTENT, RebootReason.BOOT_TIMEOUT, Map.of()), intent,
                            id, inv.get(), next.get(), a.attempt() + 1, a.incidentId(), a.hostId(), a.bootId()));
                } else {
                    store.closeAction(c, a.id(), "QUARANTINED");
                    boolean first = store.quarantine(c, a.hostId(), RebootReason.BOOT_TIMEOUT.name(), a.incidentId(), now);
                    out.add(store.append(c, new LedgerRow(a.incidentId(), a.hostId(),
                            first ? RebootDecision.QUARANTINED : RebootDecision.SKIPPED,
                            first ? RebootReason.BOOT_TIMEOUT : RebootReason.HOST_QUARANTINED, a.driver(), a.attempt(), now,
                            Map.of("resetType", a.resetType().name(), "deadline", a.deadlineAt().toString()))));
                }
            }
            return out;
        });
        for (RebootRecord r : records) {
            counted(r);
            alertFor(r, fleet);
        }
        List<RebootRecord> all = new ArrayList<>(records);
        for (Decided d : toExecute) {
            all.addAll(execute(d));
        }
        return all;
    }

    // ---- helpers ----

    private String driverName(InventoryEntry e) {
        return e.driver() == null || e.driver().isBlank() ? config.defaultDriver() : e.driver();
    }

    private ResetType firstResetType(InventoryEntry e) {
        String t = e == null ? null : e.params().get("resetType");
        try {
            return ResetType.valueOf(t != null ? t : config.confirmation().firstResetType());
        } catch (IllegalArgumentException ex) {
            return ResetType.GracefulRestart;
        }
    }

    private void counted(RebootRecord r) {
        metrics.decisions.labels(r.decision().name(), r.reason().name()).inc();
    }

    private void alertFor(RebootRecord r, FleetStatus fleet) {
        String host = r.hostId();
        switch (r.decision()) {
            case HELD -> {
                if (r.reason() == RebootReason.FLEET_FROZEN) {
                    notifier.fleet(fleet); // the one freeze alert (also raised from the fleet view alone, without any HUNG)
                } else {
                    notifier.alert(new Alert("fleet-degraded", "fleet", "The fleet is DEGRADED (" + String.join("; ", fleet.reasons())
                            + "): reboots go at the secondary (slow) rate; some hangs are held."));
                }
            }
            case QUARANTINED -> notifier.alert(new Alert("quarantine", host, "host " + host + " is quarantined ("
                    + r.reasonText() + "); it waits for a person"));
            case ESCALATED -> notifier.alert(new Alert("escalations", r.incidentId(), "host " + host
                    + " did not come back after attempt " + r.attempt() + "; escalating"));
            case SKIPPED -> {
                switch (r.reason()) {
                    case NOT_CORROBORATED -> notifier.alert(new Alert("not-corroborated", host, "host " + host
                            + ": a HUNG event was not confirmed by the evaluator's host state (forged or stale?)"));
                    case IN_FLIGHT_CAP, RATE_LIMITED, FLEET_SHARE_CAP -> notifier.alert(new Alert("rate-limited", host,
                            "host " + host + ": hang not answered (" + r.reason() + ")"));
                    default -> { }
                }
            }
            default -> { }
        }
    }

    /** Updates the gauges from the database (best effort). */
    public void refreshGauges() {
        try {
            Instant now = clock.instant();
            store.inTransaction(c -> {
                metrics.inFlight.set(store.inFlight(c));
                metrics.tokensLeft.set(policy.tokensLeft(store.resetsSince(c, now.minus(config.limits().bucketPeriod()))));
                metrics.paused.set(store.pause(c).paused() ? 1 : 0);
                return null;
            });
            metrics.quarantinedHosts.set(store.quarantinedHosts());
        } catch (RuntimeException e) {
            LOG.debugf("gauges not refreshed: %s", e.getMessage());
        }
    }

    public String lastDatabaseError() {
        return lastDatabaseError;
    }
}
