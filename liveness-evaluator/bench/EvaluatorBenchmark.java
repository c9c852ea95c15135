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
import java.util.Properties;
import java.util.Random;
import java.util.UUID;

/**
 * The evaluator's benchmark (prints figures; not a test). See liveness-evaluator/bench/README.md.
 *
 * 1. Replays a timeline of H hosts (one heartbeat a minute, default thresholds, 1 % of hosts stop) with one tick
 *    a second into a 1-partition topic on the in-process broker; 2. reads it with Kafka's ConsumerPerformance;
 *    3. runs the production topology (KafkaStreams, RocksDB, the application's processing guarantee) over the
 *    same topic and times it; 4. detection delay of every HUNG; 5. state bytes per host; 6. heap per host of the
 *    in-memory index at 1,000,000 hosts.
 */
public class EvaluatorBenchmark {
    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 420;
        String guarantee = args.length > 2 ? args[2] : "exactly_once_v2";
        long t0 = Instant.parse("2026-11-27T00:00:00Z").toEpochMilli();
        Thresholds th = Thresholds.defaults().withBootGraceMs(0);

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
        for (int h = 0; h < hosts; h++) {
            phase[h] = rnd.nextInt(60);
            byPhase.get(phase[h]).add(h);
            stopAt[h] = Long.MAX_VALUE;
            if (rnd.nextDouble() < 0.01) {
                stopAt[h] = 60 + rnd.nextInt(Math.max(1, seconds - 60 - 310));
                stopped++;
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
        long p0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
            for (int s = 0; s <= seconds; s++) {
                long at = t0 + s * 1000L;
                Tick tick = new Tick("ingest-0", Instant.ofEpochMilli(at), 0, s, IngestHealth.ok(10, 500));
                producer.send(new ProducerRecord<>(topics.heartbeats(), 0, at, bytes(tick.key()), EventCodec.toBytes(tick)));
                records++;
                String iso = Instant.ofEpochMilli(at).toString();
                for (int h : byPhase.get(s % 60)) {
                    if (s >= stopAt[h]) {
                        continue;
                    }
                    String id = String.format("host-%07d", h);
                    String json = "{\"type\":\"heartbeat\",\"hostId\":\"" + id + "\",\"bootId\":\"boot-" + h
                            + "-3f2a9c1e\",\"seq\":" + s + ",\"sentAt\":\"" + iso
                            + "\",\"labels\":{\"os\":\"linux\",\"pool\":\"lab-" + (h % 8) + "\"},\"uptimeSeconds\":" + (3600 + s)
                            + ",\"receivedAt\":\"" + iso + "\",\"transport\":\"udp\",\"via\":\"ingest-0\"}";
                    producer.send(new ProducerRecord<>(topics.heartbeats(), 0, at, bytes(id), bytes(json)));
                    lastSeen[h] = at;
                    records++;
                    heartbeats++;
                }
            }
            producer.flush();
        }
        double produceSec = (System.nanoTime() - p0) / 1e9;
        System.out.printf("timeline: %,d hosts, %,d s of partition time, %,d records (%,d heartbeats), %d hosts stop; produced in %.1f s%n",
                hosts, seconds, records, heartbeats, stopped, produceSec);

        // 2. Kafka's ConsumerPerformance on the same topic
        long c0 = System.nanoTime();
        ConsumerPerformance.main(new String[]{"--bootstrap-server", kafka.bootstrapServers(), "--topic", topics.heartbeats(),
                "--messages", Long.toString(records), "--group", "bench-cp-" + run, "--timeout", "60000"});
        double cpSec = (System.nanoTime() - c0) / 1e9;
        double cpRate = records / cpSec;

        // 3. the production topology over the same topic
        var stateDir = Files.createTempDirectory("hangcheck-bench-state-");
        Properties sp = new Properties();
        sp.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-evaluator-" + run);
        sp.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        sp.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        sp.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        sp.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
        // production settings unless overridden (-Dbench.commit.interval.ms=..., -Dbench.max.task.idle.ms=...)
        if (System.getProperty("bench.commit.interval.ms") != null) {
            sp.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, System.getProperty("bench.commit.interval.ms"));
        }
        if (System.getProperty("bench.max.task.idle.ms") != null) {
            sp.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, System.getProperty("bench.max.task.idle.ms"));
        }
        sp.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        CollectorRegistry registry = new CollectorRegistry(true);
        FleetAggregator fleet = new FleetAggregator("bench", th, Clock.systemUTC());
        EvaluatorMetrics metrics = new EvaluatorMetrics(registry, fleet);
        LivenessTopology.Settings settings = LivenessTopology.Settings.of("bench");
        KafkaStreams streams = new KafkaStreams(LivenessTopology.build(th, topics, settings, fleet, metrics, Clock.systemUTC()), sp);
        long s0 = System.nanoTime();
        streams.start();
        long firstRecordAt = 0;
        while (true) {
            double done = metrics.heartbeats.get() + metrics.ticks.get();
            if (done > 0 && firstRecordAt == 0) {
                firstRecordAt = System.nanoTime();
            }
            if (done >= records || System.nanoTime() - s0 > 120e9) {
                break;
            }
            Thread.sleep(20);
        }
        long s1 = System.nanoTime();
        double streamsSec = (s1 - firstRecordAt) / 1e9;
        double streamsRate = (metrics.heartbeats.get() + metrics.ticks.get()) / streamsSec;
        double startupSec = (firstRecordAt - s0) / 1e9;

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
        }
        long[] d = delays.stream().mapToLong(Long::longValue).sorted().toArray();

        // 6. heap of the in-memory index at 1,000,000 hosts (the store itself is RocksDB, off-heap)
        System.gc();
        Thread.sleep(300);
        long heap0 = usedHeap();
        DeadlineIndex idx = new DeadlineIndex();
        String[] ids = new String[1_000_000];
        for (int h = 0; h < ids.length; h++) {
            ids[h] = String.format("host-%07d", h);
            idx.schedule(ids[h], t0 + 120_000 + (h % 60) * 1000L);
        }
        System.gc();
        Thread.sleep(300);
        long heap1 = usedHeap();
        System.out.println(idx.size() > 0 ? "" : "?");

        System.out.println();
        System.out.println("| figure | value |");
        System.out.println("|---|---|");
        System.out.printf("| records in the topic (heartbeats + ticks) | %,d |%n", records);
        System.out.printf("| Kafka ConsumerPerformance, same topic | %,.0f records/s (%.1f s) |%n", cpRate, cpSec);
        System.out.printf("| evaluator topology (%s, RocksDB, 1 thread) | %,.0f records/s (%.1f s, after %.1f s start-up) |%n",
                guarantee, streamsRate, streamsSec, startupSec);
        System.out.printf("| evaluator / ConsumerPerformance | %.0f %% (target >= 50 %%) |%n", 100 * streamsRate / cpRate);
        System.out.printf("| HUNG verdicts | %d of %d stopped hosts, %d wrong |%n", hung - wrong, stopped, wrong);
        if (d.length > 0) {
            System.out.printf("| detection delay p50 / p99 / max (partition time) | %d / %d / %d ms |%n",
                    d[d.length / 2], d[(int) Math.min(d.length - 1, Math.ceil(d.length * 0.99) - 1)], d[d.length - 1]);
        }
        System.out.printf("| state bytes per host (serialised, %,d hosts) | mean %.0f, max %d (limit 256) |%n", n, (double) bytes / n, max);
        System.out.printf("| heap of the deadline index at 1,000,000 hosts | %,.0f MB (%.0f B/host, incl. the id strings) |%n",
                (heap1 - heap0) / 1e6, (heap1 - heap0) / 1e6);
        System.out.printf("| RocksDB payload at 1,000,000 hosts (values + keys) | ~%,.0f MB |%n", 1_000_000 * ((double) bytes / n + 12) / 1e6);
        System.out.printf("| machine | %d cores, max heap %d MB, %s |%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.exit(0);
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
