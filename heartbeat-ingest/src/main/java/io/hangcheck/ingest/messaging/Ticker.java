package io.hangcheck.ingest.messaging;

import io.hangcheck.events.IngestHealth;
import io.hangcheck.events.Tick;
import io.hangcheck.ingest.config.IngestConfig;
import io.hangcheck.ingest.config.Instance;
import io.hangcheck.ingest.domain.HealthAssessor;
import io.hangcheck.ingest.http.ConnectionBudget;
import io.hangcheck.ingest.metrics.IngestMetrics;
import io.hangcheck.ingest.udp.UdpReceiver;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Once per interval: measure the instance (connections against the budget, refusals, publish errors and
 * latency, buffer fill, Kafka reachability), judge it with {@link HealthAssessor}, and send a {@link Tick}
 * carrying that health to every partition of the heartbeat topic. While Kafka is unreachable no tick is
 * queued: the partitions' clocks stop, which is what the evaluator must see.
 */
@Singleton
public class Ticker {

    private static final Logger LOG = Logger.getLogger(Ticker.class);

    private final Publisher publisher;
    private final ConnectionBudget connections;
    private final IngestMetrics metrics;
    private final IngestConfig config;
    private final Instance instance;
    private final Clock clock;
    private final HealthAssessor assessor;
    private final UdpReceiver udp;
    private final AtomicLong seq = new AtomicLong();
    private volatile ScheduledExecutorService scheduler;
    private volatile IngestHealth last;
    private long refusedSeen;
    private long udpDropsSeen = -1;

    @Inject
    public Ticker(Publisher publisher, ConnectionBudget connections, IngestMetrics metrics, IngestConfig config,
                  Instance instance, Clock clock, UdpReceiver udp) {
        this.udp = udp;
        this.publisher = publisher;
        this.connections = connections;
        this.metrics = metrics;
        this.config = config;
        this.instance = instance;
        this.clock = clock;
        IngestConfig.Ticks t = config.ticks();
        this.assessor = new HealthAssessor(new HealthAssessor.Thresholds(t.degradedConnectionShare(),
                t.degradedAcceptErrors(), t.degradedPublishErrors(), t.degradedPublishLatencyMs(), t.degradedBufferFill(),
                t.degradedUdpKernelDrops() <= 0 ? Long.MAX_VALUE : t.degradedUdpKernelDrops()));
    }

    void onStart(@Observes StartupEvent event) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ingest-ticker");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(10, config.ticks().interval().toMillis());
        scheduler.scheduleAtFixedRate(this::tickSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** The health carried by the latest tick (null before the first). */
    public IngestHealth lastHealth() {
        return last;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.errorf(e, "tick failed");
        }
    }

    void tick() {
        IngestHealth health = measure();
        IngestHealth previous = last;
        last = health;
        metrics.degraded.set(health.degraded() ? 1 : 0);
        if (previous == null || previous.state() != health.state()) {
            if (health.degraded()) {
                LOG.warnf("ingest %s is DEGRADED: %s", instance.id(), String.join("; ", health.reasons()));
            } else {
                LOG.infof("ingest %s is OK", instance.id());
            }
        }
        List<Integer> partitions = publisher.partitions();
        if (!publisher.reachable() || partitions.isEmpty()) {
            return;
        }
        long n = seq.incrementAndGet();
        Instant at = clock.instant();
        for (int p : partitions) {
            publisher.publish(new Tick(instance.id(), at, p, n, health)).whenComplete((ok, error) -> {
                if (error == null) {
                    metrics.ticksSent.inc();
                } else {
                    metrics.tickErrors.inc();
                }
            });
        }
    }

    private IngestHealth measure() {
        int budget = connections.budget() > 0 ? connections.budget() : config.connectionBudget();
        int open = connections.openConnections();
        long refusedTotal = connections.refusedTotal();
        long refused = refusedTotal - refusedSeen;
        refusedSeen = refusedTotal;
        metrics.openConnections.set(open);
        metrics.connectionBudget.set(budget);
        if (refused > 0) {
            metrics.connectionsRefused.inc(refused);
        }
        double fill = publisher.bufferFill();
        metrics.sendBufferFill.set(fill);
        return assessor.assess(new HealthAssessor.Sample(open, budget, refused, publisher.publishErrorsAndReset(),
                publisher.latencyP99AndReset(), fill, publisher.reachable(), udpDropsSinceLastTick()));
    }

    /** Kernel UDP drops since the previous tick (0 when they cannot be read). */
    private long udpDropsSinceLastTick() {
        long total = udp.kernelDropsTotal();
        if (total < 0) {
            return 0;
        }
        long delta = udpDropsSeen < 0 ? total : Math.max(0, total - udpDropsSeen);
        udpDropsSeen = total;
        if (delta > 0) {
            metrics.udpKernelDrops.inc(delta);
        }
        return delta;
    }
}
