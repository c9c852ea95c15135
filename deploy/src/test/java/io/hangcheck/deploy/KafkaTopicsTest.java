package io.hangcheck.deploy;

import io.hangcheck.events.Topics;
import io.hangcheck.testing.ContractTopics;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kafka/topics.txt is the one list of topics: it names exactly the contract's topics and their
 * dead-letter topics, the Strimzi file generated from it is up to date and typed, and create-topics.sh
 * turns it into the equivalent kafka-topics.sh calls.
 */
class KafkaTopicsTest {

    record TopicLine(String name, int partitions, int replicas, Map<String, String> configs) {
    }

    static List<TopicLine> topicList() {
        List<TopicLine> topics = new ArrayList<>();
        for (String line : Deploy.read(Deploy.KAFKA.resolve("topics.txt")).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] f = trimmed.split("\\s+");
            assertThat(f).as("topics.txt line: %s", line).hasSize(4);
            Map<String, String> configs = new LinkedHashMap<>();
            for (String pair : f[3].split(",")) {
                String[] kv = pair.split("=", 2);
                configs.put(kv[0], kv[1]);
            }
            topics.add(new TopicLine(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), configs));
        }
        return topics;
    }

    /** Every topic constant of the contract ({@code Topics.*} String fields that name a topic). */
    static Set<String> contractTopics() {
        return Arrays.stream(Topics.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .filter(f -> !f.getName().equals("DLQ_SUFFIX"))
                .map(KafkaTopicsTest::value)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String value(Field f) {
        try {
            return (String) f.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theListNamesEveryContractTopicAndItsDeadLetterTopicAndNothingElse() {
        Set<String> expected = new TreeSet<>();
        for (String topic : contractTopics()) {
            expected.add(topic);
            expected.add(Topics.dlq(topic));
        }
        List<String> listed = topicList().stream().map(TopicLine::name).toList();

        assertThat(listed).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(listed)).isEqualTo(expected);
    }

    @Test
    void onlyTheStateAndGroupsTopicsAreCompactedAndEveryTopicIsReplicatedWithRetention() {
        for (TopicLine t : topicList()) {
            String policy = t.configs().get("cleanup.policy");
            if (t.name().equals(Topics.LIVENESS_STATE) || t.name().equals(Topics.GROUPS)) {
                assertThat(policy).as(t.name()).isEqualTo("compact");
            } else {
                assertThat(policy).as(t.name()).isEqualTo("delete");
                assertThat(Long.parseLong(t.configs().get("retention.ms"))).as("%s retention.ms", t.name()).isPositive();
            }
            assertThat(t.replicas()).as("%s replicas", t.name()).isGreaterThanOrEqualTo(3);
            assertThat(Integer.parseInt(t.configs().get("min.insync.replicas"))).as("%s min.insync.replicas", t.name())
                    .isBetween(2, t.replicas() - 1);
            assertThat(t.partitions()).as("%s partitions", t.name()).isPositive();
        }
    }

    @Test
    void hostKeyedTopicsShareOnePartitionCountAndCompactionMatchesTheContract() {
        // The evaluator reads heartbeats and reboots in one sub-topology: a host's records on both topics must
        // land in the same task, so every host-keyed topic has the same number of partitions.
        Map<String, TopicLine> byName = topicList().stream().collect(Collectors.toMap(TopicLine::name, t -> t));
        int heartbeats = byName.get(Topics.HEARTBEATS).partitions();
        for (String topic : ContractTopics.HOST_KEYED) {
            assertThat(byName.get(topic).partitions()).as("%s partitions (co-partitioned with %s)", topic, Topics.HEARTBEATS)
                    .isEqualTo(heartbeats);
        }
        for (TopicLine t : topicList()) {
            assertThat(t.configs().get("cleanup.policy")).as(t.name())
                    .isEqualTo(ContractTopics.cleanupPolicy(t.name()));
        }
    }

    @Test
    void theStrimziFileIsGeneratedFromTheListAndUpToDate() {
        Deploy.generatedAndUpToDate(Deploy.KAFKA, "generate-kafkatopics.sh", "kafkatopics.yaml");
    }

    @Test
    void everyKafkaTopicResourceMatchesItsLine() {
        Map<String, KafkaTopic> byTopic = new LinkedHashMap<>();
        for (var doc : Manifests.documents(Deploy.read(Deploy.KAFKA.resolve("kafkatopics.yaml")))) {
            KafkaTopic topic = (KafkaTopic) Manifests.typed(doc);
            assertThat(topic.getMetadata().getLabels()).containsKey("strimzi.io/cluster");
            byTopic.put(topic.getSpec().getTopicName(), topic);
        }
        List<TopicLine> lines = topicList();
        assertThat(byTopic.keySet()).containsExactlyElementsOf(lines.stream().map(TopicLine::name).toList());
        for (TopicLine line : lines) {
            KafkaTopic topic = byTopic.get(line.name());
            assertThat(topic.getSpec().getPartitions()).as(line.name()).isEqualTo(line.partitions());
            assertThat(topic.getSpec().getReplicas()).as(line.name()).isEqualTo(line.replicas());
            Map<String, String> config = topic.getSpec().getConfig().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
            assertThat(config).as(line.name()).isEqualTo(line.configs());
        }
    }

    @Test
    void createTopicsIssuesOneKafkaTopicsCallPerLine() {
        Tool.BASH.assume("create-topics.sh --dry-run");
        Tool.Result dryRun = Tool.BASH.run(Deploy.KAFKA, "create-topics.sh", "--dry-run",
                "--bootstrap-server", "kafka:9092", "--replication-factor", "1");
        assertThat(dryRun.ok()).as(dryRun.describe()).isTrue();

        List<String> calls = dryRun.output().lines().filter(l -> l.startsWith("kafka-topics.sh")).toList();
        List<TopicLine> lines = topicList();
        assertThat(calls).hasSameSizeAs(lines);
        for (int i = 0; i < lines.size(); i++) {
            TopicLine t = lines.get(i);
            assertThat(calls.get(i))
                    .contains("--bootstrap-server kafka:9092", "--create", "--if-not-exists",
                            "--topic " + t.name() + " ", "--partitions " + t.partitions() + " ", "--replication-factor 1")
                    .contains("--config cleanup.policy=" + t.configs().get("cleanup.policy"))
                    // Capped at the replication factor, or every write to a one-broker cluster would fail.
                    .contains("--config min.insync.replicas=1");
        }
    }
}
