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
import io.hangcheck.testing.TestKafka;
import io.prometheus.client.CollectorRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Evaluator instances of the production topology on the real broker, as the group-count tests run them: topics of
 * one run (prefix), one rack spread over every heartbeat partition, a feed of ticks and heartbeats, instances of one
 * Kafka Streams application.
 */
final class TwoInstancesOnKafka {
    static final int PARTITIONS = 4;

    /** One instance: its fleet view, its Streams client, its metrics. */
    record Instance(FleetAggregator fleet, KafkaStreams streams, CollectorRegistry registry) {
    }

    private TwoInstancesOnKafka() {
    }

    /** Topics named {@code prefix.*}: the heartbeat and reboot topics with {@link #PARTITIONS}, groups compacted. */
    static TopicNames topics(TestKafka kafka, String prefix) throws Exception {
        TopicNames topics = new TopicNames(prefix + ".hb", prefix + ".reboots", prefix + ".events",
                prefix + ".state", prefix + ".fleet", prefix + ".groups");
        kafka.createTopics(PARTITIONS, topics.heartbeats(), topics.reboots());
        kafka.createTopics(1, topics.events(), topics.state(), topics.fleet(), Topics.dlq(topics.heartbeats()),
                Topics.dlq(topics.reboots()));
        kafka.createTopics(List.of(new NewTopic(topics.groups(), 1, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
        return topics;
    }

    /** Two host ids {@code prefix-N} on each heartbeat partition (the default partitioner's murmur2). */
    static List<String> rackOnEveryPartition(String prefix) {
        List<String> hosts = new ArrayList<>();
        int[] perPartition = new int[PARTITIONS];
        for (int i = 0; hosts.size() < 2 * PARTITIONS; i++) {
            String h = prefix + "-" + i;
            int p = Utils.toPositive(Utils.murmur2(h.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (perPartition[p] < 2) {
                perPartition[p]++;
                hosts.add(h);
            }
        }
        return hosts;
    }

    /** Each run: a tick of {@code ingest} to every partition and a heartbeat of each host labelled rack r1, now. */
    static Runnable feed(KafkaProducer<String, HeartbeatTopicRecord> producer, TopicNames topics, List<String> hosts,
                         String ingest) {
        long[] seq = {0};
        return () -> {
            seq[0]++;
            Instant now = Instant.now();
            for (int p = 0; p < PARTITIONS; p++) {
                Tick t = new Tick(ingest, now, p, seq[0], IngestHealth.ok(3, 500));
                producer.send(new ProducerRecord<>(topics.heartbeats(), p, t.key(), t));
            }
            for (String h : hosts) {
                producer.send(new ProducerRecord<>(topics.heartbeats(), h, Heartbeat.fromHost(h, "boot-1", seq[0], now,
                        Map.of("rack", "r1"), null).stamped(now, Transport.HTTP, ingest)));
            }
            producer.flush();
        };
    }

    /** An instance {@code id} of application {@code application}, its state under {@code stateDir}. */
    static Instance start(TestKafka kafka, TopicNames topics, String application, String id, Path stateDir) {
        FleetAggregator fleet = new FleetAggregator(id, Thresholds.defaults(), GroupThresholds.defaults(), Clock.systemUTC());
        CollectorRegistry registry = new CollectorRegistry(true);
        EvaluatorMetrics metrics = new EvaluatorMetrics(registry, fleet);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, application);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
        p.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1_000);
        KafkaStreams streams = new KafkaStreams(LivenessTopology.build(Thresholds.defaults(), topics,
                LivenessTopology.Settings.of(id).inMemoryStores(), fleet, metrics, Clock.systemUTC()), p);
        streams.start();
        return new Instance(fleet, streams, registry);
    }
}
