import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * ./lab's Kafka helper, run as a single-file program on the broker's own class path (.lab/kafka/lib):
 *   java -cp '.lab/kafka/lib/*' lab.d/KafkaAdmin.java wait BOOTSTRAP SECONDS
 *   java -cp '.lab/kafka/lib/*' lab.d/KafkaAdmin.java create-topics BOOTSTRAP < "name partitions cleanup.policy" lines
 * Exit 0 on success, 1 with a message on stderr otherwise.
 */
public class KafkaAdmin {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: KafkaAdmin wait BOOTSTRAP SECONDS | create-topics BOOTSTRAP < topics");
            System.exit(2);
        }
        switch (args[0]) {
            case "wait" -> System.exit(await(args[1], args.length > 2 ? Integer.parseInt(args[2]) : 60));
            case "create-topics" -> System.exit(createTopics(args[1]));
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
