package io.hangcheck.e2e;

import io.hangcheck.testing.ContractTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/** The contract topics and a whole-topic read on any broker (the shared one has its own in {@code TestKafka}). */
final class KafkaTool {
    private KafkaTool() {
    }

    static void createContractTopics(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            ContractTopics.partitions().forEach((name, n) -> {
                NewTopic t = new NewTopic(name, n, (short) 1);
                if (ContractTopics.compacted(name)) {
                    t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                }
                topics.add(t);
            });
            for (var f : admin.createTopics(topics).values().values()) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * Deletes every contract topic (and its DLQ) that exists and creates them afresh, empty: on the broker that
     * the test classes of one JVM share, the hosts an earlier class left on {@code hangcheck.heartbeats.v1} would
     * be read by the next stack's evaluator as a silent majority and freeze its fleet.
     */
    static void recreateContractTopics(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            java.util.Set<String> existing = new java.util.HashSet<>(admin.listTopics().names().get());
            existing.retainAll(ContractTopics.partitions().keySet());
            if (!existing.isEmpty()) {
                admin.deleteTopics(existing).all().get();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (admin.listTopics().names().get().stream().anyMatch(existing::contains)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("contract topics still present 60 s after their deletion");
                    }
                    Thread.sleep(200);
                }
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                createContractTopics(bootstrap);
                return;
            } catch (ExecutionException e) {
                // a topic whose deletion the controller has not finished yet: try again shortly
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /** Every record of {@code topic} up to its end offsets at the time of the call (undecodable values are null). */
    static <V> List<ConsumerRecord<String, V>> readAll(String bootstrap, String topic, Deserializer<V> values) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        Deserializer<V> lenient = (t, data) -> {
            try {
                return values.deserialize(t, data);
            } catch (RuntimeException e) {
                return null;
            }
        };
        try (KafkaConsumer<String, V> c = new KafkaConsumer<>(p, new StringDeserializer(), lenient)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(20));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                boolean done = true;
                for (TopicPartition tp : parts) {
                    if (c.position(tp, Duration.ofSeconds(10)) < end.get(tp)) {
                        done = false;
                    }
                }
                if (done) {
                    break;
                }
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
