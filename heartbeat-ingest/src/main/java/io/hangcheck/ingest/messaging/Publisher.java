package io.hangcheck.ingest.messaging;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.HeartbeatCodec;
import io.hangcheck.events.EventType;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.Tick;
import io.hangcheck.events.Transport;
import io.hangcheck.ingest.config.IngestConfig;
import io.hangcheck.ingest.config.Instance;
import io.hangcheck.ingest.domain.LatencyWindow;
import io.hangcheck.ingest.domain.RejectReason;
import io.hangcheck.ingest.metrics.IngestMetrics;
import io.hangcheck.support.KafkaClientProperties;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one Kafka producer of the instance ({@code acks=all}, idempotent): heartbeats keyed by host id, ticks to
 * explicit partitions, raw-topic forwards and dead letters. A send's future completes when Kafka has
 * acknowledged the record, which is what a 202 waits for. A probe thread asks the cluster every
 * {@code probe-interval} whether it answers (readiness, and a fast 503 instead of a request that would wait
 * out the delivery timeout) and keeps the heartbeat topic's partition list fresh for the ticks.
 */
@Singleton
public class Publisher {

    private static final Logger LOG = Logger.getLogger(Publisher.class);
    static final String KIND_HEARTBEAT = "heartbeat";
    static final String KIND_TICK = "tick";
    static final String KIND_FORWARD = "forward";

    private final IngestConfig config;
    private final IngestMetrics metrics;
    private final Instance instance;
    private final String bootstrap;
    private final Map<String, Object> kafkaDefaults;
    private final LatencyWindow latency = new LatencyWindow();
    private final AtomicLong publishErrors = new AtomicLong();
    private final String heartbeatTopic;
    private final String via;
    private final HeartbeatHeaders heartbeatHeaders;
    private final Histogram.Child heartbeatLatency;
    private final Counter.Child heartbeatErrors;

    private volatile KafkaProducer<String, byte[]> producer;
    private volatile Admin admin;
    private volatile ScheduledExecutorService probe;
    private final double refuseAboveFill;
    private volatile boolean reachable;
    private volatile List<Integer> partitions = List.of();
    private volatile long partitionsRefreshedNanos;
    private volatile Metric bufferAvailable;
    private volatile Metric bufferTotal;

    @Inject
    public Publisher(IngestConfig config, IngestMetrics metrics, Instance instance,
                     @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092") String bootstrap,
                     @Identifier("default-kafka-broker") Map<String, Object> kafkaDefaults) {
        this.config = config;
        this.metrics = metrics;
        this.instance = instance;
        this.bootstrap = bootstrap;
        this.kafkaDefaults = kafkaDefaults;
        this.refuseAboveFill = config.publish().refuseAboveBufferFill();
        this.heartbeatTopic = config.topics().heartbeats();
        this.via = instance.id();
        this.heartbeatHeaders = new HeartbeatHeaders(instance.source());
        this.heartbeatLatency = metrics.publishLatency.labels(KIND_HEARTBEAT);
        this.heartbeatErrors = metrics.publishErrors.labels(KIND_HEARTBEAT);
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        close();
    }

