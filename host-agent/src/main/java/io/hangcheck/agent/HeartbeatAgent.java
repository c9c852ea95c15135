package io.hangcheck.agent;

import io.hangcheck.agent.config.AgentConfig;
import io.hangcheck.agent.config.Mode;
import io.hangcheck.agent.host.BootInfo;
import io.hangcheck.agent.transport.Backoff;
import io.hangcheck.agent.transport.HeartbeatJson;
import io.hangcheck.agent.transport.HttpOutcome;
import io.hangcheck.agent.transport.HttpResponse;
import io.hangcheck.agent.transport.OneConnectionHttpClient;
import io.hangcheck.agent.transport.UdpSender;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.wire.UdpLine;

import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The agent's loop: every interval (± jitter) one heartbeat, through the paths {@link Mode} allows.
 *
 * <p>Per beat, in {@code udp+http} mode: every {@code httpEvery}-th beat (the first included) goes over HTTP, and
 * over UDP only if HTTP did not get a 2xx; every other beat goes over UDP, and over HTTP only if the UDP send
 * failed. An HTTP send is tried at most {@code maxAttempts} times, with exponential back-off and jitter between
 * tries ({@code Retry-After} is honoured up to the back-off ceiling), and never for longer than half an interval,
 * so beats never pile up. A 4xx is never retried. The agent holds at most one TCP connection (see
 * {@link OneConnectionHttpClient}) and closes it after a beat when the next one is further away than
 * {@code keepAlive}, so between beats it holds no socket the server would have to time out.
 *
 * <p>The sequence number starts at the host's uptime in seconds (when known) and grows by one per beat: with
 * intervals of at least a second it keeps growing across agent restarts within one boot, without a state file.
 */
public final class HeartbeatAgent implements Closeable {

    /** Sleeps; tests pass one that records instead. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Counters since start. */
    public static final class Stats {
        public final AtomicLong beats = new AtomicLong();
        public final AtomicLong udpSent = new AtomicLong();
        public final AtomicLong udpErrors = new AtomicLong();
        public final AtomicLong httpAttempts = new AtomicLong();
        public final AtomicLong httpAccepted = new AtomicLong();
        public final AtomicLong httpRejected = new AtomicLong();
        public final AtomicLong httpFailed = new AtomicLong();
        public final AtomicLong lost = new AtomicLong();

