package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.FleetAggregator;
import io.hangcheck.evaluator.domain.GroupThresholds;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.evaluator.metrics.EvaluatorMetrics;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatTopicRecord;
import io.hangcheck.events.IngestHealth;
import io.hangcheck.events.Tick;
import io.hangcheck.events.Topics;
import io.hangcheck.events.Transport;
import io.hangcheck.events.kafka.HeartbeatTopicRecordSerde;
import io.hangcheck.testing.TestKafka;
import io.prometheus.client.CollectorRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Group counts round-trip through a real compacted topic on the real broker ({@link TestKafka}): two instances of the
 * production topology (one Kafka Streams application, its 4 heartbeat partitions split between them) each hold part of
 * rack r1 and each judges the rack over all 8 hosts; when one instance stops, the other takes its partitions over and
 * drops its counts (superseded, not added twice); an instance started later restores the others' counts from the
 * topic into its global store.
 */
class GroupCountsOnKafkaTest {
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    private record Instance(FleetAggregator fleet, KafkaStreams streams) {
    }

    @Test
    void countsRoundTripThroughTheCompactedTopicBetweenInstances() throws Exception {
        TestKafka kafka = TestKafka.shared();
        kafka.createContractTopics();
        try (Admin admin = Admin.create(kafka.adminProps())) {
            var res = new ConfigResource(ConfigResource.Type.TOPIC, Topics.GROUPS);
            assertThat(admin.describeConfigs(List.of(res)).all().get().get(res).get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                    .as("the contract's groups topic, as topics.txt makes it").isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        TopicNames topics = new TopicNames("gc." + run + ".hb", "gc." + run + ".reboots", "gc." + run + ".events",
                "gc." + run + ".state", "gc." + run + ".fleet", "gc." + run + ".groups");
        kafka.createTopics(PARTITIONS, topics.heartbeats(), topics.reboots());
        kafka.createTopics(1, topics.events(), topics.state(), topics.fleet(), Topics.dlq(topics.heartbeats()),
                Topics.dlq(topics.reboots()));
        try (Admin admin = Admin.create(kafka.adminProps())) {
            admin.createTopics(List.of(new NewTopic(topics.groups(), 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        }

        // rack r1: two hosts on each heartbeat partition (the default partitioner's murmur2), so on both instances
        List<String> r1 = new ArrayList<>();
        int[] perPartition = new int[PARTITIONS];
        for (int i = 0; r1.size() < 2 * PARTITIONS; i++) {
            String h = "gc-" + run + "-" + i;
            int p = Utils.toPositive(Utils.murmur2(h.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (perPartition[p] < 2) {
                perPartition[p]++;
                r1.add(h);
            }
        }

        List<Instance> started = new ArrayList<>();
        try (KafkaProducer<String, HeartbeatTopicRecord> producer = new KafkaProducer<>(kafka.producerProps(),
                new StringSerializer(), new HeartbeatTopicRecordSerde())) {
            Instance a = start(kafka, topics, run, "a");
            Instance b = start(kafka, topics, run, "b");
            started.add(a);
            started.add(b);
            long[] seq = {0};
            Runnable beat = () -> {
                seq[0]++;
                Instant now = Instant.now();
                for (int p = 0; p < PARTITIONS; p++) {
                    Tick t = new Tick("ingest-gc", now, p, seq[0], IngestHealth.ok(3, 500));
                    producer.send(new ProducerRecord<>(topics.heartbeats(), p, t.key(), t));
                }
                for (String h : r1) {
                    producer.send(new ProducerRecord<>(topics.heartbeats(), h, Heartbeat.fromHost(h, "boot-1", seq[0], now,
                            Map.of("rack", "r1"), null).stamped(now, Transport.HTTP, "ingest-gc")));
                }
                producer.flush();
            };

            // each instance holds part of r1 and judges it over all 8 hosts: its counts and the other's, via the topic
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                beat.run();
                for (Instance i : List.of(a, b)) {
                    assertThat(i.fleet.groupCounts("rack=r1")[0]).as("%s holds part of r1", i.fleet.instanceId()).isBetween(1, 7);
                    assertThat(i.fleet.groupView("rack=r1")).as("%s judges r1 over both", i.fleet.instanceId()).containsExactly(8, 0);
                }
                assertThat(a.fleet.peers()).containsEntry("b", "FRESH");
                assertThat(b.fleet.peers()).containsEntry("a", "FRESH");
            });

            // b stops: a takes its partitions over; b's last counts on the topic are superseded, not added twice
            b.streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
            started.remove(b);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                beat.run();
                assertThat(a.fleet.groupCounts("rack=r1")).containsExactly(8, 0);
                assertThat(a.fleet.peers()).doesNotContainKey("b");
                assertThat(a.fleet.groupView("rack=r1")).containsExactly(8, 0);
            });

            // an instance started now restores the others' latest counts from the compacted topic
            Instance c = start(kafka, topics, run, "c");
            started.add(c);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                beat.run();
                assertThat(c.fleet.peers()).containsKey("a");
            });
        } finally {
            for (Instance i : started) {
                i.streams.close(Duration.ofSeconds(30));
            }
        }
    }

    private Instance start(TestKafka kafka, TopicNames topics, String run, String id) {
        GroupThresholds groups = GroupThresholds.defaults();
        FleetAggregator fleet = new FleetAggregator(id, Thresholds.defaults(), groups, Clock.systemUTC());
        EvaluatorMetrics metrics = new EvaluatorMetrics(new CollectorRegistry(true), fleet);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "gc-" + run);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(id).toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
        p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1_000);
        KafkaStreams streams = new KafkaStreams(LivenessTopology.build(Thresholds.defaults(), topics,
                LivenessTopology.Settings.of(id).inMemoryStores(), fleet, metrics, Clock.systemUTC()), p);
        streams.start();
        return new Instance(fleet, streams);
    }
}