    synchronized void start() {
        if (producer != null) {
            return;
        }
        IngestConfig.Publish p = config.publish();
        // security.protocol, sasl.*, ssl.* as the channels have them (KAFKA_* in the Kubernetes overlays)
        Properties props = KafkaClientProperties.of(kafkaDefaults, Map.of());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "hangcheck-ingest-" + instance.id());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        props.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(p.lingerMs()));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(p.requestTimeoutMs()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(p.deliveryTimeoutMs(), p.lingerMs() + p.requestTimeoutMs())));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(p.maxBlockMs()));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(p.bufferMemoryBytes()));
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        props.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, "30000");
        props.putAll(p.producerOverrides());
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
            if (e.getKey().group().equals("producer-metrics")) {
                if (e.getKey().name().equals("buffer-available-bytes")) {
                    bufferAvailable = e.getValue();
                } else if (e.getKey().name().equals("buffer-total-bytes")) {
                    bufferTotal = e.getValue();
                }
            }
        }
        Properties adminProps = KafkaClientProperties.of(kafkaDefaults, Map.of());
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "hangcheck-ingest-probe-" + instance.id());
        int probeMs = (int) Math.max(100, p.probeTimeout().toMillis());
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(probeMs));
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(probeMs));
        adminProps.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        admin = Admin.create(adminProps);
        probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ingest-kafka-probe");
            t.setDaemon(true);
            return t;
        });
        probe.scheduleWithFixedDelay(this::probeOnce, 0, Math.max(50, p.probeInterval().toMillis()), TimeUnit.MILLISECONDS);
    }

    synchronized void close() {
        if (probe != null) {
            probe.shutdownNow();
            probe = null;
        }
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
            admin = null;
        }
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
            producer = null;
        }
    }

    private void probeOnce() {
        boolean ok;
        try {
            long timeout = Math.max(100, config.publish().probeTimeout().toMillis());
            ok = !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout))
                    .nodes().get(timeout + 500, TimeUnit.MILLISECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            LOG.debugf("Kafka probe failed: %s", e.toString());
            ok = false;
        }
        if (ok != reachable) {
            if (ok) {
                LOG.infof("Kafka at %s is reachable", bootstrap);
            } else {
                LOG.warnf("Kafka at %s is unreachable: heartbeats get 503 until it answers again", bootstrap);
            }
        }
        if (ok && (partitions.isEmpty() || System.nanoTime() - partitionsRefreshedNanos > TimeUnit.SECONDS.toNanos(10))) {
            refreshPartitions();
        }
        reachable = ok;
        metrics.kafkaReachable.set(ok ? 1 : 0);
        metrics.sendBufferFill.set(bufferFill());
    }

    private void refreshPartitions() {
        try {
            List<PartitionInfo> infos = producer.partitionsFor(config.topics().heartbeats());
            List<Integer> ids = infos.stream().map(PartitionInfo::partition).sorted().toList();
            if (!ids.isEmpty()) {
                if (!ids.equals(partitions)) {
                    LOG.infof("%s has %d partitions; ticks go to each", config.topics().heartbeats(), ids.size());
                }
                partitions = ids;
                partitionsRefreshedNanos = System.nanoTime();
                metrics.tickPartitions.set(ids.size());
            }
        } catch (RuntimeException e) {
            LOG.debugf("partitions of %s unknown yet: %s", config.topics().heartbeats(), e.toString());
        }
    }

    /** Why a heartbeat cannot be taken now, or null when it can. Cheap: called on the event loop. */
    public RejectReason refusal() {
        if (!reachable || partitions.isEmpty()) {
            return RejectReason.KAFKA_UNAVAILABLE;
        }
        if (recentBufferFill() >= refuseAboveFill) {
            return RejectReason.BUFFER_FULL;
        }
        return null;
    }

    public boolean reachable() {
        return reachable;
    }

    /** Partitions of the heartbeat topic as last discovered (empty until Kafka answered). */
    public List<Integer> partitions() {
        return partitions;
    }

    private volatile long fillReadNanos;
    private volatile double fill;

    /** {@link #bufferFill()} read at most every 5 ms: the per-heartbeat check must stay cheap on the hot paths. */
    private double recentBufferFill() {
        long now = System.nanoTime();
        if (now - fillReadNanos > 5_000_000L) {
            fill = bufferFill();
            fillReadNanos = now;
        }
        return fill;
    }

    /** Share of the producer buffer in use, 0..1. */
    public double bufferFill() {
        Metric avail = bufferAvailable;
        Metric total = bufferTotal;
        if (avail == null || total == null) {
            return 0.0;
        }
        double t = ((Number) total.metricValue()).doubleValue();
        double a = ((Number) avail.metricValue()).doubleValue();
        return t <= 0 ? 0.0 : Math.max(0.0, Math.min(1.0, (t - a) / t));
    }

    /** Publish errors since the last call (for the tick's health). */
    public long publishErrorsAndReset() {
        return publishErrors.getAndSet(0);
    }

    /** Publish latency p99 (ms) since the last call. */
    public double latencyP99AndReset() {
        return latency.p99AndReset();
    }

    /**
     * Sends {@code fromHost} as stamped with {@code receivedAt}, {@code transport} and this instance's id, keyed by
     * its host id: the same bytes and headers as the stamped copy's {@code EventCodec} encoding with CloudEvents
     * headers, built without the copy ({@link HeartbeatCodec#writeStamped}). {@code done} runs once, on the producer's I/O thread, with null when Kafka
     * acknowledged the record, else the error; it must be quick.
     */
    public void publish(Heartbeat fromHost, Instant receivedAt, Transport transport, Acknowledgement done) {
        publish(fromHost, receivedAt, transport, fromHost.net(), done);
    }

    /** {@link #publish(Heartbeat, Instant, Transport, Acknowledgement)} stamped with the sender's source network. */
    public void publish(Heartbeat fromHost, Instant receivedAt, Transport transport, String net, Acknowledgement done) {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            done.completed(new IllegalStateException("publisher not started"));
            return;
        }
        ProducerRecord<String, byte[]> record;
        try {
            record = new ProducerRecord<>(heartbeatTopic, null, fromHost.hostId(),
                    HeartbeatCodec.writeStamped(fromHost, receivedAt, transport, via, net), heartbeatHeaders.of(fromHost, receivedAt));
        } catch (RuntimeException e) {
            publishErrors.incrementAndGet();
            heartbeatErrors.inc();
            done.completed(e);
            return;
        }
        long t0 = System.nanoTime();
        try {
            p.send(record, (meta, error) -> {
                if (error == null) {
                    acknowledged(t0, heartbeatLatency);
                } else {
                    failed(error, heartbeatErrors);
                }
                done.completed(error);
            });
        } catch (RuntimeException e) {
            publishErrors.incrementAndGet();
            heartbeatErrors.inc();
            done.completed(e);
        }
    }

    /** What a heartbeat's sender is told once Kafka answered. */
    @FunctionalInterface
    public interface Acknowledgement {
        /** @param errorOrNull null when Kafka acknowledged the record */
        void completed(Throwable errorOrNull);
    }

    /** Sends a tick to its own partition. */
    public CompletableFuture<Void> publish(Tick tick) {
        RecordHeaders headers = new RecordHeaders();
        CloudEvents.apply(headers, tick.instanceId() + "/" + tick.seq() + "/" + tick.partition(), EventType.TICK,
                instance.source(), tick.at());
        return send(new ProducerRecord<>(config.topics().heartbeats(), tick.partition(), tick.key(),
                EventCodec.toBytes(tick), headers), KIND_TICK);
    }

    /** Sends any prepared record (dead letters). */
    public CompletableFuture<Void> publishRecord(ProducerRecord<String, byte[]> record) {
        return send(record, KIND_FORWARD);
    }

    private CompletableFuture<Void> send(ProducerRecord<String, byte[]> record, String kind) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            done.completeExceptionally(new IllegalStateException("publisher not started"));
            return done;
        }
        long t0 = System.nanoTime();
        try {
            p.send(record, (meta, error) -> {
                if (error == null) {
                    acknowledged(t0, metrics.publishLatency.labels(kind));
                    done.complete(null);
                } else {
                    failed(error, metrics.publishErrors.labels(kind));
                    done.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            publishErrors.incrementAndGet();
            metrics.publishErrors.labels(kind).inc();
            done.completeExceptionally(e);
        }
        return done;
    }

    private void acknowledged(long t0, Histogram.Child latencyMetric) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        latency.record(seconds * 1000.0);
        latencyMetric.observe(seconds);
    }

    private void failed(Exception error, Counter.Child errorMetric) {
        publishErrors.incrementAndGet();
        errorMetric.inc();
        if (error instanceof org.apache.kafka.common.errors.TimeoutException && reachable) {
            // Kafka did not answer in time: refuse at once from now on; the probe says when it is back.
            reachable = false;
            metrics.kafkaReachable.set(0);
            LOG.warnf("a send to Kafka timed out (%s): heartbeats get 503 until the probe reaches it", error.getMessage());
        }
    }
}
