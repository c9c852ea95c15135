package io.hangcheck.ingest.http;

import io.quarkus.arc.Unremovable;
import io.quarkus.vertx.VertxOptionsCustomizer;
import io.quarkus.vertx.http.runtime.ExtendedQuarkusVertxHttpMetrics;
import io.vertx.core.VertxOptions;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.spi.metrics.VertxMetrics;
import jakarta.inject.Singleton;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP connection budget, as enforced by Quarkus itself. {@code quarkus.http.limits.max-connections}
 * (set from {@code hangcheck.ingest.connection-budget}) makes the HTTP server close every connection beyond
 * the budget the moment it is accepted, so the process never holds more sockets than that. Quarkus counts
 * the open connections in an {@link AtomicInteger} and reports each refusal to the Vert.x metrics SPI's
 * {@link ExtendedQuarkusVertxHttpMetrics.ConnectionTracker}; this bean installs a minimal metrics SPI whose
 * tracker is itself, and so sees the very counter the limit is enforced with (no second, drifting count) and
 * every refusal. Nothing else of the Vert.x metrics SPI is implemented (all its other hooks return null).
 */
@Singleton
@Unremovable
public class ConnectionBudget implements VertxOptionsCustomizer, ExtendedQuarkusVertxHttpMetrics.ConnectionTracker {

    private volatile AtomicInteger open;
    private volatile int budget = -1;
    private final AtomicLong refused = new AtomicLong();

    @Override
    public void accept(VertxOptions options) {
        MetricsOptions metrics = options.getMetricsOptions() == null ? new MetricsOptions() : options.getMetricsOptions();
        if (metrics.getFactory() != null) {
            org.jboss.logging.Logger.getLogger(ConnectionBudget.class).warn("another Vert.x metrics SPI is installed: the connection budget is enforced but not observed");
            return; // another metrics SPI is installed; the budget is still enforced, only not observed here
        }
        options.setMetricsOptions(metrics.setEnabled(true).setFactory(vertxOptions -> new BudgetMetrics(this)));
    }

    @Override
    public void initialize(int maxConnections, AtomicInteger connectionCount) {
        org.jboss.logging.Logger.getLogger(ConnectionBudget.class).infof("HTTP connection budget %d is enforced and observed", maxConnections);
        this.budget = maxConnections;
        this.open = connectionCount;
    }

    @Override
    public void onConnectionRejected() {
        refused.incrementAndGet();
    }

    /** Connections open now (0 before the server started or when no budget is set). */
    public int openConnections() {
        AtomicInteger o = open;
        return o == null ? 0 : Math.max(0, o.get());
    }

    /** The enforced budget, or -1 when Quarkus enforces none (no max-connections set). */
    public int budget() {
        return budget;
    }

    /** Connections refused since start. */
    public long refusedTotal() {
        return refused.get();
    }

    /** Whether Quarkus handed over its counter (false means the budget is not observed). */
    public boolean observed() {
        return open != null;
    }

    static final class BudgetMetrics implements VertxMetrics, ExtendedQuarkusVertxHttpMetrics {
        private final ConnectionBudget tracker;

        BudgetMetrics(ConnectionBudget tracker) {
            this.tracker = tracker;
        }

        @Override
        public ConnectionTracker getHttpConnectionTracker() {
            return tracker;
        }
    }
}
