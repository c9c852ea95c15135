import io.hangcheck.evaluator.domain.DeadlineIndex;
import io.hangcheck.evaluator.domain.FleetAggregator;
import io.hangcheck.evaluator.domain.HostRecord;
import io.hangcheck.evaluator.domain.HostRecordSerde;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.evaluator.messaging.LivenessTopology;
import io.hangcheck.evaluator.messaging.TopicNames;
import io.hangcheck.evaluator.metrics.EvaluatorMetrics;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.IngestHealth;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.Tick;
import io.hangcheck.events.Topics;
import io.hangcheck.testing.TestKafka;
import io.prometheus.client.CollectorRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.tools.ConsumerPerformance;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;

/**
 * The evaluator's benchmark (prints figures; not a test). See liveness-evaluator/bench/README.md.
 *
 * 1. Replays a timeline of H hosts (one heartbeat a minute, default thresholds, 1 % of hosts stop) with one tick
 *    a second into a 1-partition topic on the in-process broker; 2. reads it with Kafka's ConsumerPerformance
 *    (wall time and process CPU); 3. runs the production topology (KafkaStreams, the application's stores and
 *    Kafka Streams settings) over the same topic from the beginning and times it from its first processed record
 *    until every record is processed (wall time and process CPU); then a live phase: ticks and heartbeats at
 *    wall-clock pace for L seconds, in which a further 0.3 % of hosts reach last heartbeat + hang-after, while a
 *    read_committed consumer notes when each HUNG becomes readable; 4. detection delay of every HUNG in partition
 *    time, and in wall time for the live ones; 5. state bytes per host; 6. heap at 1,000,000 hosts of the
 *    in-memory deadline index, and of an in-memory hosts store if one were used.
 */
public class EvaluatorBenchmark {
    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 420;
        String guarantee = args.length > 2 ? args[2] : "exactly_once_v2";
        int liveSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        // partition time starts a day ago, on the hour: inside the topics' 7-day retention (a fixed date fell out of it
        // a week later, and the broker's retention check deleted the timeline in the middle of a run) and in the past
        long t0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(java.time.Duration.ofDays(1)).toEpochMilli();
        Thresholds th = Thresholds.defaults().withBootGraceMs(0);

        // the application logs at INFO (Quarkus' default); without this the JBoss LogManager enables TRACE and
        // Kafka's clients build a log record for every record they handle
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        TestKafka kafka = TestKafka.shared();
        String run = UUID.randomUUID().toString().substring(0, 6);
        TopicNames topics = new TopicNames("bench.hb." + run, "bench.reboots." + run, "bench.events." + run,
                "bench.state." + run, "bench.fleet." + run);
        kafka.createTopics(1, topics.heartbeats(), topics.reboots(), topics.events(), topics.state(), topics.fleet(),
                Topics.dlq(topics.heartbeats()), Topics.dlq(topics.reboots()));

