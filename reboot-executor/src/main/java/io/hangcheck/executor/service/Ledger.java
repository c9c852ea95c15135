package io.hangcheck.executor.service;

import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.domain.Evidence;
import io.hangcheck.executor.domain.FleetStatus;
import io.hangcheck.executor.domain.InventoryEntry;
import io.hangcheck.executor.domain.PauseState;
import io.hangcheck.executor.domain.ResetType;
import io.hangcheck.executor.domain.Silence;
import io.hangcheck.executor.domain.Situation;
import io.hangcheck.executor.store.ActionOutcome;
import io.hangcheck.executor.store.ActionRow;
import io.hangcheck.executor.store.Actions;
import io.hangcheck.executor.store.ClosedAs;
import io.hangcheck.executor.store.Database;
import io.hangcheck.executor.store.IncidentStanding;
import io.hangcheck.executor.store.Incidents;
import io.hangcheck.executor.store.Inventory;
import io.hangcheck.executor.store.KillSwitch;
import io.hangcheck.executor.store.LeaderLock;
import io.hangcheck.executor.store.LedgerRow;
import io.hangcheck.executor.store.LedgerRows;
import io.hangcheck.executor.store.Quarantines;
import io.hangcheck.executor.store.Silences;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger as the decision code speaks of it: a host's situation, an incident's claim and standing, an intent
 * recorded before its driver runs, the driver's outcome after, a decision, a closed attempt. Every change happens
 * in one transaction under the decision lock ({@link #decide}), so decisions are serialised and only the leader
 * writes; the tables themselves are the {@code store} classes'.
 */
@ApplicationScoped
public class Ledger {

    @Inject
    Database db;
    @Inject
    LeaderLock lock;
    @Inject
    Incidents incidents;
    @Inject
    Actions actions;
    @Inject
    LedgerRows rows;
    @Inject
    Quarantines quarantines;
    @Inject
    KillSwitch killSwitch;
    @Inject
    Silences silences;
    @Inject
    Inventory inventory;
    @Inject
    ExecutorConfig config;

    /** Work in one of the ledger's transactions. */
    @FunctionalInterface
    public interface Step<T> {
        T run(Tx tx) throws SQLException;
    }

    /** {@code step} in one transaction under the decision lock, fenced to this process's leadership. */
    public <T> T decide(Step<T> step) {
        return db.inTransaction(c -> {
            lock.lockDecisions(c);
            return step.run(new Tx(c));
        });
    }

    /** {@code step} in one transaction that writes nothing (it is rolled back) and waits for no lock. */
    public <T> T look(Step<T> step) {
        return db.inTransaction(c -> {
            T out = step.run(new Tx(c));
            c.rollback();
            return out;
        });
    }

    /** One transaction of the ledger. */
    public final class Tx {
        private final Connection c;

        private Tx(Connection c) {
            this.c = c;
        }

        /** Every fact the chain looks at for one request on {@code hostId}. */
        public Situation situation(String hostId, Map<String, String> labels, Situation.Origin origin, boolean duplicate,
                                   Evidence evidence, FleetStatus fleet, Instant now) throws SQLException {
            Optional<InventoryEntry> inv = inventory.get(c, hostId);
            Map<String, String> inventoryLabels = inv.map(InventoryEntry::labels).orElse(Map.of());
            Map<String, String> eventLabels = labels == null ? Map.of() : labels;
            Map<String, String> allLabels = new HashMap<>(eventLabels);
            allLabels.putAll(inventoryLabels);
            // a silence matches by host id, or by a label of the event or of the inventory (either is enough)
            Silence silence = silences.active(c, now).stream()
                    .filter(si -> si.matches(hostId, eventLabels, now) || si.matches(hostId, inventoryLabels, now))
                    .findFirst().orElse(null);
            ExecutorConfig.Limits l = config.limits();
            Duration bucketLookback = l.bucketPeriod().compareTo(l.degradedBucketPeriod()) >= 0 ? l.bucketPeriod() : l.degradedBucketPeriod();
            return new Situation(hostId, allLabels, origin, duplicate, killSwitch.pause(c), silence, inv.orElse(null),
                    evidence == null ? Evidence.NO_STATE : evidence, fleet,
                    quarantines.isQuarantined(c, hostId),
                    actions.hostResets(c, hostId, now.minus(l.quarantineWindow())),
                    actions.inFlight(c),
                    actions.resetsSince(c, now.minus(bucketLookback)),
                    actions.hostsResetSince(c, now.minus(Duration.ofHours(1)), hostId),
                    inventory.enabledHosts(c),
                    actions.openAttempt(c, hostId));
        }

        /**
         * Claims an incident for this request, with its HUNG's {@code groupDegraded} mark (null when none); false when
         * it was claimed before (a duplicate).
         */
        public boolean claim(String incidentId, String hostId, String bootId, Situation.Origin origin, String groupDegraded,
                             Instant now) throws SQLException {
            return incidents.claim(c, incidentId, hostId, bootId, origin.name(), groupDegraded, now);
        }

        public IncidentStanding standing(String incidentId) throws SQLException {
            return incidents.standing(c, incidentId);
        }

        /** Records a decision that resets nothing (or an outcome, an escalation): one ledger row. */
        public RebootRecord record(LedgerRow row) throws SQLException {
            return rows.append(c, row);
        }

        /** Records the intent of attempt {@code number}: its action row and its INTENT ledger row, before any driver runs. */
        public Attempt recordIntent(String incidentId, String hostId, String bootId, int number, String driver, ResetType type,
                                    RebootReason reason, Map<String, String> detail, InventoryEntry inv, Instant now) throws SQLException {
            long id = actions.insert(c, incidentId, hostId, number, driver, type, bootId, now);
            RebootRecord intent = rows.append(c, new LedgerRow(incidentId, hostId, RebootDecision.INTENT, reason, driver,
                    number, now, detail));
            return new Attempt(intent, id, inv, type, bootId);
        }

        /**
         * Records the driver's answer to {@code a}, closing the attempt as {@code closedAs} (null: open, waiting for
         * the new boot until {@code deadline}). False when the attempt had an outcome already (marked UNKNOWN meanwhile).
         */
        public boolean recordOutcome(Attempt a, ActionOutcome outcome, ClosedAs closedAs, Instant deadline, Instant now) throws SQLException {
            return actions.setOutcome(c, a.actionId(), outcome, now, deadline, closedAs);
        }

        /** Marks an attempt whose driver never answered UNKNOWN, with its ledger row. */
        public RebootRecord recordUnknown(ActionRow a, Instant now) throws SQLException {
            actions.setOutcome(c, a.id(), ActionOutcome.UNKNOWN, now, null, ClosedAs.UNKNOWN);
            return rows.append(c, new LedgerRow(a.incidentId(), a.hostId(), RebootDecision.UNKNOWN,
                    RebootReason.INTERRUPTED_ATTEMPT, a.driver(), a.attempt(), now,
                    Map.of("resetType", a.resetType().name(), "intentAt", a.intentAt().toString())));
        }

        /** Closes an executed attempt as {@code as} and records why. */
        public RebootRecord close(ActionRow a, ClosedAs as, RebootDecision decision, RebootReason reason,
                                  Map<String, String> detail, Instant now) throws SQLException {
            actions.close(c, a.id(), as);
            return rows.append(c, new LedgerRow(a.incidentId(), a.hostId(), decision, reason, a.driver(), a.attempt(), now, detail));
        }

        /** Quarantines a host; false if it already was (so it is reported once). */
        public boolean quarantine(String hostId, RebootReason reason, String incidentId, Instant now) throws SQLException {
            return quarantines.quarantine(c, hostId, reason.name(), incidentId, now);
        }

        /** Attempts without a driver answer: all of them ({@code before} null), or those whose intent is older than {@code before}. */
        public List<ActionRow> unanswered(Instant before) throws SQLException {
            return before == null ? actions.unfinished(c) : actions.outcomeOverdue(c, before);
        }

        /** Executed attempts waiting for their host to come back: every host's ({@code hostId} null) or one host's. */
        public List<ActionRow> awaitingConfirmation(String hostId) throws SQLException {
            return hostId == null ? actions.awaitingConfirmation(c) : actions.awaitingConfirmation(c, hostId);
        }

        public PauseState pause() throws SQLException {
            return killSwitch.pause(c);
        }

        public Optional<InventoryEntry> inventory(String hostId) throws SQLException {
            return inventory.get(c, hostId);
        }

        public int inFlight() throws SQLException {
            return actions.inFlight(c);
        }

        public List<Instant> resetsSince(Instant since) throws SQLException {
            return actions.resetsSince(c, since);
        }
    }
}
