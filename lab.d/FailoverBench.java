import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatCodec;
import io.hangcheck.events.IngestHealth;
import io.hangcheck.events.Tick;
import io.hangcheck.events.Transport;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The failover benchmark (`./lab bench failover`, lab.d/bench-failover.sh starts a fresh broker and this program):
 * one run = one fleet size with standby replicas on or off. A feed writes one stamped heartbeat per host per 30 s
 * and one tick per partition per second straight to hangcheck.heartbeats.v1 (what ingest writes; HeartbeatCodec),
 * two evaluator instances (one application id, own ports and state directories) split the partitions; once both
 * are current (every partition's clock lag &lt; BENCH_CURRENT_S), K hosts stop beating so that they come due just
 * after the kill, one evaluator is SIGKILLed, and the survivor's /metrics is polled until every partition's clock
 * lag is below BENCH_CURRENT_S again. Prints time-to-owned and time-to-current (from the kill), the records the
 * survivor restored, each hang's detection (event time − (last beat + hang-after)) and every SUSPECT/HUNG/HELD of
 * a host that kept beating (0 expected). Appends a Markdown row to OUT.md.
 *
 * <pre>java -cp 'classes:events.jar:.lab/kafka/lib/*' FailoverBench OUT.md EVALUATOR_JAR WORK_DIR TOPICS_FILE HANG_AFTER_S SIZE STANDBYS</pre>
 *
 * Settings (environment): BENCH_BOOTSTRAP (127.0.0.1:9092), BENCH_PORTS (8085,8086), BENCH_HANGS (20: half on
 * the killed instance's partitions, half on the survivor's), BENCH_CURRENT_S (2), BENCH_SETTLE_S (20),
 * BENCH_WATCH_S (seconds to keep reading verdicts once current; default suspect-after + 30),
 * BENCH_TIMEOUT_S (600), BENCH_JAVA_OPTS (-Xms256m -Xmx2g), BENCH_SESSION_TIMEOUT_MS (Kafka's default when unset).
 */
public class FailoverBench {
    static final String HEARTBEATS = "hangcheck.heartbeats.v1";
    static final String LIVENESS = "hangcheck.liveness.events.v1";
    static final String FEED = "bench-feed";
    static final long INTERVAL_MS = 30_000;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern LAG = Pattern.compile("^hangcheck_evaluator_partition_clock_lag_seconds\\{partition=\"(\\d+)\"[^}]*} (\\S+)$");
    static final Pattern RESTORED = Pattern.compile("Finished restoring changelog (\\S+) to store (\\S+) with a total number of (\\d+) records");

    static final String BOOTSTRAP = BenchSupport.env("BENCH_BOOTSTRAP", "127.0.0.1:9092");
    static final String[] PORTS = BenchSupport.env("BENCH_PORTS", "8085,8086").split(",");
    static final int HANGS = Integer.parseInt(BenchSupport.env("BENCH_HANGS", "20"));
    static final double CURRENT_S = Double.parseDouble(BenchSupport.env("BENCH_CURRENT_S", "2"));
    static final int SETTLE_S = Integer.parseInt(BenchSupport.env("BENCH_SETTLE_S", "20"));
    static final int TIMEOUT_S = Integer.parseInt(BenchSupport.env("BENCH_TIMEOUT_S", "600"));
    static final String JAVA_OPTS = BenchSupport.env("BENCH_JAVA_OPTS", "-Xms256m -Xmx2g");
    static final String SESSION_TIMEOUT_MS = BenchSupport.env("BENCH_SESSION_TIMEOUT_MS", "");

    /** A verdict read from the liveness topic. */
    record Verdict(String type, String host, long at, long seen, long lastSeen, int partition) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: FailoverBench OUT.md EVALUATOR_JAR WORK_DIR TOPICS_FILE HANG_AFTER_S SIZE STANDBYS");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String jar = args[1];
        Path work = Path.of(args[2]);
        Path topicsFile = Path.of(args[3]);
        long hangAfterMs = Long.parseLong(args[4]) * 1000;
        int size = Integer.parseInt(args[5].replace("_", "").replace(",", ""));
        int standbys = Integer.parseInt(args[6]);
        long suspectAfterMs = hangAfterMs * 3 / 5;
        int watchS = Integer.parseInt(BenchSupport.env("BENCH_WATCH_S", Long.toString(suspectAfterMs / 1000 + 30)));

        int partitions = createTopics(topicsFile);
        String mode = standbys > 0 ? "standby " + standbys : "no standby";
        System.out.printf(Locale.ROOT, "[failover] %,d hosts, %s, %d partitions, hang-after %d s%n", size, mode, partitions, hangAfterMs / 1000);

        Feed feed = new Feed(size, partitions);
        List<Process> evaluators = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            feed.stop();
            evaluators.forEach(Process::destroy);
        }));
        try (KafkaConsumer<byte[], byte[]> verdicts = BenchSupport.verdictConsumer(BOOTSTRAP, LIVENESS, true)) {
            Map<String, List<Verdict>> byHost = new HashMap<>();
            for (int i = 0; i < 2; i++) {
                evaluators.add(startEvaluator(jar, work, i, standbys, hangAfterMs));
            }
            String[] names = {"a", "b"};
            // the feed starts once both instances are ready: a backlog from slow start-ups is not what is measured
            long started = System.currentTimeMillis();
            while (!ready(PORTS[0]) || !ready(PORTS[1])) {
                checkAlive(evaluators, work);
                if (System.currentTimeMillis() > started + TIMEOUT_S * 1000L) {
                    throw new IllegalStateException("the evaluators were not ready within " + TIMEOUT_S + " s");
                }
                Thread.sleep(500);
            }
            System.out.printf(Locale.ROOT, "[failover] both instances ready after %d s; the feed starts%n", (System.currentTimeMillis() - started) / 1000);
            Thread feeder = new Thread(feed::run, "feed");
            feeder.start();
            long feedStart = System.currentTimeMillis();
            // 1. both instances up and every partition current, the fleet seen whole (one interval of beats)
            long readyBy = feedStart + TIMEOUT_S * 1000L;
            while (true) {
                drain(verdicts, byHost, 500);
                checkAlive(evaluators, work);
                Map<Integer, Double> a = lags(PORTS[0]);
                Map<Integer, Double> b = lags(PORTS[1]);
                boolean split = !a.isEmpty() && !b.isEmpty() && a.size() + b.size() == partitions
                        && a.keySet().stream().noneMatch(b::containsKey);
                boolean current = split && a.values().stream().allMatch(l -> l < CURRENT_S) && b.values().stream().allMatch(l -> l < CURRENT_S);
                // and the fleet NORMAL on both (a warm-up that lagged may have frozen it; its thaw gives every host a
                // fresh grace, which would be counted against the failover)
                if (current && System.currentTimeMillis() - feedStart > INTERVAL_MS + 5_000 && normal(PORTS[0]) && normal(PORTS[1])) {
                    break;
                }
                if (System.currentTimeMillis() > readyBy) {
                    throw new IllegalStateException("the two evaluators were not current within " + TIMEOUT_S + " s: " + a + " " + b);
                }
            }
            long currentAt = System.currentTimeMillis();
            System.out.printf(Locale.ROOT, "[failover] both instances current %d s after the feed started (a: %s, b: %s)%n",
                    (currentAt - feedStart) / 1000, lags(PORTS[0]).keySet(), lags(PORTS[1]).keySet());

            // 2. the kill is planned so that the hangs come due 5-35 s after it: they stop beating at
            // kill - hang-after + 35 s (their last beat up to one interval earlier), and every host has beaten first
            long killAt = Math.max(currentAt + SETTLE_S * 1000L, feedStart + hangAfterMs);
            killAt = Math.max(killAt, System.currentTimeMillis() + hangAfterMs - 35_000); // a late start: still due after it
            long stopAt = killAt - hangAfterMs + 35_000;
            sleepUntil(stopAt, verdicts, byHost);
            int victim = 1;
            TreeSet<Integer> victimParts = new TreeSet<>(lags(PORTS[victim]).keySet());
            TreeSet<Integer> survivorParts = new TreeSet<>(lags(PORTS[1 - victim]).keySet());
            Map<String, Integer> hung = feed.hang(HANGS - HANGS / 2, victimParts, HANGS / 2, survivorParts);
            System.out.printf(Locale.ROOT, "[failover] %d hosts stopped beating (%d on the partitions %s of instance %s to be killed)%n",
                    hung.size(), hung.values().stream().filter(victimParts::contains).count(), victimParts, names[victim]);
            sleepUntil(killAt, verdicts, byHost);

            // 3. SIGKILL one instance; poll the survivor until every partition is its own and current
            Path survivorLog = work.resolve("evaluator-" + names[1 - victim] + ".log");
            long logFrom = Files.size(survivorLog);
            TreeSet<Integer> killedOwned = new TreeSet<>(lags(PORTS[victim]).keySet());
            double survivorCpu0 = BenchSupport.cpuSeconds(evaluators.get(1 - victim).pid());
            evaluators.get(victim).destroyForcibly(); // SIGKILL on Linux
            long kill = System.currentTimeMillis();
            System.out.printf(Locale.ROOT, "[failover] SIGKILL instance %s (partitions %s) at %s%n", names[victim], killedOwned, Instant.ofEpochMilli(kill));
            long ownedAt = -1;
            long currentAgainAt = -1;
            double maxLag = 0;
            long deadline = kill + TIMEOUT_S * 1000L;
            while (System.currentTimeMillis() < deadline) {
                drain(verdicts, byHost, 250);
                Map<Integer, Double> s = lags(PORTS[1 - victim]);
                long now = System.currentTimeMillis();
                for (double l : s.values()) {
                    if (Double.isFinite(l)) {
                        maxLag = Math.max(maxLag, l);
                    }
                }
                if (ownedAt < 0 && s.size() == partitions) {
                    ownedAt = now;
                }
                if (s.size() == partitions && s.values().stream().allMatch(l -> l < CURRENT_S)) {
                    currentAgainAt = now;
                    break;
                }
            }
            double survivorCpu = BenchSupport.cpuSeconds(evaluators.get(1 - victim).pid()) - survivorCpu0;
            System.out.printf(Locale.ROOT, "[failover] survivor owns every partition after %s, current after %s (max clock lag seen %.1f s)%n",
                    secs(ownedAt, kill), secs(currentAgainAt, kill), maxLag);

            // 4. keep reading verdicts: every hang detected, and long enough for a wrongly counted silence to show
            long watchUntil = Math.max(currentAgainAt < 0 ? kill : currentAgainAt, kill) + watchS * 1000L;
            while (System.currentTimeMillis() < watchUntil) {
                drain(verdicts, byHost, 1000);
            }
            long[] restored = restored(survivorLog, logFrom);

            // figures
            List<Long> delays = new ArrayList<>();
            StringBuilder hangLines = new StringBuilder();
            int heldOnly = 0;
            for (var e : hung.entrySet()) {
                String host = e.getKey();
                Verdict v = first(byHost.get(host), "HUNG");
                Verdict h = first(byHost.get(host), "HELD");
                long last = feed.lastBeat(host);
                long due = last + hangAfterMs;
                String where = victimParts.contains(e.getValue()) ? "killed's" : "survivor's";
                if (v == null && h != null) {
                    heldOnly++;
                }
                Verdict d = v != null ? v : h;
                if (d != null) {
                    delays.add(d.seen() - due);
                }
                hangLines.append(String.format(Locale.ROOT, "    %s p%d (%s): last beat %s, due kill%+.1f s, %s%n", host, e.getValue(), where,
                        Instant.ofEpochMilli(last), (due - kill) / 1000.0,
                        d == null ? "NOT DETECTED" : String.format(Locale.ROOT, "%s read at kill%+.1f s (record time kill%+.1f s), delay %.1f s", d.type(),
                                (d.seen() - kill) / 1000.0, (d.at() - kill) / 1000.0, (d.seen() - due) / 1000.0)));
            }
            List<Verdict> wrong = new ArrayList<>();
            for (var e : byHost.entrySet()) {
                if (hung.containsKey(e.getKey())) {
                    continue;
                }
                for (Verdict v : e.getValue()) {
                    if (v.type().equals("SUSPECT") || v.type().equals("HUNG") || v.type().equals("HELD")) {
                        wrong.add(v);
                    }
                }
            }
            delays.sort(null);
            String sessionTimeout = SESSION_TIMEOUT_MS.isBlank() ? "default" : SESSION_TIMEOUT_MS + " ms";
            String row = String.format(Locale.ROOT, "| %,d | %s | %d | %s | %s | %s | %.1f s | %,d in %d changelogs | %.1f | %d of %d (%d HELD) | %s / %s / %s | %d | %s |",
                    size, mode, partitions, sessionTimeout, secs(ownedAt, kill), secs(currentAgainAt, kill), maxLag,
                    restored[0], restored[1], survivorCpu, delays.size(), hung.size(), heldOnly,
                    pct(delays, 50), pct(delays, 100), delays.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f s", delays.get(0) / 1000.0),
                    wrong.size(), BenchSupport.loadAverage());
            System.out.println("[failover] hangs:");
            System.out.print(hangLines);
            for (Verdict v : wrong.subList(0, Math.min(20, wrong.size()))) {
                System.out.printf(Locale.ROOT, "[failover] HEALTHY HOST %s: %s on partition %d, record time %s (kill%+.1f s, read kill%+.1f s), last seen %s (its last beat %s)%n",
                        v.host(), v.type(), v.partition(), Instant.ofEpochMilli(v.at()), (v.at() - kill) / 1000.0, (v.seen() - kill) / 1000.0,
                        Instant.ofEpochMilli(v.lastSeen()), Instant.ofEpochMilli(feed.lastBeat(v.host())));
            }
            System.out.println(header());
            System.out.println(row);
            if (!Files.exists(out) || Files.readString(out).isBlank()) {
                Files.writeString(out, header() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            Files.writeString(out, row + "\n", StandardOpenOption.APPEND);
        } finally {
            feed.stop();
            evaluators.forEach(Process::destroy);
            for (Process p : evaluators) {
                p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    static String header() {
        return "| hosts | mode | partitions | session timeout | owned after kill | current after kill (lag < " + (int) CURRENT_S
                + " s) | max lag | restored by survivor | survivor CPU s | hangs detected | delay p50 / max / min "
                + "| healthy hosts SUSPECT/HUNG/HELD | load average |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    // ------------------------------------------------------------------ the feed

    /** Heartbeats for SIZE hosts (one per 30 s, spread evenly) and a tick per partition per second. */
    static final class Feed {
        final int size;
        final int partitions;
        final KafkaProducer<String, byte[]> producer;
        final long[] lastBeat;
        final java.util.concurrent.atomic.AtomicIntegerArray stopped;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sendErrors = new AtomicLong();
        /** Counted down when {@link #run} has closed the producer (it owns it: a send after a close would throw). */
        final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

        Feed(int size, int partitions) {
            this.size = size;
            this.partitions = partitions;
            this.lastBeat = new long[size];
            this.stopped = new java.util.concurrent.atomic.AtomicIntegerArray(size);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
            p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
            p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }

        static String host(int i) {
            return String.format(Locale.ROOT, "fb-%07d", i);
        }

        void run() {
            long start = System.currentTimeMillis();
            long sent = 0; // heartbeats sent so far: host (sent % size) in round (sent / size)
            long tickSeq = 0;
            long nextTick = start;
            try {
                loop(start, sent, tickSeq, nextTick);
            } finally {
                producer.close(Duration.ofSeconds(5));
                closed.countDown();
            }
        }

        private void loop(long start, long sent, long tickSeq, long nextTick) {
            while (running.get()) {
                long now = System.currentTimeMillis();
                if (now >= nextTick) {
                    for (int p = 0; p < partitions; p++) {
                        Tick t = new Tick(FEED, Instant.ofEpochMilli(now), p, tickSeq++, IngestHealth.ok(0, 1000));
                        producer.send(new ProducerRecord<>(HEARTBEATS, p, t.key(), EventCodec.toBytes(t)), this::sent);
                    }
                    nextTick += 1000;
                }
                long due = (now - start) * size / INTERVAL_MS + 1;
                for (; sent < due; sent++) {
                    int i = (int) (sent % size);
                    if (stopped.get(i) != 0) {
                        continue;
                    }
                    Instant at = Instant.ofEpochMilli(now);
                    Heartbeat hb = new Heartbeat(host(i), "boot-1", sent / size, at, Map.of(), null, null, null, null, null);
                    producer.send(new ProducerRecord<>(HEARTBEATS, hb.hostId(),
                            HeartbeatCodec.writeStamped(hb, at, Transport.KAFKA, FEED, null)), this::sent);
                    lastBeat[i] = now;
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(50, nextTick - System.currentTimeMillis())));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void sent(org.apache.kafka.clients.producer.RecordMetadata m, Exception e) {
            if (e != null && sendErrors.getAndIncrement() < 5) {
                System.err.println("[failover] feed: send failed: " + e);
            }
        }

        /** Stops N hosts on the partitions ON and M on OTHER; returns host -> partition. */
        Map<String, Integer> hang(int n, TreeSet<Integer> on, int m, TreeSet<Integer> other) {
            Map<String, Integer> out = new LinkedHashMap<>();
            int a = 0;
            int b = 0;
            int step = Math.max(1, size / Math.max(1, (n + m) * 50));
            for (int i = 7; i < size && (a < n || b < m); i += step) {
                int p = partitionOf(host(i));
                if (a < n && on.contains(p)) {
                    a++;
                } else if (b < m && other.contains(p)) {
                    b++;
                } else {
                    continue;
                }
                stopped.set(i, 1);
                out.put(host(i), p);
            }
            return out;
        }

        int partitionOf(String host) {
            return Utils.toPositive(Utils.murmur2(host.getBytes(StandardCharsets.UTF_8))) % partitions;
        }

        long lastBeat(String host) {
            return lastBeat[Integer.parseInt(host.substring(3))];
        }

        /** Stops the feed and waits until its thread has closed the producer. */
        void stop() {
            running.set(false);
            try {
                closed.await(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ the evaluators

    static Process startEvaluator(String jar, Path work, int i, int standbys, long hangAfterMs) throws IOException {
        String name = i == 0 ? "a" : "b";
        Path state = work.resolve("state-" + name);
        Files.createDirectories(state);
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(List.of(JAVA_OPTS.split("\\s+")));
        // the prod overlay's Kafka Streams settings (deploy/k8s/overlays/prod), with the standby count of the run
        cmd.add("-Dkafka-streams.num.standby.replicas=" + standbys);
        cmd.add("-Dkafka-streams.acceptable.recovery.lag=10000");
        cmd.add("-Dkafka-streams.probing.rebalance.interval.ms=60000");
        if (!SESSION_TIMEOUT_MS.isBlank()) {
            cmd.add("-Dkafka-streams.session.timeout.ms=" + SESSION_TIMEOUT_MS);
        }
        cmd.addAll(List.of("-jar", jar));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("evaluator-" + name + ".log").toFile()));
        Map<String, String> env = pb.environment();
        env.put("HANGCHECK_KAFKA", BOOTSTRAP);
        env.put("HANGCHECK_HTTP_PORT", PORTS[i]);
        env.put("HANGCHECK_INSTANCE_ID", "failover-" + name);
        env.put("KAFKA_STREAMS_STATE_DIR", state.toString());
        env.put("HANGCHECK_EVALUATOR_EXPECTED_INTERVAL", INTERVAL_MS / 1000 + "s");
        env.put("HANGCHECK_EVALUATOR_SUSPECT_AFTER", hangAfterMs * 3 / 5 / 1000 + "s");
        env.put("HANGCHECK_EVALUATOR_HANG_AFTER", hangAfterMs / 1000 + "s");
        env.put("HANGCHECK_EVALUATOR_BOOT_GRACE", "0s");
        return pb.start();
    }

    static void checkAlive(List<Process> evaluators, Path work) {
        for (Process p : evaluators) {
            if (!p.isAlive()) {
                throw new IllegalStateException("an evaluator exited (" + p.exitValue() + "); see " + work + "/evaluator-*.log");
            }
        }
    }

    static boolean normal(String port) {
        HttpResponse<String> r = BenchSupport.get(port, "/metrics");
        return r != null && r.body().lines().anyMatch(l -> l.startsWith("hangcheck_evaluator_fleet_mode{mode=\"NORMAL\"") && l.endsWith(" 1.0"));
    }

    static boolean ready(String port) {
        HttpResponse<String> r = BenchSupport.get(port, "/q/health/ready");
        return r != null && r.statusCode() == 200;
    }

    /** The instance's partition clock lags by partition (empty when it does not answer). */
    static Map<Integer, Double> lags(String port) {
        Map<Integer, Double> out = new TreeMap<>();
        HttpResponse<String> r = BenchSupport.get(port, "/metrics");
        if (r == null) {
            return out;
        }
        for (String l : r.body().split("\n")) {
            Matcher m = LAG.matcher(l);
            if (m.matches()) {
                out.put(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)));
            }
        }
        return out;
    }

    /** {records restored, changelogs} from the Kafka Streams lines of the log after byte FROM. */
    static long[] restored(Path log, long from) throws IOException {
        long records = 0;
        long changelogs = 0;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(from);
            byte[] rest = new byte[(int) Math.min(Integer.MAX_VALUE - 8, f.length() - from)];
            f.readFully(rest);
            Matcher m = RESTORED.matcher(new String(rest, StandardCharsets.UTF_8));
            while (m.find()) {
                records += Long.parseLong(m.group(3));
                changelogs++;
            }
        }
        return new long[]{records, changelogs};
    }

    // ------------------------------------------------------------------ verdicts

    static void drain(KafkaConsumer<byte[], byte[]> consumer, Map<String, List<Verdict>> byHost, long millis) throws IOException {
        var records = consumer.poll(Duration.ofMillis(millis));
        long seen = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                continue;
            }
            JsonNode e = JSON.readTree(r.value());
            String host = e.path("hostId").asText();
            String last = e.path("lastSeenAt").asText("");
            byHost.computeIfAbsent(host, k -> new ArrayList<>()).add(new Verdict(e.path("type").asText(), host, r.timestamp(), seen,
                    last.isEmpty() ? -1 : Instant.parse(last).toEpochMilli(), r.partition()));
        }
    }

    static void sleepUntil(long at, KafkaConsumer<byte[], byte[]> verdicts, Map<String, List<Verdict>> byHost) throws IOException {
        while (System.currentTimeMillis() < at) {
            drain(verdicts, byHost, Math.max(1, Math.min(1000, at - System.currentTimeMillis())));
        }
    }

    static Verdict first(List<Verdict> vs, String type) {
        if (vs == null) {
            return null;
        }
        return vs.stream().filter(v -> v.type().equals(type)).findFirst().orElse(null);
    }

    // ------------------------------------------------------------------ plumbing

    static int createTopics(Path file) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        int heartbeatPartitions = -1;
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 3) {
                    continue;
                }
                topics.add(new NewTopic(f[0], Integer.parseInt(f[1]), (short) 1).configs(Map.of("cleanup.policy", f[2])));
                if (f[0].equals(HEARTBEATS)) {
                    heartbeatPartitions = Integer.parseInt(f[1]);
                }
            }
            admin.createTopics(topics).all().get();
        }
        if (heartbeatPartitions < 1) {
            throw new IllegalStateException(HEARTBEATS + " is not in " + file);
        }
        return heartbeatPartitions;
    }

    static String secs(long at, long from) {
        return at < 0 ? "not within " + TIMEOUT_S + " s" : String.format(Locale.ROOT, "%.1f s", (at - from) / 1000.0);
    }

    static String pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        long v = sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
        return String.format(Locale.ROOT, "%.1f s", v / 1000.0);
    }
}
