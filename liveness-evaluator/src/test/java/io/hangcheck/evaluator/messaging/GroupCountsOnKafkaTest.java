package io.hangcheck.evaluator.messaging;

import io.hangcheck.events.HeartbeatTopicRecord;
import io.hangcheck.events.Topics;
import io.hangcheck.events.kafka.HeartbeatTopicRecordSerde;
import io.hangcheck.evaluator.messaging.TwoInstancesOnKafka.Instance;
import io.hangcheck.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    @TempDir
    Path dir;

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
        TopicNames topics = TwoInstancesOnKafka.topics(kafka, "gc." + run);
        // rack r1: two hosts on each heartbeat partition, so on both instances
        List<String> r1 = TwoInstancesOnKafka.rackOnEveryPartition("gc-" + run);

        List<Instance> started = new ArrayList<>();
        try (KafkaProducer<String, HeartbeatTopicRecord> producer = new KafkaProducer<>(kafka.producerProps(),
                new StringSerializer(), new HeartbeatTopicRecordSerde())) {
            Instance a = start(kafka, topics, run, "a");
            Instance b = start(kafka, topics, run, "b");
            started.add(a);
            started.add(b);
            Runnable beat = TwoInstancesOnKafka.feed(producer, topics, r1, "ingest-gc");

            // each instance holds part of r1 and judges it over all 8 hosts: its counts and the other's, via the topic
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                beat.run();
                for (Instance i : List.of(a, b)) {
                    assertThat(i.fleet().groupCounts("rack=r1")[0]).as("%s holds part of r1", i.fleet().instanceId()).isBetween(1, 7);
                    assertThat(i.fleet().groupView("rack=r1")).as("%s judges r1 over both", i.fleet().instanceId()).containsExactly(8, 0);
                }
                assertThat(a.fleet().peers()).containsEntry("b", "FRESH");
                assertThat(b.fleet().peers()).containsEntry("a", "FRESH");
            });

            // b stops: a takes its partitions over; b's last counts on the topic are superseded, not added twice
            b.streams().close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
            started.remove(b);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                beat.run();
                assertThat(a.fleet().groupCounts("rack=r1")).containsExactly(8, 0);
                assertThat(a.fleet().peers()).doesNotContainKey("b");
                assertThat(a.fleet().groupView("rack=r1")).containsExactly(8, 0);
            });

            // an instance started now restores the others' latest counts from the compacted topic
            Instance c = start(kafka, topics, run, "c");
            started.add(c);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                beat.run();
                assertThat(c.fleet().peers()).containsKey("a");
            });
        } finally {
            for (Instance i : started) {
                i.streams().close(Duration.ofSeconds(30));
            }
        }
    }

    private Instance start(TestKafka kafka, TopicNames topics, String run, String id) {
        return TwoInstancesOnKafka.start(kafka, topics, "gc-" + run, id, dir.resolve(id));
    }
}
