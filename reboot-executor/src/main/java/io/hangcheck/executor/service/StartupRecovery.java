package io.hangcheck.executor.service;

import io.hangcheck.events.RebootRecord;
import io.hangcheck.executor.store.ActionRow;
import io.hangcheck.executor.store.Database;
import io.hangcheck.executor.store.NotLeaderException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a process does when it becomes the leader, before any decision: migrates the schema, then marks attempts
 * left without an outcome (the previous leader stopped between intent and driver answer) UNKNOWN. They are reported
 * and never repeated by themselves. Nothing is decided here until this has run ({@link #ensureRecovered}).
 */
@ApplicationScoped
public class StartupRecovery {
    private static final Logger LOG = Logger.getLogger(StartupRecovery.class);

    @Inject
    Ledger ledger;
    @Inject
    Database db;
    @Inject
    Flyway flyway;
    @Inject
    Clock clock;
    @Inject
    Alerts alerts;

    private volatile boolean recovered;
    private volatile boolean schemaReady;

    /** Why the executor cannot act right now, or empty when it can (for the readiness check). */
    public Optional<String> notReadyBecause() {
        try {
            db.ping();
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
            return Optional.of("database unavailable, nothing is rebooted: " + e.getMessage());
        }
    }

    /** Run by {@link Leadership} once this process holds the leader lock, before any decision. */
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

    /** True while this process leads and has recovered. */
    public boolean recovered() {
        return recovered;
    }

    /** Fails unless this process leads and has recovered. */
    public void ensureRecovered() {
        if (!recovered) {
            throw new NotLeaderException("this executor is a standby (not the leader, or not recovered yet); nothing is decided here");
        }
    }

    /**
     * Marks attempts without a driver answer UNKNOWN (reported, never repeated): all of them at start-up
     * ({@code olderThan} null), or, while running, those whose intent is older than {@code olderThan}.
     */
    public void markUnknown(Instant olderThan) {
        Instant now = clock.instant();
        List<RebootRecord> marked = ledger.decide(tx -> {
            List<RebootRecord> out = new ArrayList<>();
            for (ActionRow a : tx.unanswered(olderThan)) {
                out.add(tx.recordUnknown(a, now));
            }
            return out;
        });
        for (RebootRecord r : marked) {
            LOG.warnf("attempt %d of incident %s on host %s was interrupted between intent and outcome: UNKNOWN, not repeated",
                    r.attempt(), r.incidentId(), r.hostId());
            alerts.interrupted(r);
        }
    }
}
