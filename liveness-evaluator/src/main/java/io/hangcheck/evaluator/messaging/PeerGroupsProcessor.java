package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.FleetAggregator;
import io.hangcheck.evaluator.metrics.EvaluatorMetrics;
import io.hangcheck.events.GroupCounts;
import io.hangcheck.events.kafka.GroupCountsSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

/**
 * The global store's processor over {@code hangcheck.groups.v1}: every instance reads every instance's latest counts
 * per group and hands the others' to {@link FleetAggregator#peer}. The store keeps the raw records (key: instance
 * id), so the counts restored at start (which may bypass this processor) are handed over in {@link #init}. A record
 * that cannot be read is logged and counted ({@code hangcheck_evaluator_dead_letters_total{topic="hangcheck.groups.v1"}}, though nothing is forwarded):
 * a global processor cannot forward to a dead-letter topic. Its instance's previous counts are then kept and age
 * as usual (stale, in doubt, then dropped), so a bad record never makes a group look healthier. A record under this
 * instance's own id that it did not write is another instance configured with the same id: logged as an ERROR (at
 * most once a minute while it lasts), shown by {@code hangcheck_evaluator_duplicate_instance_id}, and its counts held
 * in doubt ({@link FleetAggregator#peer}).
 */
final class PeerGroupsProcessor implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = Logger.getLogger(PeerGroupsProcessor.class);

    private final FleetAggregator fleet;
    private final EvaluatorMetrics metrics;
    private final String topic;
    private final GroupCountsSerde serde = new GroupCountsSerde();
    private KeyValueStore<String, byte[]> store;

    PeerGroupsProcessor(FleetAggregator fleet, EvaluatorMetrics metrics, String topic) {
        this.fleet = fleet;
        this.metrics = metrics;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(LivenessTopology.PEERS_STORE);
        int n = 0;
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                hand(kv.key, kv.value);
                n++;
            }
        }
        LOG.infof("group counts of evaluator instances restored: %d records; peers %s", n, fleet.peers());
    }

    @Override
    public void process(Record<String, byte[]> rec) {
        if (rec.key() == null) {
            reject(null, "no key (the evaluator instance id)");
            return;
        }
        if (rec.value() == null) {
            store.delete(rec.key());
        } else {
            store.put(rec.key(), rec.value());
        }
        hand(rec.key(), rec.value());
    }

    private void hand(String key, byte[] value) {
        GroupCounts counts = null;
        if (value != null) {
            try {
                counts = serde.deserialize(topic, value);
            } catch (SerializationException e) {
                reject(key, e.getMessage());
                return;
            }
            if (!key.equals(counts.evaluatorId())) {
                reject(key, "key '" + key + "' is not the record's evaluatorId '" + counts.evaluatorId() + "'");
                return;
            }
        }
        if (fleet.peer(key, counts)) {
            LOG.errorf("%s: another evaluator instance publishes group counts under this instance's id '%s' (%d such "
                    + "records so far; last one taken at %s over partitions %s): two instances are configured with the "
                    + "same instance id. Each overwrites the other's record, so other instances miss one of them; every "
                    + "group here is judged on the most cautious view until its records stop for peer-expire-after. "
                    + "Give each instance its own id.", topic, key, fleet.duplicateRecords(), counts.at(), counts.partitions());
        }
    }

    private void reject(String key, String why) {
        LOG.errorf("%s: record of key %s refused (the instance's previous counts are kept and age): %s", topic, key, why);
        if (metrics != null) {
            metrics.deadLetters.labels(topic).inc();
        }
    }
}
