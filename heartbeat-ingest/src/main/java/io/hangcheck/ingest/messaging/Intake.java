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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The path every valid heartbeat takes, whatever its transport: stamp receive time, transport, {@code via} and the
 * sender's source network {@code net} (HTTP and UDP: the peer address's /24 or /64; the raw topic: what the host put);
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

    /** Ingest's receive time, for the checks that must pass before anything of a request is published. */
    public Instant now() {
        return clock.instant();
    }

    /** Refuses (throws {@link io.hangcheck.events.InvalidEventException} naming {@code sentAt}) a host clock a year off. */
    public void checkSentAt(Heartbeat fromHost) {
        Heartbeat.checkSentAt(fromHost.sentAt(), clock.instant());
    }

    /** Why nothing can be taken right now, or null. */
    public RejectReason refusal() {
        return publisher.refusal();
    }

    /** Publishes one heartbeat; the future fails when Kafka did not acknowledge it. */
    public CompletableFuture<Void> accept(Heartbeat fromHost, Transport transport) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        accept(fromHost, transport, error -> {
            if (error == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    /**
     * Publishes one heartbeat; {@code done} runs once, on the producer's I/O thread, when Kafka acknowledged it
     * (null) or did not (the error). Counted accepted or {@code publish_failed} before {@code done} runs. Never
     * throws: whatever goes wrong here reaches {@code done}, so no caller's loop or request is left hanging.
     */
    public void accept(Heartbeat fromHost, Transport transport, Publisher.Acknowledgement done) {
        accept(fromHost, transport, fromHost.net(), done);
    }

    /** {@link #accept(Heartbeat, Transport, Publisher.Acknowledgement)} from a sender in source network {@code net}. */
    public void accept(Heartbeat fromHost, Transport transport, String net, Publisher.Acknowledgement done) {
        try {
            publish(fromHost, transport, net, done);
        } catch (RuntimeException e) {
            metrics.rejected(transport, RejectReason.PUBLISH_FAILED, 1);
            done.completed(e);
        }
    }

    private void publish(Heartbeat fromHost, Transport transport, String net, Publisher.Acknowledgement done) {
        Instant now = clock.instant();
        // The skew of the stamped heartbeat (sentAt - receivedAt), without building the stamped copy.
        long skewMillis = Math.abs(Duration.between(now, fromHost.sentAt()).toMillis());
        metrics.skew.observe(skewMillis / 1000.0);
        if (skewMillis > skewToleranceMillis) {
            metrics.skewed.labels(IngestMetrics.label(transport)).inc();
        }
        publisher.publish(fromHost, now, transport, net, error -> {
            if (error == null) {
                metrics.accepted(transport, 1);
            } else {
                metrics.rejected(transport, RejectReason.PUBLISH_FAILED, 1);
            }
            done.completed(error);
        });
    }

    /** Publishes all; the future completes when every one is acknowledged, or fails when any is not. */
    public CompletableFuture<Void> acceptAll(List<Heartbeat> fromHost, Transport transport) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        acceptAll(fromHost, transport, error -> {
            if (error == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    /**
     * Publishes all; {@code done} runs once, when Kafka answered for every one of them: null when all were
     * acknowledged, else the first error. Never earlier, so a failure is told only once nothing is pending.
     */
    public void acceptAll(List<Heartbeat> fromHost, Transport transport, Publisher.Acknowledgement done) {
        acceptAll(fromHost, transport, null, done);
    }

    /** {@link #acceptAll(List, Transport, Publisher.Acknowledgement)} from one sender in source network {@code net}. */
    public void acceptAll(List<Heartbeat> fromHost, Transport transport, String net, Publisher.Acknowledgement done) {
        if (fromHost.size() == 1) {
            accept(fromHost.get(0), transport, net, done);
            return;
        }
        AllOf all = new AllOf(fromHost.size(), done);
        for (Heartbeat hb : fromHost) {
            accept(hb, transport, net, all);
        }
    }

    /** Counts the answers of a batch down to zero, keeping the first error. */
    private static final class AllOf extends AtomicInteger implements Publisher.Acknowledgement {
        private final Publisher.Acknowledgement done;
        private volatile Throwable firstError;

        AllOf(int count, Publisher.Acknowledgement done) {
            super(count);
            this.done = done;
        }

        @Override
        public void completed(Throwable errorOrNull) {
            if (errorOrNull != null && firstError == null) {
                firstError = errorOrNull;
            }
            if (decrementAndGet() == 0) {
                done.completed(firstError);
            }
        }
    }
}
