package io.hangcheck.executor.service;

import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.domain.ResetType;
import io.hangcheck.executor.driver.DriverException;
import io.hangcheck.executor.driver.RebootDriver;
import io.hangcheck.executor.driver.ResetRequest;
import io.hangcheck.executor.driver.Retrier;
import io.hangcheck.executor.metrics.ExecutorMetrics;
import io.hangcheck.executor.store.ActionOutcome;
import io.hangcheck.executor.store.ClosedAs;
import io.hangcheck.executor.store.LedgerRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calls the driver for an attempt whose intent is committed and records its answer (nothing when the attempt was
 * closed as UNKNOWN meanwhile). A driver that reports {@code NOT_ACCEPTED} (the BMC refused before accepting a
 * reset: the host was certainly not reset) is recorded as FAILED and the next, harsher reset type is tried at once
 * as the next attempt.
 */
@ApplicationScoped
public class AttemptRunner {
    private static final Logger LOG = Logger.getLogger(AttemptRunner.class);

    @Inject
    Ledger ledger;
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
    Alerts alerts;

    /** The driver's answer: EXECUTED or FAILED, what the ledger row says of it, and the next reset type when the BMC refused this one. */
    private record Answer(ActionOutcome outcome, Map<String, String> detail, Optional<ResetType> next) {
    }

    /** Runs {@code a} (and any next step it leads to); returns the records written. */
    public List<RebootRecord> run(Attempt a) {
        Answer answer = call(a);
        Instant now = clock.instant();
        boolean executed = answer.outcome() == ActionOutcome.EXECUTED;
        Instant deadline = executed ? now.plus(config.confirmation().bootTimeout()) : null;
        if (deadline != null) {
            answer.detail().put("confirmBy", deadline.toString());
        }
        ClosedAs closedAs = executed ? null : answer.next().isPresent() ? ClosedAs.NOT_ACCEPTED : ClosedAs.FAILED;
        List<Attempt> then = new ArrayList<>();
        // fenced: a replaced leader does not write over its successor's UNKNOWN
        List<RebootRecord> records = ledger.decide(tx -> {
            if (!tx.recordOutcome(a, answer.outcome(), closedAs, deadline, now)) {
                return List.<RebootRecord>of();
            }
            List<RebootRecord> rs = new ArrayList<>();
            rs.add(tx.record(new LedgerRow(a.incidentId(), a.hostId(), executed ? RebootDecision.EXECUTED : RebootDecision.FAILED,
                    executed ? a.intent().reason() : RebootReason.DRIVER_ERROR, a.driver(), a.number(), now, answer.detail())));
            if (answer.next().isPresent()) { // not reset for sure: the next step now, as the next attempt
                ResetType next = answer.next().get();
                rs.add(tx.record(new LedgerRow(a.incidentId(), a.hostId(), RebootDecision.ESCALATED, RebootReason.DRIVER_ERROR,
                        a.driver(), a.number(), now, Map.of("from", a.resetType().name(), "to", next.name(),
                        "errorKind", DriverException.Kind.NOT_ACCEPTED.name()))));
                Attempt following = tx.recordIntent(a.incidentId(), a.hostId(), a.bootId(), a.number() + 1, a.driver(), next,
                        a.intent().reason(), Map.of("resetType", next.name()), a.inventory(), now);
                rs.add(following.intent());
                then.add(following);
            }
            return rs;
        });
        if (records.isEmpty()) {
            LOG.warnf("attempt %d of %s on %s: the driver answered %s after the attempt was closed as UNKNOWN; not recorded over it",
                    a.number(), a.incidentId(), a.hostId(), answer.outcome());
            return records;
        }
        records.forEach(alerts::counted);
        if (!executed) {
            alerts.driverFailed(a, answer.detail().get("error"), answer.next().map(t -> "; not reset, trying " + t + " now").orElse(""));
        }
        List<RebootRecord> all = new ArrayList<>(records);
        for (Attempt n : then) {
            all.addAll(run(n));
        }
        return all;
    }

    private Answer call(Attempt a) {
        RebootDriver driver = drivers.get(a.driver());
        Map<String, String> detail = new HashMap<>();
        detail.put("resetType", a.resetType().name());
        if (driver == null) {
            detail.put("error", "unknown driver '" + a.driver() + "'");
            return new Answer(ActionOutcome.FAILED, detail, Optional.empty());
        }
        long t0 = System.nanoTime();
        try {
            String msg = retrier.reset(driver, new ResetRequest(a.hostId(), a.incidentId(), a.number(), a.resetType(),
                    a.inventory().params()));
            detail.put("driverMessage", msg);
            return new Answer(ActionOutcome.EXECUTED, detail, Optional.empty());
        } catch (DriverException e) {
            metrics.driverFailures.labels(driver.name(), e.kind().name().toLowerCase()).inc();
            detail.put("error", e.getMessage());
            detail.put("errorKind", e.kind().name());
            return new Answer(ActionOutcome.FAILED, detail,
                    e.kind() == DriverException.Kind.NOT_ACCEPTED ? a.resetType().next() : Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Leave the attempt without an outcome: the next start marks it UNKNOWN.
            throw new IllegalStateException("interrupted while the driver ran; attempt left UNKNOWN", e);
        } finally {
            metrics.driverLatency.labels(driver.name()).observe((System.nanoTime() - t0) / 1e9);
        }
    }
}
