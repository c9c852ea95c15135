package io.hangcheck.ingest.metrics;

import io.hangcheck.events.Transport;
import io.hangcheck.ingest.domain.RejectReason;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.Locale;

/** The service's Prometheus collectors ({@code hangcheck_ingest_*}), on the application's registry. Labels are bounded enums. */
@Singleton
public class IngestMetrics {

    public final Counter received;
    public final Counter accepted;
    public final Counter rejected;
    public final Counter skewed;
    public final Histogram skew;
    public final Histogram publishLatency;
    public final Counter publishErrors;
    public final Gauge openConnections;
    public final Gauge connectionBudget;
    public final Counter connectionsRefused;
    public final Gauge degraded;
    public final Counter ticksSent;
    public final Counter tickErrors;
    public final Gauge tickPartitions;
    public final Gauge sendBufferFill;
    public final Gauge kafkaReachable;
    public final Counter deadLettered;
    public final Counter rawLoopErrors;
    public final Counter udpKernelDrops;
    public final Gauge udpReceiveBuffer;
    public final Gauge insecure;
    public final Gauge requestDeadline;

    @Inject
    public IngestMetrics(CollectorRegistry registry) {
        received = Counter.build("hangcheck_ingest_received_total", "Heartbeats received, before validation, by transport.")
                .labelNames("transport").register(registry);
        accepted = Counter.build("hangcheck_ingest_accepted_total", "Heartbeats acknowledged by Kafka, by transport.")
                .labelNames("transport").register(registry);
        rejected = Counter.build("hangcheck_ingest_rejected_total", "Heartbeats (or requests) refused or dropped, by transport and reason.")
                .labelNames("transport", "reason").register(registry);
        skewed = Counter.build("hangcheck_ingest_clock_skewed_total", "Heartbeats whose host clock differed from ingest's by more than the tolerance (accepted all the same).")
                .labelNames("transport").register(registry);
        skew = Histogram.build("hangcheck_ingest_clock_skew_seconds", "Absolute host-clock skew (|sentAt - receivedAt|) of accepted heartbeats.")
                .buckets(0.01, 0.1, 0.5, 1, 5, 30, 120, 600, 3600).register(registry);
        publishLatency = Histogram.build("hangcheck_ingest_publish_latency_seconds", "Time from send to Kafka acknowledgement, by record kind.")
                .labelNames("kind").buckets(0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10).register(registry);
        publishErrors = Counter.build("hangcheck_ingest_publish_errors_total", "Kafka sends that failed, by record kind.")
                .labelNames("kind").register(registry);
        openConnections = Gauge.build("hangcheck_ingest_open_connections", "HTTP connections open now.").register(registry);
        connectionBudget = Gauge.build("hangcheck_ingest_connection_budget", "HTTP connections allowed before new ones are refused.").register(registry);
        connectionsRefused = Counter.build("hangcheck_ingest_connections_refused_total", "HTTP connections closed at accept because the budget was full.").register(registry);
        degraded = Gauge.build("hangcheck_ingest_degraded", "1 when the instance reports itself DEGRADED in its ticks, else 0.").register(registry);
        ticksSent = Counter.build("hangcheck_ingest_ticks_sent_total", "Ticks acknowledged by Kafka (one per partition per interval).").register(registry);
        tickErrors = Counter.build("hangcheck_ingest_tick_errors_total", "Ticks that could not be sent or were not acknowledged.").register(registry);
        tickPartitions = Gauge.build("hangcheck_ingest_tick_partitions", "Partitions of the heartbeats topic that ticks go to.").register(registry);
        sendBufferFill = Gauge.build("hangcheck_ingest_send_buffer_fill_ratio", "Share of the producer's buffer in use.").register(registry);
        kafkaReachable = Gauge.build("hangcheck_ingest_kafka_reachable", "1 when the last probe reached Kafka, else 0.").register(registry);
        deadLettered = Counter.build("hangcheck_ingest_dead_lettered_total", "Raw-topic records sent to the dead-letter topic.").register(registry);
        rawLoopErrors = Counter.build("hangcheck_ingest_raw_forwarder_errors_total", "Raw-topic polls that failed as a whole (retried from their first offsets; the loop goes on).").register(registry);
        udpKernelDrops = Counter.build("hangcheck_ingest_udp_kernel_drops_total", "UDP datagrams the kernel dropped on ingest's socket (receive buffer full), from /proc/net/udp.").register(registry);
        udpReceiveBuffer = Gauge.build("hangcheck_ingest_udp_receive_buffer_bytes", "SO_RCVBUF the kernel granted ingest's UDP socket.").register(registry);
        requestDeadline = Gauge.build("hangcheck_ingest_http_request_deadline", "1 when the HTTP header/body read deadline is installed on the listening socket, else 0.").register(registry);
        insecure = Gauge.build("hangcheck_ingest_insecure", "1 when ingest runs with auth.insecure=true (unauthenticated heartbeats accepted), else 0.").register(registry);
        cacheChildren();
    }

    private final Counter.Child[] receivedBy = new Counter.Child[Transport.values().length];
    private final Counter.Child[] acceptedBy = new Counter.Child[Transport.values().length];

    private void cacheChildren() {
        for (Transport t : Transport.values()) {
            receivedBy[t.ordinal()] = received.labels(label(t));
            acceptedBy[t.ordinal()] = accepted.labels(label(t));
            skewed.labels(label(t));
            // Every reason at 0 from the start, so increase() sees the first forged or refused heartbeat.
            for (RejectReason r : RejectReason.values()) {
                rejected.labels(label(t), r.label());
            }
        }
    }

    public static String label(Transport t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    public void received(Transport t, int n) {
        receivedBy[t.ordinal()].inc(n);
    }

    public void accepted(Transport t, int n) {
        acceptedBy[t.ordinal()].inc(n);
    }

    public void rejected(Transport t, RejectReason reason, int n) {
        rejected.labels(label(t), reason.label()).inc(n);
    }
}
