package io.hangcheck.simulator;

import io.hangcheck.agent.Log;
import io.hangcheck.agent.config.Durations;
import io.hangcheck.agent.transport.HeartbeatJson;
import io.hangcheck.agent.transport.HttpResponse;
import io.hangcheck.agent.transport.OneConnectionHttpClient;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.wire.HostCredentials;
import io.hangcheck.events.wire.UdpLine;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The fleet simulator's engine. One thread owns the {@link Fleet} and a {@link TimingWheel}: each tick it runs the
 * control commands queued for it, fires the hosts that are due, and sends their heartbeats — over one connected
 * UDP socket, or as HTTP batches handed to a few sender threads that own one connection each. No thread or object
 * per host, so a million hosts cost arrays, not threads.
 */
public final class FleetSimulator implements Closeable {

    /** Heartbeat counters since start (racy reads are fine: they are for display and tests). */
    public static final class Counters {
        public final AtomicLong udpSent = new AtomicLong();
        public final AtomicLong udpErrors = new AtomicLong();
        public final AtomicLong httpPosts = new AtomicLong();
        public final AtomicLong httpAccepted = new AtomicLong();
        public final AtomicLong httpFailed = new AtomicLong();
        public final AtomicLong httpDropped = new AtomicLong();
        public final AtomicLong resets = new AtomicLong();
        /** Heartbeats of cut-off hosts, sent into a dead network (never reached ingest). */
        public final AtomicLong lostToCut = new AtomicLong();
        volatile String lastHttpProblem;

        long sent() {
            return udpSent.get() + httpAccepted.get();
        }
    }

    private final SimConfig config;
    private final Clock clock;
    private volatile PowerFollower follower;
    private final RandomGenerator random;
    private final long tickNanos;
    private final long intervalNanos;
    private final Fleet fleet;
    private final byte[][] udpKeys;
    private final TimingWheel wheel;
    private final Counters counters = new Counters();
    private final AtomicLongArray sentByPool;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<List<Heartbeat>> httpQueue;
    /** Heartbeats of HTTP_PER_HEARTBEAT pools: one POST each, on a connection of its own. */
    private final BlockingQueue<List<Heartbeat>> perHeartbeatQueue;
    private final List<Thread> httpThreads = new ArrayList<>();
    private final List<OneConnectionHttpClient> httpClients = new ArrayList<>();
    private final Leaker leaker;
    private DatagramChannel udp;
    private Thread loop;
    private ControlServer control;
    private Thread statusThread;
    private Scenario scenario;
    private volatile boolean running;
    private boolean closed;
    private long startNanos;
    private long tick = -1;
    private long nowNanos;
    private long nowMillis;
    private List<Heartbeat> batch = new ArrayList<>();

    public FleetSimulator(SimConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.random = RandomGeneratorFactory.of("L64X128MixRandom").create(config.seed());
        this.tickNanos = config.tick().toNanos();
        this.intervalNanos = config.interval().toNanos();
        String salt = Long.toString(random.nextLong() & 0xffffffffL, 36);
        this.fleet = new Fleet(config, salt, clock.millis(), random);
        this.udpKeys = new byte[fleet.size()][];
        double span = intervalNanos * (1 + config.jitter()) / tickNanos + 2;
        this.wheel = new TimingWheel((int) Math.min(65_536, Math.max(64, Math.ceil(span))), fleet.size());
        this.sentByPool = new AtomicLongArray(config.pools().size());
        this.httpQueue = new ArrayBlockingQueue<>(config.httpConnections() * 4);
        this.perHeartbeatQueue = new ArrayBlockingQueue<>(config.httpConnections() * 64);
        this.leaker = new Leaker(config.leakCap());
    }

