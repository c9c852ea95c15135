package io.hangcheck.ingest.messaging;

import io.hangcheck.events.DeadLetter;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatCodec;
import io.hangcheck.events.InvalidEventException;
import io.hangcheck.events.Topics;
import io.hangcheck.events.Transport;
import io.hangcheck.ingest.config.IngestConfig;
import io.hangcheck.ingest.domain.RejectReason;
import io.hangcheck.ingest.metrics.IngestMetrics;
import io.hangcheck.support.KafkaClientProperties;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka path: heartbeats that hosts published to the raw topic with their own client are validated,
 * stamped ({@code transport=kafka}) and forwarded like any other; a record that fails validation goes to
 * {@code <raw>.dlq} unchanged, with {@link DeadLetter} headers saying why. Offsets are committed only after
 * every forward and dead letter of a poll was acknowledged; if any was not, the consumer goes back to the
 * poll's first offsets and tries again (at least once: a forwarded heartbeat may repeat, none is lost).
 */
@Singleton
public class RawForwarder {

    private static final Logger LOG = Logger.getLogger(RawForwarder.class);

    private final IngestConfig config;
    private final Intake intake;
    private final Publisher publisher;
    private final IngestMetrics metrics;
    private final String bootstrap;
    private final Map<String, Object> kafkaDefaults;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile String stopReason;

    @Inject
    public RawForwarder(IngestConfig config, Intake intake, Publisher publisher, IngestMetrics metrics,
                        @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092") String bootstrap,
                        @Identifier("default-kafka-broker") Map<String, Object> kafkaDefaults) {
        this.config = config;
        this.intake = intake;
        this.publisher = publisher;
        this.metrics = metrics;
        this.bootstrap = bootstrap;
        this.kafkaDefaults = kafkaDefaults;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.raw().enabled()) {
            return;
        }
        Properties props = KafkaClientProperties.of(kafkaDefaults, Map.of()); // security settings as the channels have them
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.raw().groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = new Thread(this::run, "ingest-raw-forwarder");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        KafkaConsumer<String, byte[]> c = consumer;
        try {
            c.subscribe(List.of(config.topics().raw()));
            while (running) {
                pollOnce(c);
            }
        } catch (WakeupException | InterruptException e) {
            if (running) {
                stopped("interrupted: " + e);
            }
        } catch (Throwable e) {
            // Only what pollOnce cannot survive gets here (an Error): say so where readiness looks, then die.
            stopped(e.toString());
            throw e;
        } finally {
            try {
                c.close(Duration.ofSeconds(3));
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
    }

    /**
     * One poll, forwarded and committed. A failure of the poll, the forwards or the commit is logged and counted,
     * the consumer goes back to the poll's first offsets, and the loop goes on: no record can end it.
     */
    private void pollOnce(KafkaConsumer<String, byte[]> c) {
        ConsumerRecords<String, byte[]> records = ConsumerRecords.empty();
        try {
            records = c.poll(config.raw().pollTimeout());
            if (records.isEmpty()) {
                return;
            }
            if (!forwardAll(records)) {
                rewind(c, records);
                sleep(1000);
                return;
            }
            c.commitSync(nextOffsets(records));
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            metrics.rawLoopErrors.inc();
            LOG.errorf(e, "raw-topic forwarder: a poll of %d records failed; retrying from its first offsets", records.count());
            try {
                rewind(c, records);
            } catch (RuntimeException again) {
                LOG.warnf("raw-topic forwarder: rewind failed too (%s); the group's committed offsets are the fallback", again.toString());
            }
            sleep(1000);
        }
    }

    private void stopped(String reason) {
        stopReason = reason;
        LOG.errorf("raw-topic forwarder stopped: %s; readiness is DOWN", reason);
    }

    /**
     * Why the forwarder is not running although it should be (its thread died or ended), or null while it runs,
     * is disabled, or is shutting down.
     */
    public String failure() {
        if (!config.raw().enabled() || !running) {
            return null;
        }
        Thread t = thread;
        if (t != null && t.isAlive()) {
            return null;
        }
        String why = stopReason;
        return "raw-topic forwarder stopped: " + (why == null ? "its thread is not alive" : why);
    }

    /** The loop's thread (tests kill it to see readiness go DOWN). */
    Thread thread() {
        return thread;
    }

    /** Forwards or dead-letters every record; true when Kafka acknowledged all of it. */
    boolean forwardAll(ConsumerRecords<String, byte[]> records) {
        List<CompletableFuture<Void>> sends = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> r : records) {
            metrics.received(Transport.KAFKA, 1);
            Heartbeat hb;
            try {
                hb = HeartbeatCodec.readHeartbeat(r.value());
                if (r.key() != null && !r.key().equals(hb.hostId())) {
                    // the contract keys the raw topic by host id (docs/topics.md); a record without a key is
                    // forwarded under its hostId, one under another host's key is refused, as the evaluator does
                    throw new InvalidEventException("hostId", "does not match the record key");
                }
                intake.checkSentAt(hb);
            } catch (InvalidEventException e) {
                RejectReason reason = e.field().equals("$") ? RejectReason.MALFORMED : RejectReason.INVALID;
                metrics.rejected(Transport.KAFKA, reason, 1);
                sends.add(deadLetter(r, reason, e));
                continue;
            } catch (RuntimeException e) {
                // Not a fault the contract names, still this record's alone: dead-letter it, never stop the loop.
                metrics.rejected(Transport.KAFKA, RejectReason.INVALID, 1);
                sends.add(deadLetter(r, RejectReason.INVALID, new InvalidEventException("$", "unreadable: " + e, e)));
                continue;
            }
            sends.add(intake.accept(hb, Transport.KAFKA));
        }
        long timeout = config.publish().deliveryTimeoutMs() + 2000L;
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(timeout, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.warnf("forwarding %d raw-topic records failed (%s); retrying from the first", records.count(), e.toString());
            return false;
        }
    }

    private CompletableFuture<Void> deadLetter(ConsumerRecord<String, byte[]> r, RejectReason reason, InvalidEventException e) {
        Headers headers = DeadLetter.headers(r.headers(), reason.label() + ": " + e.getMessage(),
                (e.getCause() == null ? e : e.getCause()).getClass().getName(), r.topic(), r.partition(), r.offset(), e.field());
        LOG.debugf("raw record %s-%d@%d dead-lettered: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
        CompletableFuture<Void> sent;
        try {
            sent = publisher.publishRecord(new ProducerRecord<>(Topics.dlq(r.topic()), null, r.key(), r.value(), headers));
        } catch (RuntimeException failed) {
            sent = CompletableFuture.failedFuture(failed); // the poll is retried from its first offsets
        }
        return sent.whenComplete((ok, error) -> {
                    if (error == null) {
                        metrics.deadLettered.inc();
                    }
                });
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> list = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private static void rewind(KafkaConsumer<String, byte[]> c, ConsumerRecords<String, byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            c.seek(tp, records.records(tp).get(0).offset());
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
