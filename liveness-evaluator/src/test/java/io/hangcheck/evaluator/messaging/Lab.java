package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.FleetAggregator;
import io.hangcheck.evaluator.domain.GroupThresholds;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.evaluator.metrics.EvaluatorMetrics;
import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatTopicRecord;
import io.hangcheck.events.HostState;
import io.hangcheck.events.IngestHealth;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.events.Tick;
import io.hangcheck.events.Topics;
import io.hangcheck.events.Transport;
import io.hangcheck.events.kafka.FleetHealthSerde;
import io.hangcheck.events.kafka.HeartbeatTopicRecordSerde;
import io.hangcheck.events.kafka.HostStateSerde;
import io.hangcheck.events.kafka.LivenessEventSerde;
import io.hangcheck.events.kafka.RebootRecordSerde;
import io.prometheus.client.CollectorRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A simulated lab around the PRODUCTION topology ({@link LivenessTopology#build}) in a
 * {@link TopologyTestDriver}: partition time advances only by the tick records the test pipes, with explicit
 * record timestamps; the wall clock (punctuations and the injected {@link java.time.Clock}) only by
 * {@link #wall(long)}. Outputs are collected across calls.
 */
final class Lab implements AutoCloseable {
    static final long T0 = Instant.parse("2026-11-27T00:00:00Z").toEpochMilli();

    final Thresholds thresholds;
    final io.hangcheck.testing.SteppedClock clock;
    final FleetAggregator fleet;
    final CollectorRegistry registry = new CollectorRegistry(true);
    final EvaluatorMetrics metrics;
    /** The task's in-memory host records (the store has an UP host's plain heartbeats only to within store-write-every). */
    final HostTables tables = new HostTables();
    final TopologyTestDriver driver;
    final TestInputTopic<String, HeartbeatTopicRecord> heartbeats;
    final TestInputTopic<String, byte[]> rawHeartbeats;
    final TestInputTopic<String, RebootRecord> reboots;
    final TestOutputTopic<String, LivenessEvent> eventsOut;
    final TestOutputTopic<String, HostState> stateOut;
    final TestOutputTopic<String, FleetHealth> fleetOut;
    final TestOutputTopic<String, byte[]> dlqOut;
    final List<TestRecord<String, LivenessEvent>> events = new ArrayList<>();
    final List<TestRecord<String, HostState>> states = new ArrayList<>();
    final List<FleetHealth> fleetReports = new ArrayList<>();
    private long tickSeq;

    Lab(Thresholds thresholds, Path stateDir, long wallStart) {
        this(thresholds, stateDir, wallStart, false);
    }

    /** {@code persistent}: RocksDB stores as in production (slow in the driver: it flushes after every record). */
    Lab(Thresholds thresholds, Path stateDir, long wallStart, boolean persistent) {
        this(thresholds, GroupThresholds.off(), stateDir, wallStart, persistent);
    }

    /** With group guards ({@code groups}; {@link GroupThresholds#off()}: the fleet guard alone). */
    Lab(Thresholds thresholds, GroupThresholds groups, Path stateDir, long wallStart, boolean persistent) {
        this("evaluator-test", thresholds, groups, stateDir, wallStart, persistent, null);
    }

    /** One evaluator instance {@code instanceId} (several labs: several instances, see {@link #groupsTo}). */
    Lab(String instanceId, Thresholds thresholds, GroupThresholds groups, Path stateDir, long wallStart, boolean persistent) {
        this(instanceId, thresholds, groups, stateDir, wallStart, persistent, null);
    }

    /** Over stores that outlive this lab (see below). */
    Lab(Thresholds thresholds, GroupThresholds groups, Path stateDir, long wallStart, boolean persistent,
        SurvivingStores disk) {
        this("evaluator-test", thresholds, groups, stateDir, wallStart, persistent, disk);
    }

    /**
     * One evaluator instance {@code instanceId} (several labs: several instances, see {@link #groupsTo}), over stores
     * that outlive this lab ({@code disk}, null: the lab's own): a new lab over the same {@code disk} is the evaluator
     * restarted after a crash, or another instance taking the partition over.
     */
    Lab(String instanceId, Thresholds thresholds, GroupThresholds groups, Path stateDir, long wallStart, boolean persistent,
        SurvivingStores disk) {
        this(instanceId, thresholds, groups, stateDir, wallStart, persistent, disk, null);
    }

    /**
     * As above; with {@code recycled} (a one-element array) the task's processor is {@code recycled[0]} when set, else a
     * new one stored there: the next lab given the same array runs the same processor object again, as Kafka Streams
     * does when it recycles a task (active, standby, active again). The processor keeps the components (clock, fleet,
     * metrics) of the lab that made it.
     */
    Lab(String instanceId, Thresholds thresholds, GroupThresholds groups, Path stateDir, long wallStart, boolean persistent,
        SurvivingStores disk, LivenessProcessor[] recycled) {
        this.thresholds = thresholds;
        this.clock = new io.hangcheck.testing.SteppedClock(Instant.ofEpochMilli(wallStart));
        this.fleet = new FleetAggregator(instanceId, thresholds, groups, clock);
        this.metrics = new EvaluatorMetrics(registry, fleet);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "hangcheck-liveness-evaluator-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        LivenessTopology.Settings settings = LivenessTopology.Settings.of(instanceId);
        boolean[] built = {false}; // the topology builder checks its suppliers before the driver makes the task
        org.apache.kafka.streams.Topology topology = disk == null
                ? LivenessTopology.build(thresholds, TopicNames.defaults(), persistent ? settings : settings.inMemoryStores(),
                        fleet, metrics, clock, tables)
                : recycled == null ? LivenessTopology.build(thresholds, TopicNames.defaults(), settings.inMemoryStores(), fleet,
                        metrics, clock, tables, disk::supplier)
                : LivenessTopology.build(thresholds, TopicNames.defaults(), settings.inMemoryStores(), fleet, metrics, clock,
                        tables, disk::supplier, recycling(recycled, built, () -> new LivenessProcessor(thresholds,
                                TopicNames.defaults(), settings.inMemoryStores(), fleet, metrics, clock, tables)));
        built[0] = true;
        this.driver = new TopologyTestDriver(topology, p, Instant.ofEpochMilli(wallStart));
        heartbeats = driver.createInputTopic(Topics.HEARTBEATS, Serdes.String().serializer(), new HeartbeatTopicRecordSerde());
        rawHeartbeats = driver.createInputTopic(Topics.HEARTBEATS, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        reboots = driver.createInputTopic(Topics.REBOOTS, Serdes.String().serializer(), new RebootRecordSerde());
        eventsOut = driver.createOutputTopic(Topics.LIVENESS_EVENTS, Serdes.String().deserializer(), new LivenessEventSerde());
        stateOut = driver.createOutputTopic(Topics.LIVENESS_STATE, Serdes.String().deserializer(), new HostStateSerde());
        fleetOut = driver.createOutputTopic(Topics.FLEET_HEALTH, Serdes.String().deserializer(), new FleetHealthSerde());
        dlqOut = driver.createOutputTopic(Topics.dlq(Topics.HEARTBEATS), Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        if (groups.enabled()) {
            groupsOut = driver.createOutputTopic(Topics.GROUPS, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
            groupsIn = driver.createInputTopic(Topics.GROUPS, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        } else {
            groupsOut = null;
            groupsIn = null;
        }
    }

    /**
     * Hands out {@code recycled[0]} (made first if not set) once the topology is {@code built}; the builder's own
     * checks that two calls give two objects come before and get new ones.
     */
    private static java.util.function.Supplier<LivenessProcessor> recycling(LivenessProcessor[] recycled, boolean[] built,
                                                                          java.util.function.Supplier<LivenessProcessor> fresh) {
        if (recycled[0] == null) {
            recycled[0] = fresh.get();
        }
        LivenessProcessor reuse = recycled[0];
        return () -> built[0] ? reuse : fresh.get();
    }

    final TestOutputTopic<String, byte[]> groupsOut;
    final TestInputTopic<String, byte[]> groupsIn;

    /**
     * Carries what this instance wrote to {@code hangcheck.groups.v1} since the last call to the other instances'
     * global stores, as the compacted topic does between instances (returns the records carried).
     */
    int groupsTo(Lab... others) {
        List<TestRecord<String, byte[]>> recs = groupsOut.readRecordsToList();
        for (Lab other : others) {
            for (TestRecord<String, byte[]> r : recs) {
                other.groupsIn.pipeInput(r.key(), r.value(), r.timestamp());
            }
        }
        return recs.size();
    }

    /** The evaluator's current record of {@code host} (the driver's single task: partition 0). */
    io.hangcheck.evaluator.domain.HostRecord current(String host) {
        return tables.get(0, host);
    }

    /** What the hosts store holds for {@code host}: what a restarted task would start from. */
    io.hangcheck.evaluator.domain.HostRecord stored(String host) {
        org.apache.kafka.streams.state.KeyValueStore<String, io.hangcheck.evaluator.domain.HostRecord> store =
                driver.getKeyValueStore(LivenessTopology.HOSTS_STORE);
        return store.get(host);
    }

    Lab(Thresholds thresholds, Path stateDir) {
        this(thresholds, stateDir, T0);
    }

    /** A tick of ingest instance {@code instance} at partition time {@code at}. */
    void tick(String instance, long at, boolean degraded) {
        IngestHealth h = degraded
                ? new IngestHealth(IngestHealth.State.DEGRADED, List.of("connections 480/500 >= 80%"), 480, 500, 0, 0, 0, 0)
                : IngestHealth.ok(10, 500);
        Tick t = new Tick(instance, Instant.ofEpochMilli(at), 0, tickSeq++, h);
        heartbeats.pipeInput(t.key(), t, at);
    }

    void tick(long at) {
        tick("ingest-0", at, false);
    }

    void heartbeat(String host, String boot, long seq, long at, String via) {
        Heartbeat hb = Heartbeat.fromHost(host, boot, seq, Instant.ofEpochMilli(at), Map.of("pool", "lab-a"), null)
                .stamped(Instant.ofEpochMilli(at), Transport.HTTP, via);
        heartbeats.pipeInput(host, hb, at);
    }

    void heartbeat(String host, long seq, long at) {
        heartbeat(host, "boot-1", seq, at, "ingest-0");
    }

    /** A heartbeat with these labels from source network {@code net} (null: none), through ingest-0. */
    void heartbeat(String host, long seq, long at, Map<String, String> labels, String net) {
        Heartbeat hb = Heartbeat.fromHost(host, "boot-1", seq, Instant.ofEpochMilli(at), labels, null)
                .stamped(Instant.ofEpochMilli(at), Transport.UDP, "ingest-0", net);
        heartbeats.pipeInput(host, hb, at);
    }

    /** Moves the wall clock (and the driver's) by {@code ms}, running due punctuations. */
    void wall(long ms) {
        clock.step(Duration.ofMillis(ms));
        driver.advanceWallClockTime(Duration.ofMillis(ms));
    }

    /** Drains the output topics into the collected lists. */
    Lab collect() {
        events.addAll(eventsOut.readRecordsToList());
        states.addAll(stateOut.readRecordsToList());
        fleetOut.readValuesToList().forEach(fleetReports::add);
        return this;
    }

    List<LivenessEvent> events(LivenessEventType type) {
        collect();
        return events.stream().map(TestRecord::value).filter(e -> e.type() == type).collect(Collectors.toList());
    }

    List<String> hosts(LivenessEventType type) {
        return events(type).stream().map(LivenessEvent::hostId).collect(Collectors.toList());
    }

    FleetHealth lastFleet() {
        collect();
        return fleetReports.isEmpty() ? null : fleetReports.get(fleetReports.size() - 1);
    }

    @Override
    public void close() {
        driver.close();
    }
}
