import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The end-to-end scale ramp (`./lab bench scale`, lab.d/bench-scale.sh starts the stack and this program):
 * for each fleet size, a fleet simulator sends one heartbeat per 30 s per host over UDP to the running ingest,
 * and this program measures, on the running processes, heartbeats/s through ingest and the evaluator, CPU and
 * memory of each process, the evaluator's consumer lag, state bytes per host, and the detection delay of a
 * sample of hosts made to hang: delay = time the HUNG record was written − (last heartbeat seen + hang-after).
 * Prints a Markdown table and appends it to the output file.
 *
 * <pre>java -cp '.lab/kafka/lib/*:classes' ScaleBench OUT.md SIMULATOR_JAR PIDS_DIR HANG_AFTER_S SIZE...</pre>
 *
 * Settings (environment): BENCH_BOOTSTRAP (127.0.0.1:9092), BENCH_INGEST_PORT (8081), BENCH_EVALUATOR_PORT
 * (8082), BENCH_SIM_CONTROL_PORT (8091), BENCH_SAMPLE (20 hosts hung per step), BENCH_WARMUP_S (45),
 * BENCH_MEASURE_S (60), BENCH_SIM_OPTS (-Xmx1g).
 */
public class ScaleBench {
    static final String HEARTBEATS = "hangcheck.heartbeats.v1";
    static final String LIVENESS = "hangcheck.liveness.events.v1";
    static final String EVALUATOR_GROUP = "hangcheck-liveness-evaluator";
    static final int INTERVAL_S = 30;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    static final String BOOTSTRAP = BenchSupport.env("BENCH_BOOTSTRAP", "127.0.0.1:9092");
    static final int INGEST_PORT = Integer.parseInt(BenchSupport.env("BENCH_INGEST_PORT", "8081"));
    static final int EVALUATOR_PORT = Integer.parseInt(BenchSupport.env("BENCH_EVALUATOR_PORT", "8082"));
    static final int CONTROL_PORT = Integer.parseInt(BenchSupport.env("BENCH_SIM_CONTROL_PORT", "8091"));
    static final int SAMPLE = Integer.parseInt(BenchSupport.env("BENCH_SAMPLE", "20"));
    static final int WARMUP_S = Integer.parseInt(BenchSupport.env("BENCH_WARMUP_S", "45"));
    static final int MEASURE_S = Integer.parseInt(BenchSupport.env("BENCH_MEASURE_S", "60"));
    static final String SIM_OPTS = BenchSupport.env("BENCH_SIM_OPTS", "-Xmx1g");

