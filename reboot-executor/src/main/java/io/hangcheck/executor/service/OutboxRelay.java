package io.hangcheck.executor.service;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.EventType;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.metrics.ExecutorMetrics;
import io.hangcheck.executor.store.Database;
import io.hangcheck.executor.store.Outbox;
import io.hangcheck.support.KafkaClientProperties;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Relays the outbox to {@code hangcheck.reboots.v1}. The ledger row and its outbox row are written in one
 * transaction; this poller locks unsent rows ({@code FOR UPDATE SKIP LOCKED}), sends them, waits for the
 * broker's acknowledgement ({@code acks=all}) and only then marks them sent in the same transaction. A crash
 * after the send and before the commit sends the row again: the topic is at-least-once, and {@code ce_id}
 * (= the ledger row id = {@code recordId}) lets readers drop duplicates.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    @Inject
    Database db;
    @Inject
    Outbox outbox;
    @Inject
    ExecutorConfig config;
    @Inject
    Clock clock;
    @Inject
    ExecutorMetrics metrics;
    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrap;
    /** Quarkus' default Kafka configuration: security.protocol, sasl.*, ssl.* as the channels have them. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaDefaults;

    private KafkaProducer<String, byte[]> producer;
    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent ev) {
        Properties p = KafkaClientProperties.of(kafkaDefaults, Map.of());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "hangcheck-executor-outbox-" + config.instanceId());
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        timer = Daemons.timer("executor-outbox", 1);
        long every = config.outbox().pollInterval().toMillis();
        timer.scheduleWithFixedDelay(this::relaySafely, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }

    private final ThrottledWarning warning = new ThrottledWarning(LOG, java.time.Duration.ofMinutes(1)); // one line a minute during an outage

    private void relaySafely() {
        try {
            while (relay() == config.outbox().batchSize()) {
                // a full batch: more may be waiting
            }
            metrics.outboxUnsent.set(outbox.unsent());
        } catch (RuntimeException e) {
            warning.warn("outbox relay: %s (rows stay unsent and are retried)", e.getMessage());
        }
    }

    /** Relays one batch; returns how many rows were sent. */
    public int relay() {
        return db.inTransaction(c -> {
            List<Outbox.Row> rows = outbox.lockUnsent(c, config.outbox().batchSize());
            if (rows.isEmpty()) {
                return 0;
            }
            List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
            for (Outbox.Row row : rows) {
                ProducerRecord<String, byte[]> rec = new ProducerRecord<>(row.topic(), row.key(), row.payload());
                CloudEvents.apply(rec.headers(), Long.toString(row.ledgerId()), EventType.REBOOT_RECORD,
                        "hangcheck-reboot-executor/" + config.instanceId(), row.createdAt());
                acks.add(producer.send(rec));
            }
            List<Long> ids = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                try {
                    acks.get(i).get(30, TimeUnit.SECONDS);
                    ids.add(rows.get(i).id());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    LOG.warnf("outbox row %d not acknowledged: %s", rows.get(i).id(), e.getMessage());
                    break; // keep order: later rows wait for this one
                }
            }
            if (!ids.isEmpty()) {
                outbox.markSent(c, ids, clock.instant());
            }
            return ids.size();
        });
    }
}