        @Override
        public String toString() {
            return "beats=" + beats + " udp=" + udpSent + " udpErrors=" + udpErrors + " httpAccepted=" + httpAccepted
                    + " httpRejected=" + httpRejected + " httpFailed=" + httpFailed + " httpAttempts=" + httpAttempts
                    + " lost=" + lost;
        }
    }

    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);

    private final AgentConfig config;
    private final BootInfo boot;
    private final Clock clock;
    private final UdpSender udp;
    private final OneConnectionHttpClient http;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Duration keepAlive;
    private final Stats stats = new Stats();
    private long seq = -1;
    private String problem;

    public HeartbeatAgent(AgentConfig config, BootInfo boot, Clock clock, UdpSender udp, OneConnectionHttpClient http,
                          Backoff backoff, Sleeper sleeper, RandomGenerator random, Duration keepAlive) {
        if (config.mode().udp() && udp == null) {
            throw new IllegalArgumentException("mode " + config.mode() + " needs a UDP sender");
        }
        if (config.mode().http() && http == null) {
            throw new IllegalArgumentException("mode " + config.mode() + " needs an HTTP client");
        }
        this.config = config;
        this.boot = boot;
        this.clock = clock;
        this.udp = udp;
        this.http = http;
        this.backoff = backoff;
        this.sleeper = sleeper;
        this.random = random;
        this.keepAlive = keepAlive;
    }

    /** The agent as installed on a host: real clock, sockets and sleeps. */
    public static HeartbeatAgent create(AgentConfig config) {
        Clock clock = Clock.systemUTC();
        RandomGenerator random = RandomGenerator.getDefault();
        BootInfo boot = BootInfo.detect(config.hostId(), clock);
        return new HeartbeatAgent(config, boot, clock,
                config.mode().udp() ? new UdpSender(config.udpTarget()) : null,
                config.mode().http() ? new OneConnectionHttpClient(config.ingest(), config.connectTimeout(),
                        config.readTimeout(), null) : null,
                new Backoff(config.backoffInitial(), max(config.backoffInitial(), config.backoffMax()),
                        config.maxAttempts(), random),
                d -> Thread.sleep(d.toMillis()), random, DEFAULT_KEEP_ALIVE);
    }

    public Stats stats() {
        return stats;
    }

    public BootInfo boot() {
        return boot;
    }

    /** Runs until interrupted or, with {@code --count}, until that many beats are sent. */
    public void run() throws InterruptedException {
        Log.info("hangcheck agent: " + config + ", " + boot);
        if (boot.source() == BootInfo.Source.AGENT_START) {
            Log.warn("no boot time visible: the boot id follows the agent's start; an agent restart will look like a reboot");
        }
        // A small random splay, so hosts powered on together do not beat together.
        sleeper.sleep(Duration.ofMillis((long) (random.nextDouble() * config.jitter() * config.interval().toMillis())));
        while (!Thread.currentThread().isInterrupted()) {
            beat();
            if (config.count() > 0 && stats.beats.get() >= config.count()) {
                return;
            }
            sleeper.sleep(nextDelay());
        }
    }

    /** The interval stretched or shrunk by a random share within ± jitter. */
    public Duration nextDelay() {
        double factor = 1 + (random.nextDouble() * 2 - 1) * config.jitter();
        return Duration.ofMillis(Math.max(1, Math.round(config.interval().toMillis() * factor)));
    }

    /** The next heartbeat of this boot. */
    Heartbeat nextHeartbeat() {
        Long uptime = boot.uptimeSeconds();
        if (seq < 0) {
            seq = uptime == null ? 0 : uptime;
        } else {
            seq++;
        }
        return Heartbeat.fromHost(config.hostId(), boot.bootId(), seq, clock.instant(), config.labels(), uptime);
    }

    /** Sends one heartbeat through the paths of the configured mode. */
    public void beat() throws InterruptedException {
        Heartbeat hb = nextHeartbeat();
        long n = stats.beats.getAndIncrement();
        boolean delivered;
        switch (config.mode()) {
            case UDP -> delivered = sendUdp(hb);
            case HTTP -> delivered = sendHttp(hb) == HttpOutcome.ACCEPTED;
            default -> {
                if (config.httpEvery() > 0 && n % config.httpEvery() == 0) {
                    delivered = sendHttp(hb) == HttpOutcome.ACCEPTED || sendUdp(hb);
                } else {
                    delivered = sendUdp(hb) || sendHttp(hb) == HttpOutcome.ACCEPTED;
                }
            }
        }
        if (!delivered) {
            stats.lost.incrementAndGet();
        }
        if (http != null && config.interval().compareTo(keepAlive) > 0) {
            http.closeIdle();
        }
    }

    boolean sendUdp(Heartbeat hb) {
        try {
            udp.send(UdpLine.format(hb, config.hmacKey()));
            stats.udpSent.incrementAndGet();
            ok("udp");
            return true;
        } catch (IOException e) {
            stats.udpErrors.incrementAndGet();
            trouble("udp", "UDP send to " + config.udpTarget().host() + ":" + config.udpTarget().port() + " failed: " + e);
            return false;
        }
    }

    HttpOutcome sendHttp(Heartbeat hb) throws InterruptedException {
        byte[] body = HeartbeatJson.one(hb);
        Map<String, String> headers = config.token() == null ? Map.of() : Map.of("Authorization", "Bearer " + config.token());
        Instant deadline = clock.instant().plus(config.interval().dividedBy(2));
        for (int attempt = 1; ; attempt++) {
            stats.httpAttempts.incrementAndGet();
            String failure;
            Duration retryAfter = null;
            try {
                HttpResponse r = http.post(HeartbeatJson.PATH, body, HeartbeatJson.CONTENT_TYPE, headers);
                if (r.status() >= 200 && r.status() < 300) {
                    stats.httpAccepted.incrementAndGet();
                    ok("http");
                    return HttpOutcome.ACCEPTED;
                }
                if (r.status() >= 400 && r.status() < 500 && r.status() != 408 && r.status() != 429) {
                    stats.httpRejected.incrementAndGet();
                    trouble("http", "ingest rejected the heartbeat with " + r.status() + " (not retried): "
                            + abbreviate(r.bodyText()));
                    return HttpOutcome.REJECTED;
                }
                failure = "HTTP " + r.status();
                retryAfter = r.retryAfter();
            } catch (IOException e) {
                failure = e.toString();
            }
            if (attempt >= backoff.maxAttempts()) {
                return failed(failure + " after " + attempt + " attempts");
            }
            Duration wait = backoff.delay(attempt);
            if (retryAfter != null) {
                Duration ceiling = backoff.ceiling(attempt);
                wait = retryAfter.compareTo(ceiling) > 0 ? ceiling : max(wait, retryAfter);
            }
            if (clock.instant().plus(wait).isAfter(deadline)) {
                return failed(failure + " after " + attempt + " attempts (no time left before the next beat)");
            }
            sleeper.sleep(wait);
        }
    }

    private HttpOutcome failed(String why) {
        stats.httpFailed.incrementAndGet();
        trouble("http", "heartbeat over HTTP to " + config.ingest() + " failed: " + why);
        return HttpOutcome.FAILED;
    }

    /** Logs a problem once when it starts or changes, not on every beat. */
    private void trouble(String path, String message) {
        String key = path + ":" + message.replaceAll("\\d+ attempts", "");
        if (!key.equals(problem)) {
            problem = key;
            Log.warn(message);
        }
    }

    private void ok(String path) {
        if (problem != null && problem.startsWith(path + ":")) {
            Log.info(path + " heartbeats get through again");
            problem = null;
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() <= 200 ? one : one.substring(0, 200) + "…";
    }

    @Override
    public void close() {
        if (udp != null) {
            udp.close();
        }
        if (http != null) {
            http.close();
        }
    }
}
