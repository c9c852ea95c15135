package io.hangcheck.ingest.messaging;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.Transport;
import io.hangcheck.ingest.config.IngestConfig;
import io.hangcheck.ingest.config.Instance;
import io.hangcheck.ingest.domain.RejectReason;
import io.hangcheck.ingest.metrics.IngestMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The path every valid heartbeat takes, whatever its transport: stamp receive time, transport and {@code via};
 * record the host's clock skew (a metric, never a verdict); publish; count it accepted once Kafka acknowledged.
 */
@Singleton
public class Intake {

    private final Publisher publisher;
    private final IngestMetrics metrics;
    private final Clock clock;
    private final String via;
    private final long skewToleranceMillis;

    @Inject
    public Intake(Publisher publisher, IngestMetrics metrics, Clock clock, Instance instance, IngestConfig config) {
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
        this.via = instance.id();
        this.skewToleranceMillis = config.skew().tolerance().toMillis();
    }

    /** Why nothing can be taken right now, or null. */
    public RejectReason refusal() {
        return publisher.refusal();
    }

    /** Publishes one heartbeat; the future fails when Kafka did not acknowledge it. */
    public CompletableFuture<Void> accept(Heartbeat fromHost, Transport transport) {
        Instant now = clock.instant();
        Heartbeat stamped = fromHost.stamped(now, transport, via);
        Duration skew = stamped.skew();
        long skewMillis = Math.abs(skew.toMillis());
        metrics.skew.observe(skewMillis / 1000.0);
        if (skewMillis > skewToleranceMillis) {
            metrics.skewed.labels(IngestMetrics.label(transport)).inc();
        }
        return publisher.publish(stamped).whenComplete((ok, error) -> {
            if (error == null) {
                metrics.accepted(transport, 1);
            } else {
                metrics.rejected(transport, RejectReason.PUBLISH_FAILED, 1);
            }
        });
    }

    /** Publishes all; the future completes when every one is acknowledged, or fails when any is not. */
    public CompletableFuture<Void> acceptAll(List<Heartbeat> fromHost, Transport transport) {
        if (fromHost.size() == 1) {
            return accept(fromHost.get(0), transport);
        }
        CompletableFuture<?>[] all = new CompletableFuture<?>[fromHost.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = accept(fromHost.get(i), transport);
        }
        return CompletableFuture.allOf(all);
    }
}
