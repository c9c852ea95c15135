package io.hangcheck.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hangcheck.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TestKafkaTest {

    private final TestKafka kafka = TestKafka.shared();

    @Test
    void producedRecordsAreDrainedFromTheBeginning() throws Exception {
        System.out.println("in-process broker start: " + kafka.startMillis() + " ms");
        kafka.createTopics(2, "harness.roundtrip");
        kafka.createTopics(2, "harness.roundtrip"); // idempotent

        try (var producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("harness.roundtrip", "host-" + i, "beat-" + i)).get();
            }
        }

        var records = kafka.drain("harness.roundtrip", Duration.ofSeconds(20), new StringDeserializer());

        assertThat(records).hasSize(10);
        assertThat(records.stream().map(r -> r.key() + "=" + r.value()).collect(Collectors.toSet()))
                .contains("host-0=beat-0", "host-9=beat-9");
    }

    @Test
    void aCreatedTopicsPartitionsAreKnownToAClientAtOnce() {
        // a Kafka Streams global store asks for its topic's partitions once, at start, and fails if there are none:
        // the create must not return before the broker's metadata shows the topic (CI saw "no partitions available")
        try (var consumer = new KafkaConsumer<>(kafka.consumerProps("harness.at-once"), new StringDeserializer(),
                new StringDeserializer())) {
            for (int i = 0; i < 30; i++) {
                String name = "harness.at-once." + UUID.randomUUID();
                kafka.createTopics(List.of(new NewTopic(name, 3, (short) 1)));
                assertThat(consumer.partitionsFor(name, Duration.ofSeconds(5))).as(name).hasSize(3);
            }
        }
    }

    @Test
    void drainOfAnEmptyTopicReturnsNothingAfterTheTimeout() {
        kafka.createTopics(1, "harness.empty");

        var records = kafka.drain("harness.empty", Duration.ofMillis(1500), new StringDeserializer());

        assertThat(records).isEmpty();
    }

    @Test
    void contractTopicsExistWithTheirPartitionsAndCompaction() throws Exception {
        kafka.createContractTopics();
        kafka.createContractTopics(); // idempotent

        try (Admin admin = Admin.create(kafka.adminProps())) {
            Set<String> names = admin.listTopics().names().get();
            assertThat(names).contains(Topics.HEARTBEATS, Topics.dlq(Topics.HEARTBEATS), Topics.REBOOTS,
                    Topics.LIVENESS_STATE, Topics.SOCKET_ALERTS, Topics.dlq(Topics.SOCKET_ALERTS));
            Map<String, TopicDescription> described = admin.describeTopics(Set.of(Topics.HEARTBEATS, Topics.FLEET_HEALTH))
                    .allTopicNames().get();
            assertThat(described.get(Topics.HEARTBEATS).partitions()).hasSize(4);
            assertThat(described.get(Topics.FLEET_HEALTH).partitions()).hasSize(1);
            var state = new ConfigResource(ConfigResource.Type.TOPIC, Topics.LIVENESS_STATE);
            var config = admin.describeConfigs(Set.of(state)).all().get().get(state);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        }
    }

    @Test
    void theInProcessBrokerCanNeverHaltTheTestJvm() {
        // Kafka's broker calls Exit.halt(1) when its log directory fails (e.g. deleted under it at JVM exit).
        // In a test JVM that must not end the process: this line would kill the fork if it were not handled.
        org.apache.kafka.common.utils.Exit.halt(1, "test: a broker asking to halt");
        org.apache.kafka.common.utils.Exit.exit(1, "test: a broker asking to exit");
        assertThat(kafka.bootstrapServers()).isNotBlank();
    }

    @Test
    void contractTopicListCoversEveryTopicConstant() {
        assertThat(ContractTopics.partitions())
                .containsEntry(Topics.HEARTBEATS, 4)
                .containsEntry(Topics.dlq(Topics.HEARTBEATS), 1)
                .containsEntry(Topics.SOCKETS, 1)
                .hasSize(2 * 9)
                .doesNotContainKey(Topics.DLQ_SUFFIX);
    }

    @Test
    void consumerPropsReadWithAGroup() throws Exception {
        kafka.createTopics(1, "harness.group");
        try (var producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("harness.group", "k", "v")).get();
        }
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(kafka.consumerProps("harness-group"))) {
            consumer.subscribe(Set.of("harness.group"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            String value = null;
            while (value == null && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    value = new String(r.value(), StandardCharsets.UTF_8);
                }
            }
            assertThat(value).isEqualTo("v");
        }
    }
}
