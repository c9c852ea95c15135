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
import org.apache.kafka.streams.state.Stores;

import java.time.Clock;
import java.time.Duration;

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
 * <p>The hosts store has no Kafka Streams record cache: a host is written once per heartbeat, a heartbeat
 * interval (a minute) apart, so within a commit interval nothing coalesces; the cache only added a sorted-map
 * lookup to every get, put and flush and a second copy of recently seen hosts (measured: a fifth of the stream
 * thread's time at 100,000 hosts, {@code BENCHMARKS-evaluator.md}). Every put goes to RocksDB and the changelog.
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
                           boolean persistentStores, boolean hostsCache) {
        /** The application's: RocksDB stores, no record cache on the hosts store (see {@link #build}). */
        public static Settings of(String instanceId) {
            return new Settings(instanceId, Duration.ofSeconds(1), Duration.ofSeconds(10), true, false);
        }

        public Settings reportInterval(Duration every) {
            return new Settings(instanceId, punctuateInterval, every, persistentStores, hostsCache);
        }

        public Settings inMemoryStores() {
            return new Settings(instanceId, punctuateInterval, reportInterval, false, hostsCache);
        }

        public Settings stores(boolean persistent, boolean cache) {
            return new Settings(instanceId, punctuateInterval, reportInterval, persistent, cache);
        }
    }

    private LivenessTopology() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Topology build(Thresholds thresholds, TopicNames topics, Settings settings, FleetAggregator fleet,
                                 EvaluatorMetrics metrics, Clock clock) {
        Topology t = new Topology();
        t.addSource("heartbeats-in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.heartbeats());
        t.addSource("reboots-in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.reboots());
        t.addProcessor(PROCESSOR, () -> new LivenessProcessor(thresholds, topics, settings, fleet, metrics, clock),
                "heartbeats-in", "reboots-in");
        boolean disk = settings.persistentStores();
        var hostsStore = Stores.keyValueStoreBuilder(disk ? Stores.persistentKeyValueStore(HOSTS_STORE)
                : Stores.inMemoryKeyValueStore(HOSTS_STORE), Serdes.String(), new HostRecordSerde());
        t.addStateStore(settings.hostsCache() ? hostsStore.withCachingEnabled() : hostsStore.withCachingDisabled(), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(disk ? Stores.persistentKeyValueStore(PARTITIONS_STORE)
                : Stores.inMemoryKeyValueStore(PARTITIONS_STORE), Serdes.Integer(), Serdes.ByteArray()), PROCESSOR);
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
