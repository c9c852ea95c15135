package io.hangcheck.executor.messaging;

import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.HostState;
import io.hangcheck.events.InvalidEventException;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.Topics;
import io.hangcheck.events.kafka.FleetHealthSerde;
import io.hangcheck.events.kafka.HostStateSerde;
import io.hangcheck.events.kafka.LivenessEventSerde;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.domain.Evidence;
import io.hangcheck.executor.domain.FleetView;
import io.hangcheck.executor.metrics.ExecutorMetrics;
import io.hangcheck.executor.service.Confirmations;
import io.hangcheck.executor.service.Decider;
import io.hangcheck.executor.service.HostStateView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The Kafka shell. Values arrive as bytes and are decoded here with the contract's serdes, so a poison
 * record fails inside the method: it is nacked, counted, and the {@code dead-letter-queue} failure strategy
 * moves its original bytes to {@code <topic>.dlq} with the reason in the headers. Liveness events come from the
 * leader's own consumer ({@link LivenessEventsLoop}), in order on its thread (database and driver calls block).
 */
@ApplicationScoped
public class LivenessConsumer {
    private static final Logger LOG = Logger.getLogger(LivenessConsumer.class);
    private static final LivenessEventSerde EVENTS = new LivenessEventSerde();
    private static final HostStateSerde STATES = new HostStateSerde();
    private static final FleetHealthSerde FLEET = new FleetHealthSerde();

    @Inject
    Decider decider;
    @Inject
    Confirmations confirmations;
    @Inject
    HostStateView states;
    @Inject
    FleetView fleet;
    @Inject
    ExecutorConfig config;
    @Inject
    ExecutorMetrics metrics;
    @Inject
    java.time.Clock clock;

    /** One liveness event, from {@link LivenessEventsLoop} (the leader's consumer); a failure dead-letters it. */
    public void onLivenessEvent(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        LivenessEvent e = keyed(record, decode(record, EVENTS, Topics.LIVENESS_EVENTS), LivenessEvent::hostId, "hostId",
                Topics.LIVENESS_EVENTS);
        if (e == null) {
            return; // a tombstone carries nothing to act on
        }
        switch (e.type()) {
            case HUNG -> {
                Evidence evidence = corroborate(e);
                var outcome = withDatabase(() -> decider.onHung(e, evidence));
                LOG.infof("HUNG %s on %s: %s %s", e.incidentId(), e.hostId(), outcome.verdict().decision(), outcome.verdict().reason());
            }
            case REBOOTED, RECOVERED -> withDatabase(() -> confirmations.onReturn(e));
            default -> { } // SUSPECT and HELD are never acted on
        }
    }

    @Incoming(Channels.HOST_STATE)
    public void onHostState(ConsumerRecord<String, byte[]> record) {
        HostState st = keyed(record, decode(record, STATES, Topics.LIVENESS_STATE), HostState::hostId, "hostId", Topics.LIVENESS_STATE);
        java.time.Instant now = clock.instant(); // a record stamped ahead counts as received now
        java.time.Instant stamped = java.time.Instant.ofEpochMilli(record.timestamp());
        states.apply(record.key(), st, io.hangcheck.events.CloudEvents.header(record.headers(), io.hangcheck.events.CloudEvents.SOURCE).orElse(null),
                stamped.isAfter(now) ? now : stamped);
    }

    @Incoming(Channels.FLEET_HEALTH)
    public void onFleetHealth(ConsumerRecord<String, byte[]> record) {
        FleetHealth f = keyed(record, decode(record, FLEET, Topics.FLEET_HEALTH), FleetHealth::evaluatorId, "evaluatorId",
                Topics.FLEET_HEALTH);
        if (f != null && !fleet.update(f, java.time.Instant.ofEpochMilli(record.timestamp()))) {
            metrics.rejectedEvents.labels(Topics.FLEET_HEALTH, "unknown_evaluator").inc();
            LOG.warnf("fleet-health report of evaluator %s ignored: not one of hangcheck.executor.fleet.evaluator-ids", f.evaluatorId());
        }
    }

    /**
     * Without the database nothing is decided: the failure is counted and logged, and the record goes to the
     * DLQ (not acted on; an operator can replay it). The readiness check is DOWN meanwhile.
     */
    private <T> T withDatabase(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (io.hangcheck.executor.store.StoreException | org.flywaydb.core.api.FlywayException e) {
            metrics.rejectedEvents.labels(Topics.LIVENESS_EVENTS, "database_unavailable").inc();
            LOG.errorf("database unavailable, nothing rebooted: %s", e.getMessage());
            throw e;
        }
    }

    /** Waits (bounded) for the compacted host state to catch up with the event before judging it. */
    private Evidence corroborate(LivenessEvent e) throws InterruptedException {
        long deadline = System.nanoTime() + config.corroborationWait().toNanos();
        Evidence ev = Evidence.of(e, states.get(e.hostId()));
        while (ev.mayCatchUp() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            ev = Evidence.of(e, states.get(e.hostId()));
        }
        return ev;
    }

    /**
     * The contract keys these topics by the record's own id (host id; evaluator id for fleet health): a record
     * under another key is refused to the DLQ like any invalid record — filed under its value's id it could stand
     * in for another host's state, and on another key it is not ordered with its host's other records. A record
     * without a key is taken by its value, as the evaluator takes heartbeats.
     */
    private <T> T keyed(ConsumerRecord<String, byte[]> record, T value, java.util.function.Function<T, String> id,
                        String field, String topic) {
        if (value != null && record.key() != null && !record.key().equals(id.apply(value))) {
            metrics.rejectedEvents.labels(topic, "key_mismatch").inc();
            LOG.warnf("rejected record %s-%d@%d: key %s is not its %s %s (to the DLQ)", record.topic(), record.partition(),
                    record.offset(), record.key(), field, id.apply(value));
            throw new InvalidEventException(field, "does not match the record key");
        }
        return value;
    }

    private <T> T decode(ConsumerRecord<String, byte[]> record, org.apache.kafka.common.serialization.Deserializer<T> serde, String topic) {
        try {
            return serde.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            metrics.rejectedEvents.labels(topic, "invalid").inc();
            LOG.warnf("rejected record %s-%d@%d: %s (to the DLQ)", record.topic(), record.partition(), record.offset(), e.getMessage());
            throw e;
        }
    }

}
