package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.FleetAggregator;
import io.hangcheck.evaluator.domain.HostRecordSerde;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.evaluator.metrics.EvaluatorMetrics;
import io.hangcheck.events.Topics;
import io.hangcheck.events.kafka.FleetHealthSerde;
import io.hangcheck.events.kafka.GroupCountsSerde;
import io.hangcheck.events.kafka.HostStateSerde;
import io.hangcheck.events.kafka.LivenessEventSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * The evaluator's topology — the one the application runs ({@code TopologyProducer}) and the topology tests
 * drive. Processor API:
 *
 * <pre>
 * hangcheck.heartbeats.v1 (bytes) ─┐                         ┌─▶ hangcheck.liveness.events.v1
 *                                  ├─▶ liveness processor ───┼─▶ hangcheck.liveness.state.v1 (compacted)
 * hangcheck.reboots.v1 (bytes) ────┘   stores: hosts,        ├─▶ hangcheck.fleet.health.v1
 *                                      partition clock       ├─▶ hangcheck.groups.v1 (compacted, this instance's counts)
 *                                                            └─▶ &lt;input&gt;.dlq (records it could not read)
 * hangcheck.groups.v1 ─▶ global store "peer group counts" (every instance reads all of it) ─▶ FleetAggregator#peer
 * </pre>
 * The groups topic (left out when {@link TopicNames#groups()} is null or groups are off) lets each instance judge a
 * host group over all instances' hosts ({@link FleetAggregator}).
 * Inputs are read as bytes and decoded inside the processor with the contract's serdes, so a poison record
 * is sent to its dead-letter topic (with the error in headers) and counted, inside the topology, never
 * stalling the task. Both stores are persistent (RocksDB) with changelogs.
 *
 * <p>The processor keeps every host's current record in memory ({@code HostTable}) and writes it to the hosts store
 * when a durable field changes, otherwise (a plain heartbeat of an UP host) at most every
 * {@link Settings#storeWriteEvery}; a restored or taken-over task gives UP hosts a fresh grace from the restored
 * partition time. So the record path reads nothing from the store, and most heartbeats write nothing to it.
 * The hosts store has no Kafka Streams record cache (the table is the cache; Kafka Streams' would only add a
 * sorted-map lookup to every put and flush, {@code BENCHMARKS-evaluator.md}).
 *
 * <p>Co-partitioning: a reboot record must reach the task that holds the host. Both topics are keyed by host id
 * with Kafka's default partitioner, so they are co-partitioned exactly when their partition counts are equal;
 * the evaluator requires that and checks it at start ({@code PartitionCountCheck}: readiness DOWN and an
 * error log otherwise). A reboot for a host the task does not know is ignored and counted.
 */
public final class LivenessTopology {
    public static final String HOSTS_STORE = "hangcheck-hosts";
    public static final String PARTITIONS_STORE = "hangcheck-partition-clock";
    public static final String PROCESSOR = "liveness";
    public static final String PEERS_STORE = "hangcheck-peer-groups";

    /**
     * Knobs of the processor that are not thresholds.
     *
     * @param persistentStores RocksDB stores (the application, always). Topology tests use in-memory stores
     *                         (still with changelogs) except where they restart from disk, because
     *                         TopologyTestDriver commits, and so flushes RocksDB, after every single record.
     */
    public record Settings(String instanceId, Duration punctuateInterval, Duration reportInterval,
                           boolean persistentStores, boolean hostsCache, Duration storeWriteEvery) {
        /** The default of {@code hangcheck.evaluator.store-write-every}. */
        public static final Duration STORE_WRITE_EVERY = Duration.ofMinutes(5);

        /** The application's: RocksDB stores, no record cache on the hosts store (see {@link #build}). */
        public static Settings of(String instanceId) {
            return new Settings(instanceId, Duration.ofSeconds(1), Duration.ofSeconds(10), true, false, STORE_WRITE_EVERY);
        }

        public Settings reportInterval(Duration every) {
            return new Settings(instanceId, punctuateInterval, every, persistentStores, hostsCache, storeWriteEvery);
        }

        public Settings inMemoryStores() {
            return new Settings(instanceId, punctuateInterval, reportInterval, false, hostsCache, storeWriteEvery);
        }

        public Settings stores(boolean persistent, boolean cache) {
            return new Settings(instanceId, punctuateInterval, reportInterval, persistent, cache, storeWriteEvery);
        }

        /**
         * An UP host's plain heartbeats (last seen, seq, statistics) are written to the hosts store at most this
         * often (between half and all of it, by host); durable changes at once ({@code HostTable}). {@link Duration#ZERO}:
         * every change is written.
         */
        public Settings storeWriteEvery(Duration every) {
            return new Settings(instanceId, punctuateInterval, reportInterval, persistentStores, hostsCache, every);
        }
    }

    private LivenessTopology() {
    }

    public static Topology build(Thresholds thresholds, TopicNames topics, Settings settings, FleetAggregator fleet,
                                 EvaluatorMetrics metrics, Clock clock) {
        return build(thresholds, topics, settings, fleet, metrics, clock, new HostTables());
    }

    /** With the instance's {@link HostTables}, through which the REST API reads hosts' current records. */
    public static Topology build(Thresholds thresholds, TopicNames topics, Settings settings, FleetAggregator fleet,
                                 EvaluatorMetrics metrics, Clock clock, HostTables tables) {
        return build(thresholds, topics, settings, fleet, metrics, clock, tables, settings.persistentStores()
                ? Stores::persistentKeyValueStore : Stores::inMemoryKeyValueStore);
    }

    /** With the stores {@code stores} supplies by name (tests: stores whose content survives a simulated crash). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Topology build(Thresholds thresholds, TopicNames topics, Settings settings, FleetAggregator fleet,
                          EvaluatorMetrics metrics, Clock clock, HostTables tables,
                          Function<String, KeyValueBytesStoreSupplier> stores) {
        return build(thresholds, topics, settings, fleet, metrics, clock, tables, stores,
                () -> new LivenessProcessor(thresholds, topics, settings, fleet, metrics, clock, tables));
    }

    /**
     * With the processors {@code processors} supplies (tests: one instance handed out again, as Kafka Streams does
     * when it recycles a task: active, standby, then active again on the same processor objects).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Topology build(Thresholds thresholds, TopicNames topics, Settings settings, FleetAggregator fleet,
                          EvaluatorMetrics metrics, Clock clock, HostTables tables,
                          Function<String, KeyValueBytesStoreSupplier> stores,
                          java.util.function.Supplier<LivenessProcessor> processors) {
        Topology t = new Topology();
        t.addSource("heartbeats-in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.heartbeats());
        t.addSource("reboots-in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.reboots());
        t.addProcessor(PROCESSOR, processors::get, "heartbeats-in", "reboots-in");
        var hostsStore = Stores.keyValueStoreBuilder(stores.apply(HOSTS_STORE), Serdes.String(), new HostRecordSerde());
        t.addStateStore(settings.hostsCache() ? hostsStore.withCachingEnabled() : hostsStore.withCachingDisabled(), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(stores.apply(PARTITIONS_STORE), Serdes.Integer(), Serdes.ByteArray()),
                PROCESSOR);
        Serializer<String> keys = Serdes.String().serializer();
        t.addSink(LivenessProcessor.EVENTS_SINK, topics.events(), keys, (Serializer) new LivenessEventSerde(), PROCESSOR);
        t.addSink(LivenessProcessor.STATE_SINK, topics.state(), keys, (Serializer) new HostStateSerde(), PROCESSOR);
        t.addSink(LivenessProcessor.FLEET_SINK, topics.fleet(), keys, (Serializer) new FleetHealthSerde(), PROCESSOR);
        if (topics.groups() != null && fleet.groupThresholds().enabled()) {
            t.addSink(LivenessProcessor.GROUPS_SINK, topics.groups(), keys, (Serializer) new GroupCountsSerde(), PROCESSOR);
            // a global store: no changelog of its own (its topic is its changelog), read whole by every instance
            t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PEERS_STORE), Serdes.String(),
                            Serdes.ByteArray()).withLoggingDisabled(), "peer-groups-in", Serdes.String().deserializer(),
                    Serdes.ByteArray().deserializer(), topics.groups(), "peer-groups",
                    () -> new PeerGroupsProcessor(fleet, metrics, topics.groups()));
        }
        t.addSink(LivenessProcessor.HEARTBEATS_DLQ_SINK, Topics.dlq(topics.heartbeats()), keys,
                (Serializer) Serdes.ByteArray().serializer(), PROCESSOR);
        t.addSink(LivenessProcessor.REBOOTS_DLQ_SINK, Topics.dlq(topics.reboots()), keys,
                (Serializer) Serdes.ByteArray().serializer(), PROCESSOR);
        return t;
    }
}
