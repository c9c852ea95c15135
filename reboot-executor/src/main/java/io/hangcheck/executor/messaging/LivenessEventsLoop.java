package io.hangcheck.executor.messaging;

import io.hangcheck.events.DeadLetter;
import io.hangcheck.events.InvalidEventException;
import io.hangcheck.events.Topics;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.store.NotLeaderException;
import io.hangcheck.support.KafkaClientProperties;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The liveness events ({@code HUNG}, {@code REBOOTED}, {@code RECOVERED}), consumed by the leader alone: a plain
 * consumer that joins the group when this process becomes the leader and leaves it when it stops leading, so a
 * standby holds no partition and no event waits on a passive replica. In order, one record at a time, the offsets
 * of what was handled committed after each poll; a record that fails goes to {@code <topic>.dlq} with {@link DeadLetter} headers
 * (one log line, no stack trace) and is committed once the dead letter is acknowledged. When leadership is lost in
 * the middle of a record nothing is committed: the next leader reads it again (a HUNG is then a duplicate's skip).
 */
@ApplicationScoped
public class LivenessEventsLoop {
    private static final Logger LOG = Logger.getLogger(LivenessEventsLoop.class);

    @Inject
    LivenessConsumer handler;
    @Inject
    ExecutorConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrap;
    /** Quarkus' default Kafka configuration: security.protocol, sasl.*, ssl.* as the channels have them. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaDefaults;

    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile String stoppedBecause;

    /** Joins the group and starts consuming (the leader only). */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        stoppedBecause = null;
        thread = new Thread(this::run, "executor-liveness-events");
        thread.setDaemon(true);
        thread.start();
    }

    /** Leaves the group (leadership lost, or shutdown); a record being handled is not committed. */
    public void stop() {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt(); // a corroboration wait or a driver back-off ends at once
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** While leading: a consumer that failed (e.g. the broker went away) is replaced, never left dead. */
    private void run() {
        try {
            loop();
        } catch (Throwable e) {
            stoppedBecause = e.toString();
            LOG.errorf("liveness events loop stopped: %s; readiness is DOWN", e.toString());
            throw e;
        }
        if (running) {
            stoppedBecause = "interrupted while leading";
            LOG.error("liveness events loop stopped: interrupted while leading; readiness is DOWN");
        }
    }

    /**
     * Why the loop is not running although this process leads (its thread died or ended), or null while it runs or
     * while this process does not lead: readiness is DOWN with this reason, for no HUNG is acted on meanwhile.
     */
    public String failure() {
        if (!running) {
            return null;
        }
        Thread t = thread;
        if (t != null && t.isAlive() && stoppedBecause == null) {
            return null;
        }
        String why = stoppedBecause;
        return "liveness events loop stopped: " + (why == null ? "its thread is not alive" : why);
    }

    /** The loop's thread (tests kill it to see readiness go DOWN). */
    Thread thread() {
        return thread;
    }

    private void loop() {
        try (KafkaProducer<String, byte[]> dlq = deadLetterProducer()) {
            while (running) {
                try (KafkaConsumer<String, byte[]> c = consumer()) {
                    consume(c, dlq);
                } catch (WakeupException e) {
                    // stopping
                } catch (RuntimeException e) {
                    LOG.errorf("liveness events consumer failed, starting a new one: %s", e.toString());
                    if (!pause()) {
                        return;
                    }
                }
            }
        }
    }

    /** Handles each polled record in order and commits what was handled once per poll (and before giving up). */
    private void consume(KafkaConsumer<String, byte[]> c, KafkaProducer<String, byte[]> dlq) {
        c.subscribe(List.of(config.eventsTopic()));
        while (running) {
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            try {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (!running || !handled(r, dlq)) {
                        // not committed: read again by this consumer's successor, or by whoever leads next
                        throw new IllegalStateException("record " + r.topic() + "-" + r.partition() + "@" + r.offset() + " not handled");
                    }
                    done.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
            } finally {
                if (!done.isEmpty()) {
                    c.commitSync(done);
                }
            }
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties props = KafkaClientProperties.of(kafkaDefaults, Map.of());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.eventsGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.eventsOffsetReset());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        // a dead leader's partitions go to its successor after this long (not the default 45 s)
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        // a record may wait for a driver call with its retries (the outcome timeout is 10 min)
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(Duration.ofMinutes(20).toMillis()));
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer = c;
        return c;
    }

    private boolean pause() {
        try {
            Thread.sleep(1000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True when the record was handled or dead-lettered (its offset may be committed). */
    private boolean handled(ConsumerRecord<String, byte[]> r, KafkaProducer<String, byte[]> dlq) {
        try {
            handler.onLivenessEvent(r);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (NotLeaderException e) {
            LOG.warnf("record %s-%d@%d left for the next leader: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.warnf("record %s-%d@%d to the DLQ: %s", r.topic(), r.partition(), r.offset(), e.toString());
            return deadLettered(r, e, dlq);
        }
    }

    private boolean deadLettered(ConsumerRecord<String, byte[]> r, RuntimeException e, KafkaProducer<String, byte[]> dlq) {
        InvalidEventException invalid = DeadLetter.invalid(e);
        ProducerRecord<String, byte[]> d = new ProducerRecord<>(Topics.dlq(r.topic()), null, r.key(), r.value(),
                DeadLetter.headers(r.headers(), String.valueOf(e.getMessage()), e.getClass().getName(), r.topic(),
                        r.partition(), r.offset(), invalid == null ? null : invalid.field()));
        try {
            dlq.send(d).get();
            return true;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException ee) {
            LOG.warnf("dead letter of %s-%d@%d not sent (%s); the record is read again", r.topic(), r.partition(), r.offset(), ee.getCause());
            return false;
        }
    }

    private KafkaProducer<String, byte[]> deadLetterProducer() {
        Properties p = KafkaClientProperties.of(kafkaDefaults, Map.of());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