    /** Opens the sockets, starts the threads and the control API; returns at once. */
    public synchronized void start() throws IOException {
        if (running) {
            throw new IllegalStateException("already started");
        }
        boolean needsUdp = false;
        boolean needsHttp = false;
        boolean needsPerHeartbeat = false;
        for (int p = 0; p < config.pools().size(); p++) {
            PoolSpec.Transport t = fleet.transport(fleet.poolStart(p));
            needsUdp |= t == PoolSpec.Transport.UDP;
            needsHttp |= t == PoolSpec.Transport.HTTP;
            needsPerHeartbeat |= t == PoolSpec.Transport.HTTP_PER_HEARTBEAT;
        }
        if (needsUdp) {
            udp = DatagramChannel.open();
            udp.connect(new InetSocketAddress(config.udpTarget().host(), config.udpTarget().port()));
        }
        running = true;
        if (needsHttp) {
            startSenders(httpQueue, !config.httpReuse(), "hangcheck-sim-http-");
        }
        if (needsPerHeartbeat) {
            startSenders(perHeartbeatQueue, true, "hangcheck-sim-http-per-heartbeat-");
        }
        control = new ControlServer(this, config);
        control.start();
        // Spread the first heartbeats evenly over one interval (ticks count from the loop's start).
        for (int h = 0; h < fleet.size(); h++) {
            wheel.schedule(h, (long) (random.nextDouble() * intervalNanos / tickNanos));
        }
        startNanos = System.nanoTime();
        nowNanos = startNanos;
        nowMillis = clock.millis();
        loop = new Thread(this::runLoop, "hangcheck-sim");
        loop.start();
        Log.info("simulating " + fleet.size() + " hosts " + poolSummary() + " every " + Durations.format(config.interval())
                + " ±" + Math.round(config.jitter() * 100) + "% to " + targetSummary()
                + "; control API and Redfish BMC on http://" + config.controlBind() + ":" + control.port()
                + (control.tlsPort() < 0 ? "" : "; Redfish BMC on https://" + config.controlBind() + ":" + control.tlsPort()
                + " (certificate without SAN: " + control.tlsCertificate() + ")"));
        if (!config.statusEvery().isZero()) {
            statusThread = new Thread(this::statusLoop, "hangcheck-sim-status");
            statusThread.setDaemon(true);
            statusThread.start();
        }
        follower = new PowerFollower(this, config.followBmc());
        follower.start();
        if (config.scenario() != null) {
            scenario = Scenario.load(config.scenario());
            scenario.start(control);
        }
    }

    /** The hosts whose power follows a Redfish system elsewhere ({@code --follow-bmc}). */
    PowerFollower follower() {
        return follower;
    }

    public int controlPort() {
        return control.port();
    }

    /** The BMCs' HTTPS port ({@code --bmc-tls-port}), or -1. */
    public int bmcTlsPort() {
        return control.tlsPort();
    }

    /** The BMCs' self-signed certificate (PEM), or null. */
    public java.nio.file.Path bmcCertificate() {
        return control.tlsCertificate();
    }

    public Counters counters() {
        return counters;
    }

    Leaker leaker() {
        return leaker;
    }

    SimConfig config() {
        return config;
    }

    long startNanos() {
        return startNanos;
    }

    long sentInPool(int pool) {
        return sentByPool.get(pool);
    }

