package io.hangcheck.executor.service;

import io.hangcheck.executor.config.ExecutorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The leader's background work on one thread: the confirmation sweep (then the gauges) every
 * {@code confirmation.sweep-interval}, the re-check every {@code recheck.interval}. A standby does neither; while
 * the database is away each says so once a minute.
 */
@ApplicationScoped
public class Sweeper {
    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    @Inject
    Confirmations confirmations;
    @Inject
    Recheck recheck;
    @Inject
    Gauges gauges;
    @Inject
    StartupRecovery recovery;
    @Inject
    ExecutorConfig config;

    private final ThrottledWarning sweepWarning = new ThrottledWarning(LOG, Duration.ofMinutes(1));
    private final ThrottledWarning recheckWarning = new ThrottledWarning(LOG, Duration.ofMinutes(1));
    private ScheduledExecutorService thread;

    void start(@Observes StartupEvent ev) {
        thread = Daemons.timer("executor-sweeper", 1);
        long every = config.confirmation().sweepInterval().toMillis();
        thread.scheduleWithFixedDelay(this::sweepSafely, every, every, TimeUnit.MILLISECONDS);
        if (config.recheck().enabled()) {
            long recheckEvery = config.recheck().interval().toMillis();
            thread.scheduleWithFixedDelay(this::recheckSafely, recheckEvery, recheckEvery, TimeUnit.MILLISECONDS);
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    private void sweepSafely() {
        if (!recovery.recovered()) {
            return;
        }
        try {
            confirmations.sweep();
            gauges.refresh();
        } catch (RuntimeException e) {
            sweepWarning.warn("confirmation sweep failed: %s", e.getMessage());
        }
    }

    private void recheckSafely() {
        if (!recovery.recovered()) {
            return;
        }
        try {
            recheck.run();
        } catch (RuntimeException e) {
            recheckWarning.warn("re-check of unanswered hangs failed: %s", e.getMessage());
        }
    }
}
