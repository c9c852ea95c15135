import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the local-stack benchmarks ({@code ScaleBench}, {@code FailoverBench}) share: settings from the environment,
 * a process's CPU time and the machine's load, a verdict reader and a short HTTP GET. Compiled with each of them
 * (it needs only kafka-clients, which both class paths hold).
 */
final class BenchSupport {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private BenchSupport() {
    }

    /** The environment variable {@code k}, or {@code d} when it is unset or blank. */
    static String env(String k, String d) {
        String v = System.getenv(k);
        return v == null || v.isBlank() ? d : v;
    }

    /** CPU seconds (user + system) the process has used, NaN when it is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, USER_HZ = 100
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** The 1-, 5- and 15-minute load averages, or "?". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * A read_committed consumer of every partition of {@code topic}, assigned (no group), from the beginning or from
     * the end as of now (positions resolved before it returns, so nothing written after the call is missed).
     */
    static KafkaConsumer<byte[], byte[]> verdictConsumer(String bootstrap, String topic, boolean fromBeginning) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = c.partitionsFor(topic).stream().map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
        c.assign(parts);
        if (fromBeginning) {
            c.seekToBeginning(parts);
        } else {
            c.seekToEnd(parts);
        }
        parts.forEach(c::position);
        return c;
    }

    /** GET {@code http://127.0.0.1:port path} with a 5-s timeout; null when it cannot be had. */
    static HttpResponse<String> get(String port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
