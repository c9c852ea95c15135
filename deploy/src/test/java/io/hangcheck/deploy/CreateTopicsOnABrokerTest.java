package io.hangcheck.deploy;

import io.hangcheck.events.Topics;
import io.hangcheck.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.tools.TopicCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kafka/create-topics.sh against a real broker (the test harness's in-process KRaft node), with Kafka's
 * own TopicCommand — what kafka-topics.sh runs — carrying out every call the script makes: every topic is created
 * with the listed partitions and configs (a misspelt config key or a bad value makes the broker refuse it), and an
 * existing topic is left alone.
 *
 * <p>The script's kafka-topics.sh records its arguments and the test runs each call through TopicCommand in this
 * JVM, in order: a JVM per topic cost ~1.3 s of CPU each, and on a CI machine busy with three builds the 20 starts
 * took over two minutes (the test failed on its 120-s deadline).
 */
class CreateTopicsOnABrokerTest {

    @Test
    void createsEveryListedTopicWithItsConfigsAndASecondRunChangesNothing(@TempDir Path dir) throws Exception {
        Tool.BASH.assume("create-topics.sh");
        TestKafka kafka = TestKafka.shared();
        Path calls = dir.resolve("calls");
        Path kafkaTopics = recorder(dir, calls);
        Map<String, String> env = Map.of("KAFKA_TOPICS", kafkaTopics.toString());
        String[] args = {"create-topics.sh", "--bootstrap-server", kafka.bootstrapServers(), "--replication-factor", "1"};

        Tool.Result first = Tool.BASH.run(Deploy.KAFKA, env, args);
        assertThat(first.ok()).as(first.describe()).isTrue();
        List<KafkaTopicsTest.TopicLine> lines = KafkaTopicsTest.topicList();
        assertThat(replay(calls)).as("one kafka-topics.sh call per listed topic").isEqualTo(lines.size());

        List<String> names = lines.stream().map(KafkaTopicsTest.TopicLine::name).toList();
        try (Admin admin = Admin.create(kafka.adminProps())) {
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
            Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get();
            for (KafkaTopicsTest.TopicLine line : lines) {
                assertThat(described.get(line.name()).partitions()).as("%s partitions", line.name()).hasSize(line.partitions());
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, line.name()));
                line.configs().forEach((key, value) -> {
                    String expected = key.equals("min.insync.replicas") ? "1" : value; // capped at --replication-factor 1
                    assertThat(config.get(key).value()).as("%s %s", line.name(), key).isEqualTo(expected);
                });
            }
        }

        // Idempotent: an existing topic is left alone and the script still succeeds (one line is enough to
        // show it; every call costs a JVM start).
        Path one = dir.resolve("one-topic.txt");
        Files.writeString(one, "# an existing topic, asked for with other settings\n" + Topics.HEARTBEATS + " 1 1 cleanup.policy=compact\n");
        Tool.Result second = Tool.BASH.run(Deploy.KAFKA,
                Map.of("KAFKA_TOPICS", kafkaTopics.toString(), "HANGCHECK_TOPICS_FILE", one.toString()), args);
        assertThat(second.ok()).as(second.describe()).isTrue();
        assertThat(replay(calls)).isEqualTo(1);
        try (Admin admin = Admin.create(kafka.adminProps())) {
            assertThat(admin.describeTopics(List.of(Topics.HEARTBEATS)).allTopicNames().get().get(Topics.HEARTBEATS).partitions())
                    .as("the existing topic keeps its partitions")
                    .hasSize(lines.stream().filter(l -> l.name().equals(Topics.HEARTBEATS)).findFirst().orElseThrow().partitions());
        }
    }

    /** A kafka-topics.sh that appends its arguments to {@code calls}: NUL after each argument, a line per call. */
    private static Path recorder(Path dir, Path calls) throws IOException {
        Path script = dir.resolve("kafka-topics.sh");
        Files.writeString(script, "#!/usr/bin/env bash\n{ printf '%s\\0' \"$@\"; printf '\\n'; } >> '" + calls + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /**
     * Runs every recorded call through Kafka's TopicCommand, as kafka-topics.sh would, in order, each to succeed;
     * empties the record and returns the number of calls.
     */
    private static int replay(Path calls) throws Exception {
        List<String> records = List.of(Files.readString(calls, StandardCharsets.UTF_8).split("\0\n"));
        Files.delete(calls);
        for (String record : records) {
            String[] args = record.split("\0");
            assertThat(TestKafka.runTool(() -> TopicCommand.main(args)))
                    .as("kafka-topics.sh %s (its exit status; the reason is in the test output)", String.join(" ", args))
                    .isZero();
        }
        return records.size();
    }
}
