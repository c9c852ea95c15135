package io.hangcheck.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One real, in-process KRaft Kafka broker per JVM (Kafka's own {@link KafkaClusterTestKit}: one combined
 * broker+controller node), started on first use and closed by a shutdown hook. Tests share it; they keep
 * out of each other's way with their own topics or consumer groups.
 *
 * <p>Contract topics ({@link #createContractTopics()}): every {@code Topics.*} constant and its
 * {@code .dlq}, partitioned and compacted as {@link ContractTopics} says ({@code ./lab} creates the same).
 *
 * <p>Broker settings ({@link #singleNodeConfig()}): internal topics with one replica, min ISR 1, no
 * initial rebalance delay, topic auto-creation on (Kafka's default; contract topics are created explicitly).
 */
public final class TestKafka {

    /** How long {@link #drain} waits for another record once it has seen at least one. */
    public static final Duration DRAIN_QUIET = Duration.ofSeconds(1);

    /**
     * System property holding the shared broker's address. Set by the first {@link #shared()} of the JVM, so
     * a copy of this class in another class loader (Quarkus loads test resources and tests in its own)
     * talks to the same broker instead of starting a second one. Set it yourself to use a running broker.
     */
    public static final String BOOTSTRAP_PROPERTY = "hangcheck.test.kafka.bootstrap";

    private static final String SHARED_LOCK = "io.hangcheck.testing.TestKafka.shared";
    private static TestKafka shared;

    private final KafkaClusterTestKit cluster; // null when another class loader's instance owns the broker
    private final Path dataDir; // null likewise
    private final String bootstrapServers;
    private final long startMillis;

    private TestKafka(KafkaClusterTestKit cluster, Path dataDir, String bootstrapServers, long startMillis) {
        this.cluster = cluster;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.startMillis = startMillis;
    }

    /** The broker of this JVM, started on the first call (about 1.5–3 s). */
    public static TestKafka shared() {
        // String literals are interned JVM-wide, so this is one lock whatever class loader loaded this class.
        synchronized (SHARED_LOCK) {
            if (shared == null) {
                String running = System.getProperty(BOOTSTRAP_PROPERTY);
                if (running != null && !running.isBlank()) {
                    shared = new TestKafka(null, null, running, 0);
                } else {
                    TestKafka broker = start();
                    System.setProperty(BOOTSTRAP_PROPERTY, broker.bootstrapServers());
                    Runtime.getRuntime().addShutdownHook(new Thread(broker::closeQuietly, "test-kafka-shutdown"));
                    shared = broker;
                }
            }
            return shared;
        }
    }

    private static final Exit.Procedure IGNORED_EXIT = (status, message) -> System.err.println(
            "in-process Kafka broker asked to exit the JVM (status " + status + "): " + message + " (ignored in tests)");

    /**
     * Runs one of Kafka's command-line tools in this JVM ({@code () -> TopicCommand.main(args)}) and returns the status
     * it asked to exit with, 0 if it did not ask: the tools end in {@code Exit.exit}, which this JVM never lets stop
     * the process (see {@link #start()}). One tool at a time.
     */
    public static synchronized int runTool(ToolMain tool) throws Exception {
        int[] status = {0};
        Exit.setExitProcedure((code, message) -> {
            if (status[0] == 0) {
                status[0] = code;
            }
        });
        try {
            tool.run();
        } finally {
            Exit.setExitProcedure(IGNORED_EXIT);
        }
        return status[0];
    }

    /** A command-line tool's main, as {@link #runTool} calls it. */
    @FunctionalInterface
    public interface ToolMain {
        void run() throws Exception;
    }

    /**
     * Starts the broker in a data directory this class owns and deletes only after the broker has closed.
     *
     * <p>Two things used to race at JVM exit: the kit's default directory is deleted by a shutdown hook of
     * its own, concurrently with ours that closes the broker; a broker whose log directory vanishes under it
     * calls {@code Exit.halt(1)}, and the test JVM then exits with 1 after every test passed (Surefire:
     * "Error occurred in starting fork"). Hence our own directory, and Kafka's halt/exit procedures replaced
     * for this JVM: an in-process broker reports that it wanted to stop the process; it never stops it.
     */
    private static TestKafka start() {
        long t0 = System.nanoTime();
        Exit.setHaltProcedure((status, message) -> System.err.println(
                "in-process Kafka broker asked to halt the JVM (status " + status + "): " + message + " (ignored in tests)"));
        Exit.setExitProcedure(IGNORED_EXIT);
        KafkaClusterTestKit cluster = null;
        Path dataDir = null;
        try {
            dataDir = Files.createTempDirectory("hangcheck-test-kafka-");
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dataDir)
                    // Otherwise the kit picks the newest, possibly unreleased, metadata version.
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            singleNodeConfig().forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new TestKafka(cluster, dataDir, cluster.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            deleteQuietly(dataDir);
            throw new IllegalStateException("could not start the in-process Kafka broker: " + e, e);
        }
    }

    /**
     * Broker settings that make a one-node cluster behave: internal topics with one replica, no join delay, and no
     * time-based retention — fixtures and benchmark timelines carry record timestamps from a fixed or past date, and the
     * broker's retention check (every 5 minutes) deleted a whole timeline in the middle of a benchmark once that date
     * was a week old.
     */
    static Map<String, String> singleNodeConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "4");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("min.insync.replicas", "1");
        config.put("default.replication.factor", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "true");
        config.put("log.retention.ms", "-1");
        return config;
    }

    /** {@code host:port} of the broker listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Milliseconds the broker took to format, start and become ready (0 if this JVM found it running). */
    public long startMillis() {
        return startMillis;
    }

    /** Creates the topics with {@code partitions} partitions; topics that already exist are left as they are. */
    public void createTopics(int partitions, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(newTopic(name, partitions));
        }
        createTopics(topics);
    }

    /** Creates every contract topic and its dead-letter topic (see the class comment); idempotent. */
    public void createContractTopics() {
        createTopics(contractTopics());
    }

    private static List<NewTopic> contractTopics() {
        return ContractTopics.partitions().entrySet().stream()
                .map(e -> newTopic(e.getKey(), e.getValue()))
                .collect(Collectors.toList());
    }

    private static NewTopic newTopic(String name, int partitions) {
        NewTopic topic = new NewTopic(name, partitions, (short) 1);
        if (ContractTopics.compacted(name)) {
            topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        return topic;
    }

    /**
     * Creates the topics as given (partitions, configs); topics that already exist are left as they are. Returns once
     * the broker's metadata shows every one of them with all its partitions: the controller answers the create before
     * the broker has applied it, and a client that asks for partitions in between (a Kafka Streams global store does,
     * once, at start) finds none.
     */
    public void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = Admin.create(adminProps())) {
            var result = admin.createTopics(topics);
            for (var entry : result.values().entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + entry.getKey() + ": " + e.getCause(), e);
                    }
                }
            }
            awaitMetadata(admin, topics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /** Waits until one describe of the topics not yet ready shows each with all its partitions led. */
    private static void awaitMetadata(Admin admin, Collection<NewTopic> topics) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Integer> pending = new LinkedHashMap<>();
        topics.forEach(t -> pending.put(t.name(), t.numPartitions()));
        while (true) {
            for (var entry : admin.describeTopics(new ArrayList<>(pending.keySet())).topicNameValues().entrySet()) {
                try {
                    var partitions = entry.getValue().get().partitions();
                    if (partitions.size() >= pending.get(entry.getKey())
                            && partitions.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                        pending.remove(entry.getKey());
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw new IllegalStateException("could not describe topic " + entry.getKey() + ": " + e.getCause(), e);
                    }
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + pending.keySet() + " were created but the broker's metadata did not show them within 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** Admin client settings for this broker. */
    public Properties adminProps() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /**
     * Producer settings: this broker, byte-array key and value serializers (override them as needed),
     * {@code acks=all}, and short timeouts so a test that cannot send fails in seconds, not minutes.
     */
    public Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return props;
    }

    /**
     * Consumer settings: this broker, the group, {@code auto.offset.reset=earliest}, string keys and
     * byte-array values (override them as needed).
     */
    public Properties consumerProps(String groupId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /**
     * Reads {@code topic} from the beginning of every partition, without a consumer group, and returns
     * the records (String keys, values through {@code valueDeserializer}). Returns when {@code timeout} has
     * passed, or earlier once at least one record has arrived and then none for {@link #DRAIN_QUIET}. So
     * "expect nothing" costs the whole timeout; "expect something" costs about one second after the last
     * record. Records are in partition order within a partition; partitions are interleaved.
     */
    public <V> List<ConsumerRecord<String, V>> drain(String topic, Duration timeout, Deserializer<V> valueDeserializer) {
        Properties props = consumerProps("drain-" + UUID.randomUUID());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Draining must not create the topic it looks at (with the broker's default of one partition).
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), valueDeserializer)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                try {
                    partitions = consumer.partitionsFor(topic, Duration.ofMillis(Math.min(1000, Math.max(1, remainingMillis(deadline))))).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .collect(Collectors.toList());
                } catch (org.apache.kafka.common.errors.TimeoutException notYet) {
                    partitions = List.of();
                }
                if (partitions.isEmpty()) {
                    sleep(100);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long lastRecordAt = 0;
            while (System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(Math.min(200, Math.max(1, remainingMillis(deadline)))));
                if (!batch.isEmpty()) {
                    batch.forEach(records::add);
                    lastRecordAt = System.nanoTime();
                } else if (lastRecordAt != 0 && System.nanoTime() - lastRecordAt >= DRAIN_QUIET.toNanos()) {
                    break;
                }
            }
        }
        return records;
    }

    private static long remainingMillis(long deadlineNanos) {
        return (deadlineNanos - System.nanoTime()) / 1_000_000;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Closes the broker, then deletes its data directory (in that order: see {@link #start()}). */
    private void closeQuietly() {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception e) {
            System.err.println("test Kafka broker did not close cleanly: " + e);
        }
        deleteQuietly(dataDir);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            System.err.println("could not delete the test Kafka broker's data directory " + dir + ": " + e);
        }
    }
}
