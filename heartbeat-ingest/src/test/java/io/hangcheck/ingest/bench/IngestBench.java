package io.hangcheck.ingest.bench;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.EventType;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.Topics;
import io.hangcheck.events.Transport;
import io.hangcheck.events.wire.UdpLine;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ingest benchmark (prints figures; not a test). On one machine, in one go:
 * <ol>
 *   <li>reference: Kafka's own {@code ProducerPerformance}, records as many bytes as a stamped heartbeat record (value, key and headers), with the
 *       producer settings ingest uses ({@code acks=all}, idempotent, linger 2 ms, 64 KiB batches), run
 *       once before and once after the ingest paths and averaged, so a machine that got busier or quieter meanwhile
 *       does not tilt every ratio one way;</li>
 *   <li>UDP: hc1 datagrams from one sender thread as fast as ingest takes them; counted is what Kafka acknowledged;</li>
 *   <li>HTTP batch: arrays of {@value #BATCH} heartbeats; HTTP single: one heartbeat per request;</li>
 *   <li>no-op: the same single-heartbeat requests on a route that does nothing (bench profile only).</li>
 * </ol>
 * HTTP load comes from a Vert.x client with a fixed number of keep-alive connections, each with one request
 * in flight (closed loop). Rates are measured over the window after a warm-up, from 202s for HTTP and from
 * ingest's own {@code hangcheck_ingest_accepted_total} for UDP.
 *
 * <p>Arguments: {@code <classpath-for-child-JVMs> <quarkus-run.jar> <results.md> [seconds-per-run]}.
 */
public final class IngestBench {

    static final int BATCH = 100;
    static final int HOSTS = 2000;
    /** A 202 waits for Kafka's ack, so a closed loop's rate is connections / ack latency: many connections, as a fleet has. */
    static final int SINGLE_CONNECTIONS = Integer.getInteger("bench.single-connections", 256);
    static final String REF_TOPIC = "bench.reference";
    static long brokerPid = -1;
    static volatile boolean warming;
    /** Machine CPU per record of the last measured run, µs. */
    static double lastCpuMicros = Double.NaN;
    /** Machine CPU per record: reference before, UDP, batch, single, no-op, reference after. */
    static final double[] CPU = new double[6];
    static String LOAD_AT_START = "?";
    static long ingestPid = -1;

    /** CPU of the broker, ingest (when running) and the load generator (this JVM, or ProducerPerformance). */
    static CpuMeter cpu(long generatorPid) {
        CpuMeter m = new CpuMeter().with("broker", brokerPid);
        if (ingestPid > 0) {
            m.with("ingest", ingestPid);
        }
        return m.with("generator", generatorPid);
    }

    public static void main(String[] args) throws Exception {
        String classPath = args[0];
        Path app = Path.of(args[1]);
        Path results = Path.of(args[2]);
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        int warmup = 2;

        LOAD_AT_START = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        try (BenchBroker broker = new BenchBroker().start(classPath)) {
            say("broker up at " + broker.bootstrap());
            createTopics(broker.bootstrap());
            // ProducerPerformance's records have a value only; ours carry a key and six CloudEvents headers too. The
            // reference's value is as long as all of ours together, so both put the same bytes per record on the wire.
            Heartbeat stamped = heartbeat(0, 1).stamped(Instant.now(), Transport.HTTP, "ingest-bench-1");
            int valueSize = EventCodec.toBytes(stamped).length;
            RecordHeaders headers = new RecordHeaders();
            CloudEvents.apply(headers, stamped.hostId() + "/" + stamped.bootId() + "/" + stamped.seq(), EventType.HEARTBEAT,
                    "/hangcheck/ingest/ingest-bench-1", stamped.receivedAt());
            int headerSize = 0;
            for (Header h : headers) {
                headerSize += h.key().getBytes(StandardCharsets.UTF_8).length + h.value().length;
            }
            int keySize = stamped.hostId().getBytes(StandardCharsets.UTF_8).length;
            int recordSize = valueSize + keySize + headerSize;
            say("record size " + recordSize + " bytes (a stamped heartbeat as it lands on " + Topics.HEARTBEATS + ": value "
                    + valueSize + ", key " + keySize + ", headers " + headerSize + ")");

            brokerPid = broker.pid();
            double referenceBefore = producerPerformance(classPath, broker.bootstrap(), recordSize, seconds);
            CPU[0] = lastCpuMicros;
            say(String.format(Locale.ROOT, "reference ProducerPerformance (before): %.0f records/s", referenceBefore));

            int port = BenchBroker.freePort();
            Process ingest = startIngest(app, port, broker.bootstrap());
            ingestPid = ingest.pid();
            Vertx vertx = Vertx.vertx();
            try {
                awaitReady(port);
                say("ingest up on port " + port);
                // ProducerPerformance's first 5 s window is not counted; ingest gets the same: every path runs once
                // unmeasured first, so the JIT compiles the paths before they are measured and not during.
                say("warming up every path (not measured)");
                warming = true;
                udp(port, 5, 0);
                http(vertx, port, "/v1/heartbeats", batchBody(), 32, 5, 0);
                http(vertx, port, "/v1/heartbeats", null, SINGLE_CONNECTIONS, 5, 0);
                http(vertx, port, "/v1/noop", null, SINGLE_CONNECTIONS, 3, 0);
                warming = false;
                double udp = udp(port, seconds, warmup);
                CPU[1] = lastCpuMicros;
                say(String.format(Locale.ROOT, "UDP: %.0f heartbeats/s acknowledged", udp));
                double batch = http(vertx, port, "/v1/heartbeats", batchBody(), 32, seconds, warmup) * BATCH;
                CPU[2] = lastCpuMicros;
                say(String.format(Locale.ROOT, "HTTP batch (%d per request): %.0f heartbeats/s", BATCH, batch));
                double single = http(vertx, port, "/v1/heartbeats", null, SINGLE_CONNECTIONS, seconds, warmup);
                CPU[3] = lastCpuMicros;
                say(String.format(Locale.ROOT, "HTTP single: %.0f heartbeats/s", single));
                double noop = http(vertx, port, "/v1/noop", null, SINGLE_CONNECTIONS, seconds, warmup);
                CPU[4] = lastCpuMicros;
                say(String.format(Locale.ROOT, "HTTP no-op route: %.0f requests/s", noop));
                double referenceAfter = producerPerformance(classPath, broker.bootstrap(), recordSize, seconds);
                CPU[5] = lastCpuMicros;
                say(String.format(Locale.ROOT, "reference ProducerPerformance (after): %.0f records/s", referenceAfter));
                String table = table(recordSize, valueSize, seconds, referenceBefore, referenceAfter, udp, batch, single, noop);
                System.out.println();
                System.out.println(table);
                // Runs accumulate (newest last) under a fixed header, so a noisy run does not erase a quiet one.
                if (!Files.exists(results)) {
                    Files.writeString(results, "# heartbeat-ingest benchmarks\n\nAppended by `heartbeat-ingest/bench/run.sh` "
                            + "(`./lab bench ingest`), one section per run. Targets: UDP >= 0.50 of Kafka's own producer; HTTP batch "
                            + ">= 0.50 of it; HTTP single >= 0.60 of the no-op route under the same load generator.\n\n");
                }
                Files.writeString(results, table + "\n", java.nio.file.StandardOpenOption.APPEND);
                say("written to " + results);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                ingest.destroy();
                if (!ingest.waitFor(20, TimeUnit.SECONDS)) {
                    ingest.destroyForcibly();
                }
            }
        }
    }

    // ---------------------------------------------------------------- reference

    static double producerPerformance(String classPath, String bootstrap, int recordSize, int seconds) throws Exception {
        lastCpuMicros = Double.NaN;
        // ProducerPerformance has no duration switch: it is given more records than it can send, its 5-second
        // window reports are read, and it is stopped after the first (warm-up) window plus the measured time.
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", classPath, "org.apache.kafka.tools.ProducerPerformance",
                "--topic", REF_TOPIC, "--num-records", "50000000", "--record-size", String.valueOf(recordSize),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all",
                "enable.idempotence=true", "linger.ms=2", "batch.size=65536", "max.in.flight.requests.per.connection=5");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Pattern window = Pattern.compile("^(\\d+) records sent, ([\\d.]+) records/sec");
        List<Double> rates = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        CpuMeter meter = new CpuMeter().with("broker", brokerPid).with("ProducerPerformance", p.pid());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5L + Math.max(10, seconds) + 1); // 5 s windows
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; System.nanoTime() < deadline && (line = r.readLine()) != null; ) {
                Matcher m = window.matcher(line);
                if (m.find()) {
                    rates.add(Double.parseDouble(m.group(2)));
                    counts.add(Long.parseLong(m.group(1)));
                    if (rates.size() == 1) {
                        meter.start();
                    }
                    say("ProducerPerformance window: " + line);
                }
            }
            if (counts.size() > 1) {
                say("  CPU: " + meter.perRecord(counts.subList(1, counts.size()).stream().mapToLong(Long::longValue).sum()));
                lastCpuMicros = meter.lastTotalMicros;
            }
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (rates.size() < 2) {
            throw new IllegalStateException("ProducerPerformance reported fewer than two windows");
        }
        // The first window is warm-up; the rest are averaged.
        return rates.subList(1, rates.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    // ---------------------------------------------------------------- ingest process

    static Process startIngest(Path app, int port, String bootstrap) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms512m", "-Xmx1g"));
        // Extra JVM options for the ingest process only (a profiler, for example): INGEST_JAVA_OPTS.
        String extra = System.getenv("INGEST_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-Dquarkus.profile=bench", "-Dquarkus.http.port=" + port,
                "-Dkafka.bootstrap.servers=" + bootstrap, "-Dhangcheck.ingest.instance-id=ingest-bench-1",
                "-Dhangcheck.ingest.connection-budget=2000", "-Dhangcheck.ingest.raw.enabled=false",
                "-jar", app.toString()));
        Path log = Files.createTempFile("hangcheck-bench-ingest-", ".log");
        say("ingest log: " + log);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void awaitReady(int port) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                var r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("ingest did not become ready");
    }

    /** {sum, count} of ingest's heartbeat publish latency histogram (seconds). */
    static double[] publishLatency(int port) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String text = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double[] out = new double[2];
        String[] names = {"hangcheck_ingest_publish_latency_seconds_sum", "hangcheck_ingest_publish_latency_seconds_count"};
        for (int i = 0; i < 2; i++) {
            Matcher m = Pattern.compile("^" + names[i] + "\\{kind=\"heartbeat\",} ([0-9.eE+]+)$", Pattern.MULTILINE).matcher(text);
            out[i] = m.find() ? Double.parseDouble(m.group(1)) : 0.0;
        }
        return out;
    }

    static double acceptedTotal(int port, String transport) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        String text = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("^hangcheck_ingest_accepted_total\\{transport=\"" + transport + "\",} ([0-9.eE+]+)$",
                Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    // ---------------------------------------------------------------- UDP

    /**
     * One sender thread, as fast as ingest takes the datagrams off its socket: it sends bursts of
     * {@value #UDP_BURST} and pauses while the socket's receive queue holds more than {@value #UDP_QUEUE_LIMIT} bytes
     * ({@code /proc/net/udp}). A sender that never paused spent most of its CPU — on the same two cores as ingest — on
     * datagrams the kernel then dropped (161,000 sent/s for 62,000 taken/s); this one keeps ingest's queue full without
     * overflowing it, like the HTTP paths' closed loop. Where {@code /proc/net/udp} cannot be read, it never pauses.
     */
    static double udp(int port, int seconds, int warmup) throws Exception {
        List<ByteBuffer> datagrams = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            datagrams.add(ByteBuffer.wrap(UdpLine.format(heartbeat(i % HOSTS, i), null)));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        AtomicLong pauses = new AtomicLong();
        Thread sender = new Thread(() -> {
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.connect(new InetSocketAddress("127.0.0.1", port));
                int i = 0;
                while (!stop.get()) {
                    for (int k = 0; k < UDP_BURST; k++) {
                        ByteBuffer b = datagrams.get(i++ % datagrams.size());
                        b.rewind();
                        ch.write(b);
                    }
                    sent.addAndGet(UDP_BURST);
                    while (!stop.get() && udpSocket(port)[0] > UDP_QUEUE_LIMIT) {
                        pauses.incrementAndGet();
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "bench-udp-sender");
        sender.start();
        Thread.sleep(warmup * 1000L);
        double a0 = acceptedTotal(port, "udp");
        long d0 = udpSocket(port)[1];
        CpuMeter meter = cpu(ProcessHandle.current().pid());
        meter.start();
        long s0 = sent.get();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double a1 = acceptedTotal(port, "udp");
        say("  CPU: " + meter.perRecord(a1 - a0));
        lastCpuMicros = meter.lastTotalMicros;
        long s1 = sent.get();
        long d1 = udpSocket(port)[1];
        double elapsed = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        sender.join();
        Thread.sleep(1000);
        say(String.format(Locale.ROOT, "UDP sent %.0f datagrams/s, %.0f acknowledged/s, %.0f/s dropped by the kernel (receive queue full); "
                        + "the sender paused %d times", (s1 - s0) / elapsed, (a1 - a0) / elapsed, (d1 - d0) / elapsed, pauses.get()));
        return (a1 - a0) / elapsed;
    }

    static final int UDP_BURST = 256;
    /** Bytes (kernel accounting, about 1 KiB per small datagram) in ingest's receive queue above which the sender pauses. */
    static final long UDP_QUEUE_LIMIT = 1L << 20;

    /** {receive-queue bytes, drops} of the UDP socket bound to {@code port}, from /proc/net/udp{,6}; {0, 0} when unknown. */
    static long[] udpSocket(int port) {
        String local = String.format(Locale.ROOT, ":%04X ", port);
        for (String file : new String[]{"/proc/net/udp6", "/proc/net/udp"}) {
            try {
                for (String line : Files.readAllLines(Path.of(file))) {
                    if (!line.contains(local)) {
                        continue; // cheap: the sender asks this every few hundred datagrams
                    }
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st tx_queue:rx_queue tr tm->when retrnsmt uid timeout inode ref pointer drops
                    if (f.length >= 13 && (f[1] + " ").endsWith(local) && f[2].endsWith(":0000")) {
                        String[] queues = f[4].split(":");
                        return new long[]{Long.parseLong(queues[1], 16), Long.parseLong(f[f.length - 1])};
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or no such file: no pacing
            }
        }
        return new long[]{0, 0};
    }

    // ---------------------------------------------------------------- HTTP

    /** Closed-loop load: {@code connections} keep-alive connections, one request in flight each; returns 202s per second. */
    static double http(Vertx vertx, int port, String path, String fixedBody, int connections, int seconds, int warmup) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(connections)
                .setKeepAlive(true).setPipelining(false).setDefaultHost("127.0.0.1").setDefaultPort(port));
        AtomicLong ok = new AtomicLong();
        AtomicLong other = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong seq = new AtomicLong();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                .putHeader("Content-Type", "application/json");
        for (int c = 0; c < connections; c++) {
            loop(client, options, fixedBody, seq, ok, other, stop);
        }
        Thread.sleep(warmup * 1000L);
        long ok0 = ok.get();
        double[] l0 = publishLatency(port);
        CpuMeter meter = cpu(ProcessHandle.current().pid());
        meter.start();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long ok1 = ok.get();
        double[] l1 = publishLatency(port);
        say("  CPU: " + meter.perRecord((ok1 - ok0) * (fixedBody != null && fixedBody.startsWith("[") ? BATCH : 1)));
        lastCpuMicros = meter.lastTotalMicros;
        double elapsed = (System.nanoTime() - t0) / 1e9;
        if (l1[1] > l0[1]) {
            say(String.format(Locale.ROOT, "  a request took %.1f ms on average (connections / rate); Kafka acknowledged a heartbeat in %.1f ms on average",
                    connections / ((ok1 - ok0) / elapsed) * 1000, (l1[0] - l0[0]) / (l1[1] - l0[1]) * 1000));
        }
        stop.set(true);
        Thread.sleep(500);
        client.close();
        if (other.get() > 0) {
            say("  (" + other.get() + " responses were not 202)");
        }
        return (ok1 - ok0) / elapsed;
    }

    private static void loop(HttpClient client, RequestOptions options, String fixedBody, AtomicLong seq, AtomicLong ok,
                             AtomicLong other, AtomicBoolean stop) {
        if (stop.get()) {
            return;
        }
        long n = seq.incrementAndGet();
        Buffer body = Buffer.buffer(fixedBody != null ? fixedBody : json(heartbeat((int) (n % HOSTS), n)));
        client.request(options).compose(req -> req.send(body).compose(resp -> {
            (resp.statusCode() == 202 ? ok : other).incrementAndGet();
            return resp.body();
        })).onComplete(ar -> {
            if (ar.failed()) {
                other.incrementAndGet();
            }
            loop(client, options, fixedBody, seq, ok, other, stop);
        });
    }

    // ---------------------------------------------------------------- data

    static Heartbeat heartbeat(int host, long seq) {
        return Heartbeat.fromHost(String.format(Locale.ROOT, "lab-%05d", host), "boot-7f3a91c2", seq, Instant.now(),
                Map.of("pool", "gpu-a100", "os", "linux-6.1", "rack", "r12"), 86_400L);
    }

    static String json(Heartbeat hb) {
        return "{\"hostId\":\"" + hb.hostId() + "\",\"bootId\":\"" + hb.bootId() + "\",\"seq\":" + hb.seq()
                + ",\"sentAt\":\"" + hb.sentAt() + "\",\"labels\":{\"os\":\"linux-6.1\",\"pool\":\"gpu-a100\",\"rack\":\"r12\"},\"uptimeSeconds\":86400}";
    }

    static String batchBody() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < BATCH; i++) {
            sb.append(i == 0 ? "" : ",").append(json(heartbeat(i, i)));
        }
        return sb.append(']').toString();
    }

    static void createTopics(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(Topics.HEARTBEATS, 4, (short) 1), new NewTopic(Topics.HEARTBEATS_RAW, 4, (short) 1),
                    new NewTopic(Topics.dlq(Topics.HEARTBEATS_RAW), 1, (short) 1), new NewTopic(REF_TOPIC, 4, (short) 1))).all().get();
        }
    }

    // ---------------------------------------------------------------- report

    static String table(int recordSize, int valueSize, int seconds, double referenceBefore, double referenceAfter, double udp, double batch, double single, double noop) throws Exception {
        double reference = (referenceBefore + referenceAfter) / 2;
        String date = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC).withNano(0)) + "Z";
        String cpu = Files.lines(Path.of("/proc/cpuinfo")).filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        long memGiB = Runtime.getRuntime().maxMemory() > 0 ? Math.round(
                ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize() / (1024.0 * 1024 * 1024)) : 0;
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        StringBuilder t = new StringBuilder();
        t.append("## Run of ").append(date).append("\n\n");
        t.append(String.format(Locale.ROOT, "Measured %s on %d cores (%s), %d GiB, Java %s; broker, ingest and load generator on the same machine. "
                        + "Load average %s at the start, %s at the end (the machine is shared). "
                        + "Record size %d bytes (a stamped heartbeat: %d of JSON value, the rest key and CloudEvents headers; the "
                        + "reference's value is %d bytes). Every ingest path ran 3-5 s unmeasured first (JIT), then %d s measured after 2 s warm-up. "
                        + "Reference: the mean of ProducerPerformance before (%,.0f/s) and after (%,.0f/s) the ingest paths. "
                        + "Produced by `heartbeat-ingest/bench/run.sh`.\n\n",
                date, Runtime.getRuntime().availableProcessors(), cpu, memGiB, System.getProperty("java.version"), LOAD_AT_START, load, recordSize,
                valueSize, recordSize, seconds, referenceBefore, referenceAfter));
        t.append("CPU µs/record: CPU time of broker, ingest and load generator (or ProducerPerformance) together per record "
                + "(per request for the no-op route) over the measured window; unlike the rates it hardly depends on what "
                + "else the machine runs.\n\n");
        t.append("| path | records/s | ratio | against | target | met | CPU µs/record |\n|---|---:|---:|---|---:|---|---:|\n");
        t.append(row("Kafka ProducerPerformance (acks=all, idempotent) — reference", reference, 1.0, "—", 0, (CPU[0] + CPU[5]) / 2));
        t.append(row("UDP hc1 datagrams (acknowledged by Kafka)", udp, udp / reference, "producer", 0.5, CPU[1]));
        t.append(row("HTTP batch of " + BATCH + " (202 after acks), 32 connections", batch, batch / reference, "producer", 0.5, CPU[2]));
        t.append(row("HTTP single heartbeat (202 after acks), " + SINGLE_CONNECTIONS + " connections", single, single / noop, "no-op route", 0.6, CPU[3]));
        t.append(row("HTTP no-op route, same generator — reference", noop, 1.0, "—", 0, CPU[4]));
        return t.toString();
    }

    private static String row(String name, double rate, double ratio, String against, double target, double cpuMicros) {
        return String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %s | %s | %s | %.1f |\n", name, rate, ratio, against,
                target == 0 ? "—" : String.format(Locale.ROOT, "%.2f", target), target == 0 ? "—" : ratio >= target ? "yes" : "**no**",
                cpuMicros);
    }

    private static void say(String s) {
        if (warming) {
            return;
        }
        System.out.println("[bench] " + s);
    }

    private IngestBench() {
    }
}