        // 1. the timeline
        Random rnd = new Random(7);
        int[] phase = new int[hosts];
        long[] stopAt = new long[hosts];
        long[] lastSeen = new long[hosts];
        List<List<Integer>> byPhase = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            byPhase.add(new ArrayList<>());
        }
        int stopped = 0;
        int liveStopped = 0;
        long hangAfterS = th.hangAfterMs() / 1000;
        for (int h = 0; h < hosts; h++) {
            phase[h] = rnd.nextInt(60);
            byPhase.get(phase[h]).add(h);
            stopAt[h] = Long.MAX_VALUE;
            if (rnd.nextDouble() < 0.01) {
                stopAt[h] = 60 + rnd.nextInt(Math.max(1, seconds - 60 - 310));
                stopped++;
            } else if (liveSeconds > 0 && rnd.nextDouble() < 0.003) {
                // stops so that last heartbeat + hang-after falls inside the live phase (5 s from either end)
                long last = seconds + 5 - hangAfterS + rnd.nextInt(Math.max(1, liveSeconds - 10));
                long lastBeat = last - Math.floorMod(last - phase[h], 60);
                if (lastBeat + hangAfterS > seconds + 1 && lastBeat > 60) {
                    stopAt[h] = lastBeat + 1;
                    stopped++;
                    liveStopped++;
                }
            }
        }
        Properties pp = kafka.producerProps();
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        pp.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000");
        long records = 0;
        long heartbeats = 0;
        long firstMinute = 0; // records of partition seconds 0-59, in which every host is seen for the first time
        long p0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
            for (int s = 0; s <= seconds; s++) {
                int n = second(producer, topics.heartbeats(), t0, s, byPhase, stopAt, lastSeen);
                records += n;
                heartbeats += n - 1;
                if (s == 59) {
                    firstMinute = records;
                }
            }
            producer.flush();
        }
        double produceSec = (System.nanoTime() - p0) / 1e9;
        System.out.printf("timeline: %,d hosts, %,d s of partition time, %,d records (%,d heartbeats), %d hosts stop "
                        + "(%d of them inside the %d-s live phase); produced in %.1f s%n",
                hosts, seconds, records, heartbeats, stopped, liveStopped, liveSeconds, produceSec);

        // 2. Kafka's ConsumerPerformance on the same topic
        // three times (a read of the topic takes 2 s: one read is at the mercy of a moment's noise); the median
        double[][] cpRuns = new double[3][];
        for (int i = 0; i < cpRuns.length; i++) {
            long c0 = System.nanoTime();
            long cpu0 = processCpuNanos();
            ConsumerPerformance.main(new String[]{"--bootstrap-server", kafka.bootstrapServers(), "--topic", topics.heartbeats(),
                    "--messages", Long.toString(records), "--group", "bench-cp-" + run + "-" + i, "--timeout", "60000"});
            cpRuns[i] = new double[]{(System.nanoTime() - c0) / 1e9, (processCpuNanos() - cpu0) / 1e9};
        }
        final long recordsRead = records;
        String cpAll = java.util.Arrays.stream(cpRuns).map(r -> String.format("%,.0f", recordsRead / r[0]))
                .collect(java.util.stream.Collectors.joining(", "));
        java.util.Arrays.sort(cpRuns, java.util.Comparator.comparingDouble(r -> r[0]));
        double cpSec = cpRuns[1][0];
        double cpCpuSec = cpRuns[1][1];
        double cpRate = records / cpSec;

        // 3. the production topology over the same topic
        var stateDir = Files.createTempDirectory("hangcheck-bench-state-");
        Properties sp = new Properties();
        sp.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-evaluator-" + run);
        sp.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        sp.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // the application's Kafka Streams settings (application.properties, kafka-streams.*, defaults of ${VAR:default})
        Properties app = new Properties();
        try (var in = Files.newInputStream(java.nio.file.Path.of("src/main/resources/application.properties"))) {
            app.load(in);
        }
        for (String k : app.stringPropertyNames()) {
            if (k.startsWith("kafka-streams.") && !k.equals("kafka-streams.state.dir")) {
                String v = app.getProperty(k).replaceAll("\\$\\{[^:}]*:([^}]*)}", "$1");
                sp.put(k.substring("kafka-streams.".length()), v);
            }
        }
        sp.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        // production settings unless overridden (-Dbench.commit.interval.ms=..., -Dbench.max.task.idle.ms=...)
        if (System.getProperty("bench.commit.interval.ms") != null) {
            sp.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, System.getProperty("bench.commit.interval.ms"));
        }
        if (System.getProperty("bench.max.task.idle.ms") != null) {
            sp.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, System.getProperty("bench.max.task.idle.ms"));
        }
        // any other Kafka Streams setting: -Dbench.streams.<name>=<value> (e.g. -Dbench.streams.producer.batch.size=262144)
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("bench.streams.")) {
                sp.put(k.substring("bench.streams.".length()), System.getProperty(k));
            }
        }
        sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // 2b. two reference Kafka Streams applications over the same topic with the same settings: one that only
        // receives each record, one that also reads and writes a per-key RocksDB store with a changelog (what any
        // evaluator that keeps durable per-host state on Kafka Streams does per heartbeat, and nothing else)
        double[] refPass = reference(sp, topics.heartbeats(), records, "passthrough", false);
        double[] refStore = reference(sp, topics.heartbeats(), records, "store", true);

        CollectorRegistry registry = new CollectorRegistry(true);
        // -Dbench.groups=on: group guards over 3 keys (rack, pool, net), as in production; off (default): the fleet
        // guard alone. The heartbeats carry a rack label and a net either way, so the two runs read the same bytes.
        boolean groupsOn = "on".equals(System.getProperty("bench.groups", "off"));
        io.hangcheck.evaluator.domain.GroupThresholds groups = groupsOn
                ? io.hangcheck.evaluator.domain.GroupThresholds.defaults().withKeys(List.of("rack", "pool", "net"))
                : io.hangcheck.evaluator.domain.GroupThresholds.off();
        FleetAggregator fleet = new FleetAggregator("bench", th, groups, Clock.systemUTC());
        EvaluatorMetrics metrics = new EvaluatorMetrics(registry, fleet);
        LivenessTopology.Settings settings = LivenessTopology.Settings.of("bench"); // the application's stores
        settings = settings.stores(!"memory".equals(System.getProperty("bench.store", settings.persistentStores() ? "rocksdb" : "memory")),
                Boolean.parseBoolean(System.getProperty("bench.cache", Boolean.toString(settings.hostsCache()))));
        // Warm-up: the same topology over the same records once, as another application (own state, own outputs),
        // so that the timed pass below runs compiled code as ConsumerPerformance's later reads and the references do
        // (a cold pass spent about one core compiling: 4.7 s of JIT in a 4.7-s window). Its rate is printed too:
        // what a freshly started instance does in its first seconds. -Dbench.warmup=false skips it.
        double[] warm = null;
        if (Boolean.parseBoolean(System.getProperty("bench.warmup", "true"))) {
            TopicNames warmTopics = new TopicNames(topics.heartbeats(), topics.reboots(), "bench.warm.events." + run,
                    "bench.warm.state." + run, "bench.warm.fleet." + run);
            kafka.createTopics(1, warmTopics.events(), warmTopics.state(), warmTopics.fleet());
            Properties wsp = new Properties();
            wsp.putAll(sp);
            wsp.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-warmup-" + run);
            wsp.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("hangcheck-bench-warm-").toString());
            FleetAggregator warmFleet = new FleetAggregator("bench-warm", th, groups, Clock.systemUTC());
            EvaluatorMetrics warmMetrics = new EvaluatorMetrics(new CollectorRegistry(true), warmFleet);
            try (KafkaStreams w = new KafkaStreams(LivenessTopology.build(th, warmTopics, settings, warmFleet, warmMetrics, Clock.systemUTC()), wsp)) {
                long w0 = System.nanoTime();
                w.start();
                long wFirst = 0;
                while (warmMetrics.heartbeats.get() + warmMetrics.ticks.get() < records && System.nanoTime() - w0 < 600e9) {
                    if (wFirst == 0 && warmMetrics.heartbeats.get() > 0) {
                        wFirst = System.nanoTime();
                    }
                    Thread.sleep(5);
                }
                warm = new double[]{records / ((System.nanoTime() - wFirst) / 1e9)};
            }
        }
        KafkaStreams streams = new KafkaStreams(LivenessTopology.build(th, topics, settings, fleet, metrics, Clock.systemUTC()), sp);
        long s0 = System.nanoTime();
        streams.start();
        long firstRecordAt = 0;
        long cpuAtFirst = 0;
        long streamCpuAtKnown = 0;
        Map<String, Long> threadsAtKnown = Map.of();
        long[] vmAtKnown = new long[3];
        long knownAt = 0; // when the first minute (every host's first heartbeat) had been processed
        long cpuAtKnown = 0;
        double doneAtKnown = 0;
        while (true) {
            double done = metrics.heartbeats.get() + metrics.ticks.get();
            if (done > 0 && firstRecordAt == 0) {
                firstRecordAt = System.nanoTime();
                cpuAtFirst = processCpuNanos();
            }
            if (done >= firstMinute && knownAt == 0 && firstMinute < records) {
                knownAt = System.nanoTime();
                cpuAtKnown = processCpuNanos();
                streamCpuAtKnown = streamThreadCpuNanos("bench-evaluator-" + run);
                threadsAtKnown = threadCpu();
                vmAtKnown = vmFigures("bench-evaluator-" + run);
                doneAtKnown = done;
            }
            if (done >= records || System.nanoTime() - s0 > 600e9) {
                break;
            }
            Thread.sleep(5);
        }
        long s1 = System.nanoTime();
        long cpuAtEnd = processCpuNanos();
        long streamCpuAtEnd = streamThreadCpuNanos("bench-evaluator-" + run);
        Map<String, Long> threadsAtEnd = threadCpu();
        long[] vmAtEnd = vmFigures("bench-evaluator-" + run);
        double streamsCpuSec = (cpuAtEnd - cpuAtFirst) / 1e9;
        double processed = metrics.heartbeats.get() + metrics.ticks.get();
        double streamsSec = (s1 - firstRecordAt) / 1e9;
        double streamsRate = processed / streamsSec;
        double startupSec = (firstRecordAt - s0) / 1e9;
        // the rest of the replay, every host known: what a running evaluator (or one catching up after a failover,
        // its hosts restored) does per heartbeat; the first minute is each host's first sight (a store write, a
        // host-state record), a start-up cost
        double knownRecords = processed - doneAtKnown;
        double knownSec = (s1 - knownAt) / 1e9;
        double knownCpuSec = (cpuAtEnd - cpuAtKnown) / 1e9;

        // 3b. live phase: ticks and heartbeats at wall-clock pace; a read_committed consumer notes when each HUNG
        // becomes visible. Wall detection delay = visible - when the tick at (last heartbeat + hang-after) was sent.
        Map<String, Long> hungSeenWall = new ConcurrentHashMap<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Properties wp = kafka.consumerProps("bench-watch-" + run);
        wp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        wp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        Thread watcher = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(wp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                c.subscribe(List.of(topics.events()));
                while (watching.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(java.time.Duration.ofMillis(20))) {
                        long seen = System.currentTimeMillis();
                        LivenessEvent e = EventCodec.fromBytes(r.value(), LivenessEvent.class);
                        if (e.type() == LivenessEventType.HUNG) {
                            hungSeenWall.putIfAbsent(e.hostId(), seen);
                        }
                    }
                }
            }
        }, "bench-watch");
        watcher.start();
        Thread.sleep(2000); // the watcher has joined its group and read what the catch-up emitted
        long[] tickSentWall = new long[seconds + liveSeconds + 1];
        long liveRecords = 0;
        if (liveSeconds > 0) {
            Properties lp = kafka.producerProps();
            lp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            lp.put(ProducerConfig.ACKS_CONFIG, "1");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(lp)) {
                long w0 = System.currentTimeMillis();
                for (int s = seconds + 1; s <= seconds + liveSeconds; s++) {
                    long wait = w0 + (long) (s - seconds) * 1000 - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    tickSentWall[s] = System.currentTimeMillis();
                    liveRecords += second(producer, topics.heartbeats(), t0, s, byPhase, stopAt, lastSeen);
                    producer.flush();
                }
            }
            long until = System.nanoTime() + 10_000_000_000L;
            while (metrics.heartbeats.get() + metrics.ticks.get() < records + liveRecords && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            Thread.sleep(3000); // the last commit lands
        }
        watching.set(false);
        watcher.join();
        double processedAll = metrics.heartbeats.get() + metrics.ticks.get();

        // 5. state bytes per host, from the store
        long bytes = 0;
        long max = 0;
        long n = 0;
        var store = streams.store(StoreQueryParameters.fromNameAndType(LivenessTopology.HOSTS_STORE,
                QueryableStoreTypes.<String, HostRecord>keyValueStore()));
        try (KeyValueIterator<String, HostRecord> it = store.all()) {
            while (it.hasNext()) {
                int b = HostRecordSerde.toBytes(it.next().value).length;
                bytes += b;
                max = Math.max(max, b);
                n++;
            }
        }
        Thread.sleep(1500); // let the last commit land
        streams.close();

        // 4. detection delay: verdict time - (last heartbeat + hang-after), partition time
        Properties cp = kafka.consumerProps("bench-events-" + run);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Long> delays = new ArrayList<>();
        List<Long> wallDelays = new ArrayList<>();
        int hung = 0;
        int wrong = 0;
        for (ConsumerRecord<String, byte[]> r : kafka.drain(topics.events(), java.time.Duration.ofSeconds(20), new ByteArrayDeserializer())) {
            LivenessEvent e = EventCodec.fromBytes(r.value(), LivenessEvent.class);
            if (e.type() != LivenessEventType.HUNG) {
                continue;
            }
            hung++;
            int h = Integer.parseInt(e.hostId().substring(5));
            if (stopAt[h] == Long.MAX_VALUE) {
                wrong++;
                continue;
            }
            delays.add(e.at().toEpochMilli() - (lastSeen[h] + th.hangAfterMs()));
            int dueSecond = (int) ((lastSeen[h] + th.hangAfterMs() - t0) / 1000);
            if (dueSecond > seconds && dueSecond < tickSentWall.length && hungSeenWall.containsKey(e.hostId())) {
                wallDelays.add(hungSeenWall.get(e.hostId()) - tickSentWall[dueSecond]);
            }
        }
        long[] d = delays.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] wd = wallDelays.stream().mapToLong(Long::longValue).sorted().toArray();

        // 6. heap at 1,000,000 hosts of what a task keeps in memory (the store itself is RocksDB, off-heap): the host
        // table — every host's id, current record and deadline slot in one entry (HostTable.Entry; BenchEntry below
        // has its fields) — and the deadline index's wheel of 1-second buckets beside it
        System.gc();
        Thread.sleep(300);
        long heap0 = usedHeap();
        String[] ids = new String[1_000_000];
        for (int h = 0; h < ids.length; h++) {
            ids[h] = String.format("host-%07d", h);
        }
        // what Kafka Streams' in-memory store would hold for the same hosts (TreeMap<Bytes, byte[]>, values of the
        // mean size measured above); the RocksDB store keeps them off the heap
        System.gc();
        Thread.sleep(300);
        long heapIds = usedHeap();
        int valueBytes = (int) Math.round((double) bytes / Math.max(1, n));
        java.util.TreeMap<org.apache.kafka.common.utils.Bytes, byte[]> mem = new java.util.TreeMap<>();
        for (int h = 0; h < ids.length; h++) {
            mem.put(org.apache.kafka.common.utils.Bytes.wrap(bytes(ids[h])), new byte[valueBytes]);
        }
        System.gc();
        Thread.sleep(300);
        long heapMem = usedHeap();
        System.out.println(mem.size() > 0 ? "" : "?");
        mem = null;
        io.hangcheck.evaluator.domain.LivenessRules tableRules = new io.hangcheck.evaluator.domain.LivenessRules(th);
        Map<String, BenchEntry> table = new ConcurrentHashMap<>();
        BenchEntry[] entries = new BenchEntry[ids.length];
        var heartbeatSerde = new io.hangcheck.events.kafka.HeartbeatTopicRecordSerde();
        String iso0 = Instant.ofEpochMilli(t0).toString();
        for (int h = 0; h < ids.length; h++) {
            String json = "{\"type\":\"heartbeat\",\"hostId\":\"" + ids[h] + "\",\"bootId\":\"boot-" + h
                    + "-3f2a9c1e\",\"seq\":1,\"sentAt\":\"" + iso0
                    + "\",\"labels\":{\"os\":\"linux\",\"pool\":\"lab-" + (h % 8) + "\",\"rack\":\"r" + (h / 40)
                    + "\"},\"uptimeSeconds\":3600,\"receivedAt\":\"" + iso0 + "\",\"transport\":\"udp\",\"via\":\"ingest-0\",\"net\":\"10."
                    + (h / 65_024) + "." + (h / 254 % 256) + ".0/24\"}";
            io.hangcheck.events.Heartbeat hb = (io.hangcheck.events.Heartbeat) heartbeatSerde.deserialize(topics.heartbeats(), bytes(json));
            HostRecord r = tableRules.onHeartbeat(null, hb, t0).next();
            HostRecordSerde.keepStoredLabels(r);
            entries[h] = new BenchEntry(ids[h], r);
            table.put(ids[h], entries[h]);
        }
        System.gc();
        Thread.sleep(300);
        long heapTable = usedHeap();
        DeadlineIndex<BenchEntry> idx = new DeadlineIndex<>();
        for (int h = 0; h < ids.length; h++) {
            idx.schedule(entries[h], t0 + 120_000 + (h % 60) * 1000L);
        }
        entries = null;
        System.gc();
        Thread.sleep(300);
        long heapIndex = usedHeap();
        System.out.println(table.size() > 0 && idx.size() > 0 ? "" : "?");

        System.out.println();
        System.out.println("| figure | value |");
        System.out.println("|---|---|");
        System.out.printf("| Kafka Streams settings (application.properties + bench overrides) | %s |%n", new java.util.TreeMap<>(sp).entrySet().stream()
                .filter(e -> !e.getKey().toString().matches("application.id|bootstrap.servers|state.dir|consumer.auto.offset.reset"))
                .map(Object::toString).collect(java.util.stream.Collectors.joining(", ")));
        System.out.printf("| records in the topic (heartbeats + ticks), catch-up | %,d |%n", records);
        System.out.printf("| Kafka ConsumerPerformance, same topic, median of three reads (%s records/s) | %,.0f records/s (%.1f s; process CPU %.1f s = %.1f µs/record) |%n",
                cpAll, cpRate, cpSec, cpCpuSec, cpCpuSec * 1e6 / records);
        System.out.printf("| reference Kafka Streams app, receive only (%s, 1 thread) | %,.0f records/s (process CPU %.1f µs/record) = %.2f × ConsumerPerformance |%n",
                guarantee, refPass[0], refPass[1], refPass[0] / cpRate);
        System.out.printf("| reference Kafka Streams app, per-key RocksDB get + put with changelog (%s, 1 thread) | %,.0f records/s (process CPU %.1f µs/record) = %.2f × ConsumerPerformance |%n",
                guarantee, refStore[0], refStore[1], refStore[0] / cpRate);
        System.out.printf("| evaluator topology (%s, %s store%s, 1 thread%s) | %,.0f records/s (%,.0f records in %.1f s, after %.1f s start-up; process CPU %.1f s = %.1f µs/record) |%n",
                guarantee, settings.persistentStores() ? "RocksDB" : "in-memory", settings.hostsCache() ? " + cache" : "",
                System.getProperty("bench.commit.interval.ms") == null ? "" : ", commit " + System.getProperty("bench.commit.interval.ms") + " ms",
                streamsRate, processed, streamsSec, startupSec, streamsCpuSec, streamsCpuSec * 1e6 / processed);
        if (warm != null) {
            System.out.printf("| evaluator, first pass (its code not yet compiled: a fresh instance's first seconds; a warm-up, as another application) | %,.0f records/s |%n", warm[0]);
        }
        System.out.printf("| evaluator / ConsumerPerformance | **%.2f ×** wall (target >= 0.4 ×); %.2f × per CPU-second |%n",
                streamsRate / cpRate, (cpCpuSec / records) / (streamsCpuSec / processed));
        if (knownAt > 0) {
            System.out.printf("| evaluator, every host known (the replay after its first minute: %,.0f records in %.1f s; process CPU %.1f µs/record) | %,.0f records/s = **%.2f ×** ConsumerPerformance wall; %.2f × per CPU-second |%n",
                    knownRecords, knownSec, knownCpuSec * 1e6 / knownRecords, knownRecords / knownSec,
                    knownRecords / knownSec / cpRate, (cpCpuSec / records) / (knownCpuSec / knownRecords));
            System.out.printf("| evaluator's stream thread, every host known | on CPU %.0f %% of the wall time (%.1f µs CPU/record); the rest it waits (fetch, commit) |%n",
                    100 * (streamCpuAtEnd - streamCpuAtKnown) / 1e9 / knownSec, (streamCpuAtEnd - streamCpuAtKnown) / 1e3 / knownRecords);
            // where the process's CPU went meanwhile, by kind of thread (numbers and ids taken out of the names)
            Map<String, Long> byKind = new java.util.TreeMap<>();
            long javaThreads = 0;
            for (var e : threadsAtEnd.entrySet()) {
                long dt = e.getValue() - threadsAtKnown.getOrDefault(e.getKey(), 0L);
                javaThreads += dt;
                String kind = e.getKey().substring(e.getKey().indexOf('|') + 1).replace(run, "")
                        .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "").replaceAll("\\d+", "N");
                byKind.merge(kind, dt, Long::sum);
            }
            byKind.put("(the JVM's own threads: GC, JIT)", Math.round(knownCpuSec * 1e9) - javaThreads);
            String top = byKind.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(8)
                    .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / 1e9 / knownSec))
                    .collect(java.util.stream.Collectors.joining("; "));
            System.out.printf("| cores used meanwhile, by thread kind (process CPU %.2f cores) | %s |%n",
                    knownCpuSec / knownSec, top);
            System.out.printf("| meanwhile: GC pauses, JIT compilation, allocated by the stream thread | %,d ms of GC pauses (%s); %,d ms compiling; %,.0f bytes/record |%n",
                    vmAtEnd[0] - vmAtKnown[0], ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName())
                            .collect(java.util.stream.Collectors.joining(" + ")),
                    vmAtEnd[1] - vmAtKnown[1], (vmAtEnd[2] - vmAtKnown[2]) / knownRecords);
        }
        System.out.printf("| evaluator / reference with store | %.2f × wall; %.2f × per CPU-second |%n",
                streamsRate / refStore[0], refStore[1] / (streamsCpuSec * 1e6 / processed));
        System.out.printf("| records processed (catch-up + %d s live) | %,.0f of %,d |%n", liveSeconds, processedAll, records + liveRecords);
        System.out.printf("| HUNG verdicts | %d of %d stopped hosts, %d wrong |%n", hung - wrong, stopped, wrong);
        if (d.length > 0) {
            System.out.printf("| detection delay p50 / p99 / max (partition time), %d verdicts | %d / %d / %d ms |%n",
                    d.length, d[d.length / 2], d[(int) Math.min(d.length - 1, Math.ceil(d.length * 0.99) - 1)], d[d.length - 1]);
        }
        if (wd.length > 0) {
            System.out.printf("| detection delay p50 / p99 / max (wall: HUNG readable, read_committed − tick at last + hang-after sent), %d live verdicts | %d / %d / %d ms |%n",
                    wd.length, wd[wd.length / 2], wd[(int) Math.min(wd.length - 1, Math.ceil(wd.length * 0.99) - 1)], wd[wd.length - 1]);
        }
        System.out.printf("| state bytes per host (serialised, %,d hosts) | mean %.0f, max %d (limit 256) |%n", n, (double) bytes / n, max);
        System.out.printf("| heap of the host table at 1,000,000 hosts (each host's id, current record and deadline slot) | %,.0f MB (%.0f B/host: ids %.0f, the rest %.0f) |%n",
                (heapTable - heap0) / 1e6, (heapTable - heap0) / 1e6, (heapIds - heap0) / 1e6, (heapTable - heapIds) / 1e6);
        System.out.printf("| heap of the deadline index's wheel beside it (1-second buckets of the slots) | %,.0f MB (%.0f B/host); table + index %.0f B/host |%n",
                (heapIndex - heapTable) / 1e6, (heapIndex - heapTable) / 1e6, (heapIndex - heap0) / 1e6);
        System.out.printf("| heap of an in-memory hosts store at 1,000,000 hosts (TreeMap<Bytes, byte[%d]>) | %,.0f MB (%.0f B/host) |%n",
                valueBytes, (heapMem - heapIds) / 1e6, (heapMem - heapIds) / 1e6);
        System.out.printf("| RocksDB payload at 1,000,000 hosts (values + keys, off-heap) | ~%,.0f MB |%n", 1_000_000 * ((double) bytes / n + 12) / 1e6);
        System.out.printf("| machine | %d cores, max heap %d MB, %s; load average %s |%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        System.exit(0);
    }

    /** The fields of the processor's host table entry (messaging.HostTable.Entry), for the heap figure. */
    static final class BenchEntry extends DeadlineIndex.Slot {
        volatile HostRecord record;

        BenchEntry(String host, HostRecord record) {
            super(host);
            this.record = record;
        }
    }

    /**
     * Runs a reference Kafka Streams application (same settings as the evaluator's, its own application id and
     * state directory) over {@code topic} from the beginning until it has received {@code records} records;
     * returns {records/s from the first record received, process CPU µs per record}. With {@code store}, each
     * keyed record is a get and a put of a 123-byte value (the evaluator's mean host record) in a RocksDB store
     * with a changelog and no record cache — the evaluator's hosts store.
     */
    private static double[] reference(Properties base, String topic, long records, String name, boolean store)
            throws Exception {
        Properties p = new Properties();
        p.putAll(base);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, base.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-ref-" + name);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("hangcheck-bench-ref-").toString());
        java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
        byte[] value = new byte[123];
        org.apache.kafka.streams.Topology t = new org.apache.kafka.streams.Topology();
        t.addSource("in", org.apache.kafka.common.serialization.Serdes.String().deserializer(),
                org.apache.kafka.common.serialization.Serdes.ByteArray().deserializer(), topic);
        t.addProcessor("p", () -> new org.apache.kafka.streams.processor.api.Processor<String, byte[], Void, Void>() {
            private org.apache.kafka.streams.state.KeyValueStore<String, byte[]> kv;

            @Override
            public void init(org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> c) {
                kv = store ? c.getStateStore("ref-hosts") : null;
            }

            @Override
            public void process(org.apache.kafka.streams.processor.api.Record<String, byte[]> r) {
                if (kv != null && r.key() != null) {
                    byte[] old = kv.get(r.key());
                    value[0] = (byte) (old == null ? 0 : old[0] + 1);
                    kv.put(r.key(), value);
                }
                seen.incrementAndGet();
            }
        }, "in");
        if (store) {
            t.addStateStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                    org.apache.kafka.streams.state.Stores.persistentKeyValueStore("ref-hosts"),
                    org.apache.kafka.common.serialization.Serdes.String(),
                    org.apache.kafka.common.serialization.Serdes.ByteArray()).withCachingDisabled(), "p");
        }
        KafkaStreams streams = new KafkaStreams(t, p);
        long s0 = System.nanoTime();
        streams.start();
        long first = 0;
        long cpuFirst = 0;
        while (seen.get() < records && System.nanoTime() - s0 < 600e9) {
            if (first == 0 && seen.get() > 0) {
                first = System.nanoTime();
                cpuFirst = processCpuNanos();
            }
            Thread.sleep(2);
        }
        long end = System.nanoTime();
        double cpu = (processCpuNanos() - cpuFirst) / 1e3;
        long n = seen.get();
        streams.close(java.time.Duration.ofSeconds(30));
        streams.cleanUp();
        System.out.printf("reference %s: %,d records in %.1f s%n", name, n, (end - first) / 1e9);
        return new double[]{n / ((end - first) / 1e9), cpu / n};
    }

    /** Produces partition second {@code s}: one tick, then the heartbeats of the hosts whose phase it is. */
    private static int second(KafkaProducer<byte[], byte[]> producer, String topic, long t0, int s, List<List<Integer>> byPhase,
                              long[] stopAt, long[] lastSeen) {
        long at = t0 + s * 1000L;
        Tick tick = new Tick("ingest-0", Instant.ofEpochMilli(at), 0, s, IngestHealth.ok(10, 500));
        producer.send(new ProducerRecord<>(topic, 0, at, bytes(tick.key()), EventCodec.toBytes(tick)));
        int n = 1;
        String iso = Instant.ofEpochMilli(at).toString();
        for (int h : byPhase.get(s % 60)) {
            if (s >= stopAt[h]) {
                continue;
            }
            String id = String.format("host-%07d", h);
            String json = "{\"type\":\"heartbeat\",\"hostId\":\"" + id + "\",\"bootId\":\"boot-" + h
                    + "-3f2a9c1e\",\"seq\":" + s + ",\"sentAt\":\"" + iso
                    + "\",\"labels\":{\"os\":\"linux\",\"pool\":\"lab-" + (h % 8) + "\",\"rack\":\"r" + (h / 40)
                    + "\"},\"uptimeSeconds\":" + (3600 + s)
                    + ",\"receivedAt\":\"" + iso + "\",\"transport\":\"udp\",\"via\":\"ingest-0\",\"net\":\"10."
                    + (h / 65_024) + "." + (h / 254 % 256) + ".0/24\"}";
            producer.send(new ProducerRecord<>(topic, 0, at, bytes(id), bytes(json)));
            lastSeen[h] = at;
            n++;
        }
        return n;
    }

    /** {GC pause ms so far, JIT compilation ms so far, bytes allocated by the stream threads of appId}. */
    private static long[] vmFigures(String appId) {
        long gc = 0;
        for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, b.getCollectionTime());
        }
        long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long alloc = 0;
        for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(appId) && info.getThreadName().contains("StreamThread")) {
                alloc += Math.max(0, mx.getThreadAllocatedBytes(info.getThreadId()));
            }
        }
        return new long[]{gc, jit, alloc};
    }

    /** CPU time of every live thread, by "id|name". */
    private static Map<String, Long> threadCpu() {
        var mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> m = new java.util.HashMap<>();
        for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null) {
                m.put(info.getThreadId() + "|" + info.getThreadName(), Math.max(0, mx.getThreadCpuTime(info.getThreadId())));
            }
        }
        return m;
    }

    /** CPU time of the stream threads of the application {@code appId} (Kafka Streams names them after it). */
    private static long streamThreadCpuNanos(String appId) {
        var mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(appId) && info.getThreadName().contains("StreamThread")) {
                sum += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
