package io.hangcheck.executor.service;

import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.domain.Policy;
import io.hangcheck.executor.metrics.ExecutorMetrics;
import io.hangcheck.executor.store.Quarantines;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;

/** The gauges read from the ledger: in flight, tokens left, paused, quarantined hosts. */
@ApplicationScoped
public class Gauges {
    private static final Logger LOG = Logger.getLogger(Gauges.class);

    @Inject
    Ledger ledger;
    @Inject
    Quarantines quarantines;
    @Inject
    Policy policy;
    @Inject
    Clock clock;
    @Inject
    ExecutorConfig config;
    @Inject
    ExecutorMetrics metrics;

    /** Updates the gauges from the database (best effort). */
    public void refresh() {
        try {
            Instant now = clock.instant();
            ledger.look(tx -> {
                metrics.inFlight.set(tx.inFlight());
                metrics.tokensLeft.set(policy.tokensLeft(tx.resetsSince(now.minus(config.limits().bucketPeriod()))));
                metrics.paused.set(tx.pause().paused() ? 1 : 0);
                return null;
            });
            metrics.quarantinedHosts.set(quarantines.count());
        } catch (RuntimeException e) {
            LOG.debugf("gauges not refreshed: %s", e.getMessage());
        }
    }
}