    record Row(int hosts, double expected, double ingested, double evaluated, long lagMax, long lagEnd,
               double cpuIngest, double cpuEvaluator, double cpuKafka, double cpuSim,
               long rssIngest, long rssEvaluator, long heapEvaluator, long udpDrops,
               int caught, int sampled, long p50, long p99, long max, int otherHung, int held, String note) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: ScaleBench OUT.md SIMULATOR_JAR PIDS_DIR HANG_AFTER_S SIZE...");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String simulatorJar = args[1];
        Path pids = Path.of(args[2]);
        long hangAfterMs = Long.parseLong(args[3]) * 1000;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i].replace("_", "").replace(",", "")));
        }
        Map<String, Long> procs = new HashMap<>();
        for (String name : List.of("heartbeat-ingest", "liveness-evaluator", "kafka")) {
            procs.put(name, Long.parseLong(Files.readString(pids.resolve(name + ".pid")).trim()));
        }

        List<Row> rows = new ArrayList<>();
        // One simulator per step with only the step's new hosts (pool s<k>, control port CONTROL_PORT + k - 1):
        // the earlier hosts keep beating with their boot ids, as a growing fleet does.
        List<Process> sims = new java.util.concurrent.CopyOnWriteArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> sims.forEach(Process::destroy))); // also on SIGTERM
        int previous = 0;
        try {
            for (int step = 0; step < sizes.size(); step++) {
                int size = sizes.get(step);
                if (size <= previous) {
                    throw new IllegalArgumentException("sizes must grow: " + sizes);
                }
                String pool = "s" + (step + 1) + ":" + (size - previous);
                previous = size;
                Path log = out.resolveSibling("scale-sim-" + (step + 1) + ".log");
                try (java.net.Socket taken = new java.net.Socket("127.0.0.1", CONTROL_PORT + step)) {
                    throw new IllegalStateException("port " + (CONTROL_PORT + step) + " (a simulator's control API) is taken: "
                            + "a simulator of an earlier run? (pkill -f 'simulate --pools s')");
                } catch (java.net.ConnectException free) {
                    // free, as it should be
                }
                Process sim = startSimulator(simulatorJar, pool, CONTROL_PORT + step, log);
                sims.add(sim);
                System.out.printf(Locale.ROOT, "[scale] %,d hosts (new pool %s): warming up %d s%n", size, pool, WARMUP_S);
                Thread.sleep(WARMUP_S * 1000L);
                for (Process p : sims) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("a simulator exited; see " + out.getParent() + "/scale-sim-*.log");
                    }
                }
                int firstPool = sizes.get(0);
                int sample = Math.min(SAMPLE, Math.max(1, firstPool / 4));
                int offset = (step * sample * 2) % Math.max(1, firstPool - sample);
                rows.add(step(size, sample, offset, procs, sims.stream().mapToLong(Process::pid).toArray(), hangAfterMs));
                System.out.println(header());
                System.out.println(line(rows.get(rows.size() - 1)));
            }
        } finally {
            sims.forEach(Process::destroy);
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%n### Scale ramp, %s, load average at the end: %s%n%n", Instant.now(), BenchSupport.loadAverage()));
        md.append(header()).append('\n');
        rows.forEach(r -> md.append(line(r)).append('\n'));
        System.out.println();
        System.out.print(md);
        Files.writeString(out, md.toString(), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    static Process startSimulator(String jar, String pools, int controlPort, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(List.of(SIM_OPTS.split("\\s+")));
        cmd.addAll(List.of("-jar", jar, "--pools", pools, "--interval", INTERVAL_S + "s", "--jitter", "0.1",
                "--transport", "udp", "--ingest", "127.0.0.1:" + INGEST_PORT, "--control-port", String.valueOf(controlPort),
                "--status-every", "10s"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static Row step(int size, int sample, int offset, Map<String, Long> procs, long[] simPids, long hangAfterMs) throws Exception {
        Set<String> sampled = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> verdicts = BenchSupport.verdictConsumer(BOOTSTRAP, LIVENESS, false); Admin admin = Admin.create(adminProps())) {
            // hang a sample of the first pool's hosts (different ones each step), reading verdicts from now on
            JsonNode hung = post("/hang?pool=s1&count=" + sample + "&offset=" + offset);
            hung.path("hosts").forEach(h -> sampled.add(h.asText()));
            long hangAt = System.currentTimeMillis();

            // throughput, CPU, memory and lag over the measurement window
            Map<String, double[]> cpu0 = new HashMap<>();
            procs.forEach((n, pid) -> cpu0.put(n, new double[]{BenchSupport.cpuSeconds(pid)}));
            double sim0 = java.util.Arrays.stream(simPids).mapToDouble(BenchSupport::cpuSeconds).sum();
            double in0 = metric(INGEST_PORT, "hangcheck_ingest_accepted_total");
            double ev0 = metric(EVALUATOR_PORT, "hangcheck_evaluator_heartbeats_total");
            long drops0 = udpDrops(INGEST_PORT);
            long t0 = System.nanoTime();
            long lagMax = 0;
            long lagEnd = 0;
            Map<String, long[]> delays = new HashMap<>();
            int other = 0;
            int held = 0;
            while (System.nanoTime() - t0 < MEASURE_S * 1_000_000_000L) {
                int[] counts = poll(verdicts, sampled, delays, hangAfterMs, 5_000);
                other += counts[0];
                held += counts[1];
                lagEnd = lag(admin);
                lagMax = Math.max(lagMax, lagEnd);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double ingested = (metric(INGEST_PORT, "hangcheck_ingest_accepted_total") - in0) / secs;
            double evaluated = (metric(EVALUATOR_PORT, "hangcheck_evaluator_heartbeats_total") - ev0) / secs;
            Map<String, Double> cores = new HashMap<>();
            procs.forEach((n, pid) -> cores.put(n, (BenchSupport.cpuSeconds(pid) - cpu0.get(n)[0]) / secs));
            double simCores = (java.util.Arrays.stream(simPids).mapToDouble(BenchSupport::cpuSeconds).sum() - sim0) / secs;
            long drops = udpDrops(INGEST_PORT) - drops0;
            long rssIn = rss(procs.get("heartbeat-ingest"));
            long rssEv = rss(procs.get("liveness-evaluator"));
            long heapEv = (long) metricWhere(EVALUATOR_PORT, "jvm_memory_bytes_used", "area=\"heap\"");

            // detection: wait for the sample's HUNG, up to hang-after + one interval + a minute
            long deadline = hangAt + hangAfterMs + INTERVAL_S * 1000L + 60_000;
            while (delays.size() < sampled.size() && System.currentTimeMillis() < deadline) {
                int[] counts = poll(verdicts, sampled, delays, hangAfterMs, 2_000);
                other += counts[0];
                held += counts[1];
            }
            post("/clear?pool=s1&count=" + sample + "&offset=" + offset);
            List<Long> d = delays.values().stream().map(v -> v[0]).sorted().toList();
            String note = delays.size() < sampled.size() ? "missed: " + sampled.stream().filter(h -> !delays.containsKey(h)).limit(5).toList() : "";
            return new Row(size, size / (double) INTERVAL_S, ingested, evaluated, lagMax, lagEnd,
                    cores.get("heartbeat-ingest"), cores.get("liveness-evaluator"), cores.get("kafka"), simCores,
                    rssIn, rssEv, heapEv, drops, delays.size(), sampled.size(),
                    pct(d, 50), pct(d, 99), d.isEmpty() ? -1 : d.get(d.size() - 1), other, held, note);
        }
    }

    /** Reads verdicts; records the delay of each sampled host's first HUNG. Returns {other HUNG, HELD}. */
    static int[] poll(KafkaConsumer<byte[], byte[]> consumer, Set<String> sampled, Map<String, long[]> delays,
                      long hangAfterMs, long millis) throws IOException {
        int other = 0;
        int held = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(millis))) {
            if (r.value() == null) {
                continue;
            }
            JsonNode e = JSON.readTree(r.value());
            String type = e.path("type").asText();
            String host = e.path("hostId").asText();
            if ("HELD".equals(type)) {
                held++;
            }
            if (!"HUNG".equals(type)) {
                continue;
            }
            if (sampled.contains(host)) {
                long lastSeen = Instant.parse(e.path("lastSeenAt").asText()).toEpochMilli();
                delays.putIfAbsent(host, new long[]{r.timestamp() - (lastSeen + hangAfterMs)});
            } else {
                other++;
            }
        }
        return new int[]{other, held};
    }

    static Properties adminProps() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        return p;
    }

    /** The evaluator's consumer lag on the heartbeat topic (records not yet committed as processed). */
    static long lag(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(EVALUATOR_GROUP)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream().filter(tp -> tp.topic().equals(HEARTBEATS))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        if (latest.isEmpty()) {
            return -1;
        }
        var ends = admin.listOffsets(latest).all().get();
        long lag = 0;
        for (TopicPartition tp : latest.keySet()) {
            lag += Math.max(0, ends.get(tp).offset() - committed.get(tp).offset());
        }
        return lag;
    }

    static JsonNode post(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + CONTROL_PORT + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("simulator " + pathAndQuery + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    static double metric(int port, String name) throws Exception {
        return metricWhere(port, name, "");
    }

    /** Sum of a metric's samples (optionally only those whose labels contain {@code labelPart}). */
    static double metricWhere(int port, String name, String labelPart) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String l : body.split("\n")) {
            if (l.startsWith(name + "{") || l.startsWith(name + " ")) {
                if (!labelPart.isEmpty() && !l.contains(labelPart)) {
                    continue;
                }
                sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static long rss(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    /** Datagrams the kernel dropped on ingest's UDP socket (receive buffer full). */
    static long udpDrops(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        long drops = 0;
        for (String file : List.of("/proc/net/udp", "/proc/net/udp6")) {
            for (String l : Files.readAllLines(Path.of(file))) {
                String[] f = l.trim().split("\\s+");
                if (f.length > 12 && f[1].endsWith(hexPort)) {
                    drops += Long.parseLong(f[f.length - 1]);
                }
            }
        }
        return drops;
    }

    static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }


    static String header() {
        return "| hosts | expected hb/s | ingest hb/s | evaluator hb/s | lag max / end | CPU ingest / evaluator / broker / simulator (cores) "
                + "| RSS ingest / evaluator | evaluator heap | UDP drops | hangs caught | delay p50 / p99 / max | other HUNG | HELD | note |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    static String line(Row r) {
        return String.format(Locale.ROOT, "| %,d | %,.0f | %,.0f | %,.0f | %,d / %,d | %.2f / %.2f / %.2f / %.2f | %d MB / %d MB | %d MB | %,d | %d of %d | %,d / %,d / %,d ms | %d | %d | %s |",
                r.hosts(), r.expected(), r.ingested(), r.evaluated(), r.lagMax(), r.lagEnd(), r.cpuIngest(), r.cpuEvaluator(),
                r.cpuKafka(), r.cpuSim(), r.rssIngest() >> 20, r.rssEvaluator() >> 20, r.heapEvaluator() >> 20,
                r.udpDrops(), r.caught(), r.sampled(), r.p50(), r.p99(), r.max(), r.otherHung(), r.held(), r.note());
    }
}
