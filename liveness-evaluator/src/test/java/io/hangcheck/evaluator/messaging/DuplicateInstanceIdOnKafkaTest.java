package io.hangcheck.evaluator.messaging;

import io.hangcheck.events.HeartbeatTopicRecord;
import io.hangcheck.events.kafka.HeartbeatTopicRecordSerde;
import io.hangcheck.evaluator.messaging.TwoInstancesOnKafka.Instance;
import io.hangcheck.testing.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the production topology configured with the same instance id, on the real broker ({@link TestKafka}):
 * one Kafka Streams application, its 4 heartbeat partitions split between them, both publishing their group counts to
 * the compacted topic under the one id. Each sees that records under its id are not its own: the duplicate shows in
 * {@code peers()} and in {@code hangcheck_evaluator_duplicate_instance_id}, and its groups are judged in doubt.
 */
class DuplicateInstanceIdOnKafkaTest {
    @TempDir
    Path dir;

    @Test
    void twoInstancesWithTheSameIdSeeEachOther() throws Exception {
        TestKafka kafka = TestKafka.shared();
        kafka.createContractTopics();
        String run = UUID.randomUUID().toString().substring(0, 8);
        TopicNames topics = TwoInstancesOnKafka.topics(kafka, "dup." + run);
        // rack r1: two hosts on each heartbeat partition, so on both instances
        List<String> r1 = TwoInstancesOnKafka.rackOnEveryPartition("dup-" + run);

        List<Instance> started = new ArrayList<>();
        try (KafkaProducer<String, HeartbeatTopicRecord> producer = new KafkaProducer<>(kafka.producerProps(),
                new StringSerializer(), new HeartbeatTopicRecordSerde())) {
            Instance first = start(kafka, topics, run, "first");
            Instance second = start(kafka, topics, run, "second");
            started.add(first);
            started.add(second);
            Runnable beat = TwoInstancesOnKafka.feed(producer, topics, r1, "ingest-dup");

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                beat.run();
                for (Instance i : List.of(first, second)) {
                    assertThat(i.fleet().groupCounts("rack=r1")[0]).as("each holds part of r1").isBetween(1, 7);
                    assertThat(i.fleet().peers()).as("records under its id it did not write")
                            .containsExactly(Map.entry("evaluator-x", "DUPLICATE"));
                    assertThat(i.fleet().duplicateInstanceId()).isTrue();
                    assertThat(i.registry().getSampleValue("hangcheck_evaluator_duplicate_instance_id")).isEqualTo(1.0);
                    assertThat(i.fleet().groupHealth(List.of("rack=r1"))).singleElement()
                            .satisfies(h -> assertThat(h.reason()).contains("another evaluator instance publishes under this instance's id"));
                }
            });
        } finally {
            for (Instance i : started) {
                i.streams().close(Duration.ofSeconds(30));
            }
        }
    }

    /** An instance with id {@code evaluator-x}; {@code name} only separates the state directories. */
    private Instance start(TestKafka kafka, TopicNames topics, String run, String name) {
        return TwoInstancesOnKafka.start(kafka, topics, "dup-" + run, "evaluator-x", dir.resolve(name));
    }
}
