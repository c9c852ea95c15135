package io.hangcheck.sockets.domain;

import io.hangcheck.events.LeakAlert;
import io.hangcheck.testing.SteppedClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed incident's shape on real loopback sockets, read from the real {@code /proc} and checked against
 * {@code ss}: clients that open a new connection per request, closed by the server (thousands of TIME_WAIT on the
 * listener's port), must raise no alert; a leak from a second source address (127.0.0.2) that holds its
 * connections until the port's budget is reached must be named before the budget is reached — by a new alert, or,
 * when another cause already opened the port's alert, by an UPDATED record of it.
 *
 * <p>Time: by default the monitor's clock is stepped 15 s (its default interval) per scan while the sockets are real,
 * so the default rules (10 min window, 30 min horizon) run over a long simulated span in about a minute and a half
 * of wall time; TIME_WAIT lasts its real 60 s. With {@code -Dhangcheck.sockets.realtime=true} the same test runs on
 * the system clock: 3 minutes of churn, a scan per second, rules scaled to it (README, "Seed replay").
 */
class SeedReplayTest {
    private static final boolean REAL_TIME = Boolean.getBoolean("hangcheck.sockets.realtime");
    private static final int BUDGET = 150;
    private static final int CHURN_PER_SECOND = 40;
    private static final int LEAK_PER_SCAN = 5;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<Socket> held = new ConcurrentLinkedQueue<>();
    private final AtomicInteger churned = new AtomicInteger();
    private final AtomicInteger churnFailures = new AtomicInteger();
    private ServerSocket server;

    @AfterEach
    void stop() throws Exception {
        running.set(false);
        if (server != null) {
            server.close();
        }
        threads.shutdownNow();
        for (Socket s : held) {
            s.close();
        }
    }

    /** The listener: answers and closes a request from 127.0.0.1 (server closes first), holds any other peer's. */
    private int listen() throws IOException {
        server = new ServerSocket(0, 500, InetAddress.getByName("127.0.0.1"));
        threads.submit(() -> {
            while (running.get()) {
                Socket s = server.accept();
                if (s.getInetAddress().getHostAddress().equals("127.0.0.1")) {
                    threads.submit(() -> {
                        try (s) {
                            s.getInputStream().read();
                            s.getOutputStream().write('k');
                        }
                        return null;
                    });
                } else {
                    held.add(s);
                }
            }
            return null;
        });
        return server.getLocalPort();
    }

    /** New connection per request from 127.0.0.1, at {@link #CHURN_PER_SECOND}. */
    private void churn(int port) {
        threads.submit(() -> {
            long next = System.nanoTime();
            while (running.get()) {
                try (Socket c = new Socket()) {
                    c.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    c.getOutputStream().write('q');
                    InputStream in = c.getInputStream();
                    while (in.read() >= 0) {
                        // until the server's close
                    }
                    churned.incrementAndGet();
                } catch (IOException e) {
                    churnFailures.incrementAndGet();
                }
                next += 1_000_000_000L / CHURN_PER_SECOND;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            return null;
        });
    }

    /** Opens {@code n} connections from {@code from} and keeps them (both ends stay open). */
    private void hold(String from, int port, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            Socket c = new Socket();
            held.add(c);
            c.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            c.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
    }

    /** The scan loop's clock: stepped per scan, or the system's in real time. */
    private final SteppedClock stepped = new SteppedClock(Instant.parse("2026-12-01T22:00:00Z"));
    private final Clock clock = REAL_TIME ? Clock.systemUTC() : stepped;
    private final Duration interval = REAL_TIME ? Duration.ofSeconds(1) : Duration.ofSeconds(15);

    private LeakRules rules() {
        LeakRules d = LeakRules.defaults();
        return REAL_TIME ? new LeakRules(Duration.ofSeconds(60), Duration.ofMinutes(2), d.resolveHorizonFactor(),
                d.warnShare(), d.resolveShare(), d.openAfter(), d.resolveAfter(), d.minSamples(), d.stuckOldAfter(),
                d.stuckMinCount(), d.pgMinIdle(), d.pgIdleGrowthPerMinute(), d.topGrowers(), d.forecastFloorShare())
                : d;
    }

    private SocketMonitor monitor(int port) {
        MonitorSettings s = MonitorSettings.defaults("seed-replay", "this-machine", Path.of("/proc"), Path.of("/proc/sys"))
                .withWatchedPorts(Map.of(port, BUDGET)).withRules(rules());
        return new SocketMonitor(s, clock, new PeerNamer(a -> null, threads, clock, 10, Duration.ofMinutes(1),
                Duration.ofMinutes(1), Duration.ofSeconds(1)));
    }

    /** One scan, then the next scan's time: 15 s on the stepped clock after {@code pause} of real time, or 1 s. */
    private SocketMonitor.Scan scan(SocketMonitor m, Duration pause) throws Exception {
        SocketMonitor.Scan s = m.scan();
        Thread.sleep(REAL_TIME ? interval.toMillis() : pause.toMillis());
        stepped.step(interval);
        return s;
    }

    private static LeakDetector.BudgetUsage port(SocketMonitor.Scan s, int port) {
        return s.budgets().stream().filter(b -> b.id().equals("port-" + port)).findFirst().orElseThrow();
    }

    private static List<LeakAlert> onPort(SocketMonitor.Scan s, int port) {
        return s.transitions().stream().filter(a -> a.summary().startsWith("Local port " + port)).toList();
    }

    private static long ssCount(int port, TcpState state) throws Exception {
        return RealLeakTest.ss().stream().filter(x -> x.localPort() == port && x.state() == state).count();
    }

    /** Churn long enough for TIME_WAIT to pile up; returns the scans' alerts on the port (must be none). */
    private List<LeakAlert> churnPhase(SocketMonitor m, int port) throws Exception {
        long churnScans = REAL_TIME ? 180 : 65; // TIME_WAIT reaches its steady level after its 60 s
        List<LeakAlert> alerts = new ArrayList<>();
        SocketMonitor.Scan last = null;
        for (int i = 0; i < churnScans; i++) {
            last = scan(m, Duration.ofSeconds(1));
            alerts.addAll(onPort(last, port));
        }
        long ssTimeWait = ssCount(port, TcpState.TIME_WAIT);
        SocketTable t = m.lastTable();
        int timeWait = 0;
        for (int i = 0; i < t.size(); i++) {
            if (t.localPort(i) == port && t.state(i) == TcpState.TIME_WAIT) {
                timeWait++;
            }
        }
        System.out.printf("seed replay: %d requests, each a new connection closed by the server (%d failed), over "
                        + "%d scans; TIME_WAIT on port %d: %d (ss: %d); port budget used %d of %d%n", churned.get(),
                churnFailures.get(), churnScans, port, timeWait, ssTimeWait, port(last, port).used(), BUDGET);
        assertThat(timeWait).as("thousands of TIME_WAIT on the listener").isGreaterThan(1500);
        assertThat(ssTimeWait).isGreaterThan(1500);
        assertThat(port(last, port).used()).as("TIME_WAIT holds no connection").isLessThan(BUDGET / 10);
        return alerts;
    }

    /** The leak from 127.0.0.2 until the budget is reached; returns the first record on the port naming it. */
    private LeakAlert leakPhase(SocketMonitor m, int port, String what) throws Exception {
        Instant start = clock.instant();
        LeakAlert named = null;
        int scans = 0;
        Instant namedAt = null;
        int usedWhenNamed = 0;
        while (true) {
            hold("127.0.0.2", port, LEAK_PER_SCAN);
            SocketMonitor.Scan s = scan(m, Duration.ofMillis(250));
            scans++;
            int used = port(s, port).used();
            if (named == null) {
                named = onPort(s, port).stream()
                        .filter(a -> a.peers().stream().anyMatch(p -> p.startsWith("127.0.0.2"))).findFirst().orElse(null);
                if (named != null) {
                    namedAt = s.snapshot().at();
                    usedWhenNamed = used;
                }
            }
            if (used >= BUDGET || scans > 200) {
                assertThat(named).as(what + ": an alert naming 127.0.0.2 before the budget is reached").isNotNull();
                long lead = Duration.between(namedAt, s.snapshot().at()).toSeconds();
                System.out.printf("seed replay (%s): leak from 127.0.0.2 started %s; %s %s named it at %d of %d "
                                + "connections, %d s (monitor time) before the budget was reached (%d of %d, %d scans "
                                + "after the start): %s%n", what, start, named.kind(), named.status(), usedWhenNamed,
                        BUDGET, lead, used, BUDGET, scans, named.summary());
                assertThat(usedWhenNamed).isLessThan(BUDGET);
                assertThat(lead).isPositive();
                return named;
            }
        }
    }

    @Test
    void connectionPerRequestChurnRaisesNothingAndALeakFromASecondAddressIsNamedBeforeTheBudget() throws Exception {
        int port = listen();
        churn(port);
        SocketMonitor m = monitor(port);

        assertThat(churnPhase(m, port)).as("no alert on the port from TIME_WAIT churn").isEmpty();

        LeakAlert named = leakPhase(m, port, "no alert open before");
        assertThat(named.status()).isEqualTo(LeakAlert.Status.OPENED);
        assertThat(named.peers().get(0)).isEqualTo("127.0.0.2");
        assertThat(named.states()).contains("ESTABLISHED").doesNotContain("TIME_WAIT");
    }

    @Test
    void withThePortsAlertAlreadyOpenFromAnotherCauseTheLeakIsNamedByAnUpdate() throws Exception {
        int port = listen();
        churn(port);
        SocketMonitor m = monitor(port);
        assertThat(churnPhase(m, port)).isEmpty();

        // another cause: 127.0.0.3 fills half the budget and keeps growing slowly; the forecast alert opens on it
        LeakAlert other = null;
        int used = 0;
        for (int i = 0; i < 60 && other == null; i++) {
            hold("127.0.0.3", port, used < BUDGET / 2 + 5 ? 6 : 1);
            SocketMonitor.Scan s = scan(m, Duration.ofMillis(250));
            used = port(s, port).used();
            other = onPort(s, port).stream().filter(a -> a.status() == LeakAlert.Status.OPENED).findFirst().orElse(null);
        }
        assertThat(other).as("the other cause's alert").isNotNull();
        assertThat(other.peers()).contains("127.0.0.3").doesNotContain("127.0.0.2");
        System.out.printf("seed replay: the other cause opened %s at %d of %d: %s%n", other.kind(), other.total(),
                BUDGET, other.summary());

        LeakAlert named = leakPhase(m, port, "another cause's alert open");
        assertThat(named.alertId()).as("the open alert, updated").isEqualTo(other.alertId());
        assertThat(named.status()).isEqualTo(LeakAlert.Status.UPDATED);
        assertThat(named.summary()).contains("Since the alert opened").contains("127.0.0.2 +");
    }
}
