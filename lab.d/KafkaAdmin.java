import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * ./lab's Kafka helper, run as a single-file program on the broker's own class path (.lab/kafka/lib):
 *   java -cp '.lab/kafka/lib/*' lab.d/KafkaAdmin.java wait BOOTSTRAP SECONDS
 *   java -cp '.lab/kafka/lib/*' lab.d/KafkaAdmin.java create-topics BOOTSTRAP < "name partitions cleanup.policy" lines
 *   java -cp '.lab/kafka/lib/*' lab.d/KafkaAdmin.java follow BOOTSTRAP TOPIC
 *     every record of TOPIC from its beginning, then as they come: its value (UTF-8, line breaks as spaces) one a
 *     line on stdout, until killed (no consumer group, nothing committed: the demos read the events this way)
 * Exit 0 on success, 1 with a message on stderr otherwise.
 */
public class KafkaAdmin {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: KafkaAdmin wait BOOTSTRAP SECONDS | create-topics BOOTSTRAP < topics | follow BOOTSTRAP TOPIC");
            System.exit(2);
        }
        switch (args[0]) {
            case "wait" -> System.exit(await(args[1], args.length > 2 ? Integer.parseInt(args[2]) : 60));
            case "create-topics" -> System.exit(createTopics(args[1]));
            case "follow" -> System.exit(follow(args[1], args.length > 2 ? args[2] : null));
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    private static Properties props(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        return p;
    }

    private static int await(String bootstrap, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        String last = "no answer";
        try (Admin admin = Admin.create(props(bootstrap))) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get().isEmpty()) {
                        return 0;
                    }
                } catch (ExecutionException e) {
                    last = String.valueOf(e.getCause());
                }
                Thread.sleep(250);
            }
        }
        System.err.println("Kafka at " + bootstrap + " did not answer within " + seconds + " s: " + last);
        return 1;
    }

    private static int follow(String bootstrap, String topic) {
        if (topic == null) {
            System.err.println("usage: KafkaAdmin follow BOOTSTRAP TOPIC");
            return 2;
        }
        Properties p = props(bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            if (parts.isEmpty()) {
                System.err.println("no topic " + topic + " on " + bootstrap);
                return 1;
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        System.out.println(new String(r.value(), StandardCharsets.UTF_8).replace('\n', ' ').replace('\r', ' '));
                    }
                }
                System.out.flush();
            }
        }
    }

    private static int createTopics(String bootstrap) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || f[0].isEmpty()) {
                continue;
            }
            NewTopic topic = new NewTopic(f[0], Integer.parseInt(f[1]), (short) 1);
            if (f.length > 2) {
                topic.configs(Map.of("cleanup.policy", f[2]));
            }
            topics.add(topic);
        }
        int created = 0;
        int existing = 0;
        try (Admin admin = Admin.create(props(bootstrap))) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get();
                    created++;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        existing++;
                    } else {
                        System.err.println("could not create " + entry.getKey() + ": " + e.getCause());
                        return 1;
                    }
                }
            }
        }
        System.out.println(topics.size() + " topics: " + created + " created, " + existing + " already there");
        return 0;
    }
}