    /** Runs {@code action} on the simulator thread (which owns the fleet) and waits for its result. */
    <T> T call(Function<Fleet, T> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        commands.add(() -> {
            try {
                f.complete(action.apply(fleet));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        LockSupport.unpark(loop);
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("simulator thread did not answer within 10 s");
        }
    }

    /** Nanos on the simulator's clock now (call on the simulator thread). */
    long now() {
        return nowNanos;
    }

    long nowMillis() {
        return nowMillis;
    }

    /** Reboots {@code host} and schedules its first heartbeat right after the boot time (simulator thread). */
    void reboot(int host) {
        long bootNanos = config.bootTime().toNanos();
        fleet.reboot(host, nowNanos, nowMillis, bootNanos);
        long firstBeat = nowNanos + bootNanos + (long) (random.nextDouble() * Math.min(intervalNanos, 1_000_000_000L) / 4);
        wheel.schedule(host, tickOf(firstBeat));
    }

    /** Restarts the heartbeat schedule of a host that was silent (unhang, power on): next beat soon. */
    void wake(int host) {
        wheel.schedule(host, tick + 1 + (long) (random.nextDouble() * Math.max(1, intervalNanos / tickNanos / 10)));
    }

    private long tickOf(long nanos) {
        return Math.max(tick + 1, (nanos - startNanos + tickNanos - 1) / tickNanos);
    }

    private void runLoop() {
        long end = config.duration().isZero() ? Long.MAX_VALUE : startNanos + config.duration().toNanos();
        while (running) {
            nowNanos = System.nanoTime();
            nowMillis = clock.millis();
            Runnable cmd;
            while ((cmd = commands.poll()) != null) {
                cmd.run();
            }
            long target = (nowNanos - startNanos) / tickNanos;
            // After a stall (GC, a suspended VM) catch up, but never fire more than a minute of ticks at once.
            long limit = Math.min(target, tick + Math.max(1, 60_000_000_000L / tickNanos));
            while (tick < limit) {
                wheel.advance(tick + 1, this::fire);
                tick++;
            }
            if (target > tick) {
                tick = target; // dropped ticks: their hosts fire on their next round
            }
            flushBatch();
            if (nowNanos >= end) {
                running = false;
                break;
            }
            long next = startNanos + (tick + 1) * tickNanos;
            long sleep = next - System.nanoTime();
            if (sleep > 0 && commands.isEmpty()) {
                LockSupport.parkNanos(sleep);
            }
        }
    }

    private void fire(int host) {
        double factor = (1 + (random.nextDouble() * 2 - 1) * config.jitter()) * fleet.slowFactor(host);
        wheel.schedule(host, tickOf(nowNanos + (long) (intervalNanos * factor)));
        Fleet.State state = fleet.state(host, nowNanos);
        if (state == Fleet.State.CUT) {
            fleet.loseHeartbeat(host); // the host sent it; the network lost it
            counters.lostToCut.incrementAndGet();
            return;
        }
        if (state != Fleet.State.UP) {
            return;
        }
        fleet.endBootSilence(host);
        Heartbeat hb = Heartbeat.fromHost(fleet.hostId(host), fleet.bootId(host), fleet.nextSeq(host),
                Instant.ofEpochMilli(nowMillis + fleet.skewMillis(host)), fleet.labels(host),
                fleet.uptimeSeconds(host, nowMillis));
        sentByPool.incrementAndGet(fleet.pool(host));
        if (fleet.transport(host) == PoolSpec.Transport.UDP) {
            try {
                udp.write(ByteBuffer.wrap(UdpLine.format(hb, udpKey(host))));
                counters.udpSent.incrementAndGet();
            } catch (IOException e) {
                // PortUnreachable (nothing listening yet) and the like: counted, the socket stays usable.
                counters.udpErrors.incrementAndGet();
            }
        } else if (fleet.transport(host) == PoolSpec.Transport.HTTP_PER_HEARTBEAT) {
            if (!perHeartbeatQueue.offer(List.of(hb))) {
                counters.httpDropped.incrementAndGet();
            }
        } else {
            batch.add(hb);
            if (batch.size() >= config.batch()) {
                flushBatch();
            }
        }
    }

    /** The host's own derived key when a lab secret is given (cached: one HMAC per host, not per datagram), else --hmac-key. */
    private byte[] udpKey(int host) {
        if (config.secret() == null) {
            return config.hmacKey();
        }
        byte[] key = udpKeys[host];
        if (key == null) {
            key = HostCredentials.udpKey(config.secret(), fleet.hostId(host));
            udpKeys[host] = key;
        }
        return key;
    }

    private void flushBatch() {
        if (batch.isEmpty()) {
            return;
        }
        if (!httpQueue.offer(batch)) {
            counters.httpDropped.addAndGet(batch.size());
        }
        batch = new ArrayList<>(Math.min(config.batch(), 1024));
    }

    private void startSenders(BlockingQueue<List<Heartbeat>> queue, boolean closeEach, String name) {
        for (int i = 0; i < config.httpConnections(); i++) {
            OneConnectionHttpClient client = new OneConnectionHttpClient(config.ingest(), Duration.ofSeconds(2),
                    Duration.ofSeconds(10), null);
            httpClients.add(client);
            Thread t = new Thread(() -> httpSender(client, queue, closeEach), name + i);
            t.setDaemon(true);
            httpThreads.add(t);
            t.start();
        }
    }

    private void httpSender(OneConnectionHttpClient client, BlockingQueue<List<Heartbeat>> queue, boolean closeEach) {
        Map<String, String> headers = config.token() == null ? Map.of()
                : Map.of("Authorization", "Bearer " + config.token());
        while (running) {
            List<Heartbeat> b;
            try {
                b = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (b == null) {
                continue;
            }
            byte[] body = b.size() == 1 ? HeartbeatJson.one(b.get(0)) : HeartbeatJson.batch(b);
            counters.httpPosts.incrementAndGet();
            try {
                HttpResponse r = client.post(HeartbeatJson.PATH, body, HeartbeatJson.CONTENT_TYPE, headers);
                if (r.status() >= 200 && r.status() < 300) {
                    counters.httpAccepted.addAndGet(b.size());
                } else {
                    counters.httpFailed.addAndGet(b.size());
                    counters.lastHttpProblem = "HTTP " + r.status();
                }
            } catch (IOException e) {
                counters.httpFailed.addAndGet(b.size());
                counters.lastHttpProblem = e.toString();
            }
            if (closeEach) {
                client.closeIdle();
            }
        }
    }

    /** Counts of hosts by state and pool (simulator thread). */
    Map<Fleet.State, int[]> census(Fleet f) {
        Map<Fleet.State, int[]> byState = new EnumMap<>(Fleet.State.class);
        for (Fleet.State s : Fleet.State.values()) {
            byState.put(s, new int[config.pools().size()]);
        }
        for (int p = 0; p < config.pools().size(); p++) {
            int start = f.poolStart(p);
            int[] counts = new int[Fleet.State.values().length];
            for (int h = start; h < start + f.poolSize(p); h++) {
                counts[f.state(h, nowNanos).ordinal()]++;
            }
            for (Fleet.State s : Fleet.State.values()) {
                byState.get(s)[p] = counts[s.ordinal()];
            }
        }
        return byState;
    }

    private void statusLoop() {
        long lastSent = 0;
        long lastNanos = System.nanoTime();
        long periodMs = config.statusEvery().toMillis();
        while (running) {
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
            if (!running) {
                return;
            }
            long sent = counters.sent();
            long t = System.nanoTime();
            double rate = (sent - lastSent) / ((t - lastNanos) / 1e9);
            lastSent = sent;
            lastNanos = t;
            try {
                System.out.println(statusLine(rate));
            } catch (RuntimeException e) {
                Log.warn("status: " + e.getMessage());
            }
        }
    }

    String statusLine(double rate) {
        Map<Fleet.State, int[]> census = call(this::census);
        StringBuilder sb = new StringBuilder(200);
        sb.append("sim +").append((System.nanoTime() - startNanos) / 1_000_000_000L).append("s hosts=").append(fleet.size());
        for (Fleet.State s : Fleet.State.values()) {
            int n = 0;
            for (int c : census.get(s)) {
                n += c;
            }
            if (s == Fleet.State.UP || n > 0) {
                sb.append(' ').append(s.name().toLowerCase().replace('_', '-')).append('=').append(n);
            }
        }
        sb.append(String.format(" | %.1f hb/s udp=%d", rate, counters.udpSent.get()));
        if (counters.udpErrors.get() > 0) {
            sb.append(" udp-errors=").append(counters.udpErrors.get());
        }
        if (!httpThreads.isEmpty()) {
            sb.append(" http=").append(counters.httpAccepted.get()).append(" http-failed=").append(counters.httpFailed.get())
                    .append(" http-dropped=").append(counters.httpDropped.get());
            if (counters.lastHttpProblem != null && counters.httpFailed.get() > 0) {
                sb.append(" (last: ").append(counters.lastHttpProblem).append(')');
            }
        }
        sb.append(" | resets=").append(counters.resets.get());
        Leaker.Status leak = leaker.status();
        if (leak.active() || leak.open() > 0) {
            sb.append(" | leak open=").append(leak.open()).append('/').append(leak.max()).append(" failed=").append(leak.failed());
        }
        return sb.toString();
    }

    private String poolSummary() {
        StringBuilder sb = new StringBuilder("(");
        for (PoolSpec p : config.pools()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(p.name()).append(' ').append(p.count());
        }
        return sb.append(')').toString();
    }

    private String targetSummary() {
        return "ingest " + config.ingest() + " (udp " + config.udpTarget().host() + ":" + config.udpTarget().port()
                + ", default transport " + config.transport().name().toLowerCase() + ")";
    }

    /** Blocks until the simulation ends ({@code --duration}) or the thread is interrupted. */
    public void awaitEnd() throws InterruptedException {
        loop.join();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        if (scenario != null) {
            scenario.stop();
        }
        if (loop != null) {
            LockSupport.unpark(loop);
            try {
                loop.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (statusThread != null) {
            statusThread.interrupt();
        }
        for (Thread t : httpThreads) {
            t.interrupt();
        }
        for (Thread t : httpThreads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        httpClients.forEach(OneConnectionHttpClient::close);
        if (control != null) {
            control.stop();
        }
        if (follower != null) {
            follower.close();
        }
        leaker.close();
        if (udp != null) {
            try {
                udp.close();
            } catch (IOException ignored) {
                // released either way
            }
        }
    }
}
