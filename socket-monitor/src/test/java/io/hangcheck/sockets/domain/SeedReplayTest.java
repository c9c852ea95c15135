package io.hangcheck.sockets.domain;

import io.hangcheck.events.LeakAlert;
import io.hangcheck.testing.SteppedClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 *
 * <p>The churn phase is the slow part (TIME_WAIT must pile up for its real 60 s), so both scenarios share it: each
 * has its own listener, churn, monitor and clock, and one loop scans both monitors; each scenario's leak then runs
 * on its own port alone, so neither sees the other's sockets and their order does not matter.
 */
class SeedReplayTest {
    private static final boolean REAL_TIME = Boolean.getBoolean("hangcheck.sockets.realtime");
    private static final int BUDGET = 150;
    private static final int CHURN_PER_SECOND = 40;
    private static final int LEAK_PER_SCAN = 5;
    private static final Duration INTERVAL = REAL_TIME ? Duration.ofSeconds(1) : Duration.ofSeconds(15);

    private static final ExecutorService threads = Executors.newCachedThreadPool();
    private static final AtomicBoolean running = new AtomicBoolean(true);
    private static final ConcurrentLinkedQueue<Socket> held = new ConcurrentLinkedQueue<>();
    private static final List<ServerSocket> servers = new ArrayList<>();
    /** The first scenario's port: a leak with no alert open before. */
    private static Replay fresh;
    /** The second scenario's port: the leak while another cause's alert is open. */
    private static Replay alreadyOpen;

    /** One scenario's port: its listener, churn, monitor and the monitor's clock; the churn phase's alerts. */
    private static final class Replay {
        final int port;
        final AtomicInteger churned = new AtomicInteger();
        final AtomicInteger churnFailures = new AtomicInteger();
        /** The scan loop's clock: stepped per scan, or the system's in real time. */
        final SteppedClock stepped = new SteppedClock(Instant.parse("2026-12-01T22:00:00Z"));
        final Clock clock = REAL_TIME ? Clock.systemUTC() : stepped;
        final SocketMonitor monitor;
        final List<LeakAlert> churnAlerts = new ArrayList<>();
        SocketMonitor.Scan last;

        Replay() throws IOException {
            port = listen();
            churn(this);
            MonitorSettings s = MonitorSettings.defaults("seed-replay", "this-machine", Path.of("/proc"), Path.of("/proc/sys"))
                    .withWatchedPorts(Map.of(port, BUDGET)).withRules(rules());
            monitor = new SocketMonitor(s, clock, new PeerNamer(a -> null, threads, clock, 10, Duration.ofMinutes(1),
                    Duration.ofMinutes(1), Duration.ofSeconds(1)));
        }

        /** One scan; the stepped clock moves to the next scan's time (the caller waits the real time between). */
        SocketMonitor.Scan scan() throws IOException {
            SocketMonitor.Scan s = monitor.scan();
            stepped.step(INTERVAL);
            return s;
        }
    }

    @BeforeAll
    static void churnPhase() throws Exception {
        fresh = new Replay();
        alreadyOpen = new Replay();
        // Churn long enough for TIME_WAIT to pile up on both ports; one scan of each monitor per step
        long churnScans = REAL_TIME ? 180 : 65; // TIME_WAIT reaches its steady level after its 60 s
        for (int i = 0; i < churnScans; i++) {
            for (Replay r : List.of(fresh, alreadyOpen)) {
                r.last = r.scan();
                r.churnAlerts.addAll(onPort(r.last, r.port));
            }
            Thread.sleep(1_000);
        }
        for (Replay r : List.of(fresh, alreadyOpen)) {
            long ssTimeWait = ssCount(r.port, TcpState.TIME_WAIT);
            SocketTable t = r.monitor.lastTable();
            int timeWait = 0;
            for (int i = 0; i < t.size(); i++) {
                if (t.localPort(i) == r.port && t.state(i) == TcpState.TIME_WAIT) {
                    timeWait++;
                }
            }
            System.out.printf("seed replay: %d requests, each a new connection closed by the server (%d failed), over "
                            + "%d scans; TIME_WAIT on port %d: %d (ss: %d); port budget used %d of %d%n", r.churned.get(),
                    r.churnFailures.get(), churnScans, r.port, timeWait, ssTimeWait, port(r.last, r.port).used(), BUDGET);
            assertThat(timeWait).as("thousands of TIME_WAIT on the listener").isGreaterThan(1500);
            assertThat(ssTimeWait).isGreaterThan(1500);
            assertThat(port(r.last, r.port).used()).as("TIME_WAIT holds no connection").isLessThan(BUDGET / 10);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        running.set(false);
        for (ServerSocket server : servers) {
            server.close();
        }
        threads.shutdownNow();
        for (Socket s : held) {
            s.close();
        }
    }

    /** The listener: answers and closes a request from 127.0.0.1 (server closes first), holds any other peer's. */
    private static int listen() throws IOException {
        ServerSocket server = new ServerSocket(0, 500, InetAddress.getByName("127.0.0.1"));
        servers.add(server);
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
    private static void churn(Replay r) {
        threads.submit(() -> {
            long next = System.nanoTime();
            while (running.get()) {
                try (Socket c = new Socket()) {
                    c.connect(new InetSocketAddress("127.0.0.1", r.port), 2000);
                    c.getOutputStream().write('q');
                    InputStream in = c.getInputStream();
                    while (in.read() >= 0) {
                        // until the server's close
                    }
                    r.churned.incrementAndGet();
                } catch (IOException e) {
                    r.churnFailures.incrementAndGet();
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
    private static void hold(String from, int port, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            Socket c = new Socket();
            held.add(c);
            c.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            c.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
    }

    private static LeakRules rules() {
        LeakRules d = LeakRules.defaults();
        return REAL_TIME ? new LeakRules(Duration.ofSeconds(60), Duration.ofMinutes(2), d.resolveHorizonFactor(),
                d.warnShare(), d.resolveShare(), d.openAfter(), d.resolveAfter(), d.minSamples(), d.stuckOldAfter(),
                d.stuckMinCount(), d.pgMinIdle(), d.pgIdleGrowthPerMinute(), d.topGrowers(), d.forecastFloorShare())
                : d;
    }

    /** One scan of a leak phase, then 250 ms of real time (1 s in real time). */
    private static SocketMonitor.Scan leakScan(Replay r) throws Exception {
        SocketMonitor.Scan s = r.scan();
        Thread.sleep(REAL_TIME ? INTERVAL.toMillis() : 250);
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

    /** The leak from 127.0.0.2 until the budget is reached; returns the first record on the port naming it. */
    private static LeakAlert leakPhase(Replay r, String what) throws Exception {
        int port = r.port;
        Instant start = r.clock.instant();
        LeakAlert named = null;
        int scans = 0;
        Instant namedAt = null;
        int usedWhenNamed = 0;
        while (true) {
            hold("127.0.0.2", port, LEAK_PER_SCAN);
            SocketMonitor.Scan s = leakScan(r);
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
        Replay r = fresh;
        assertThat(r.churnAlerts).as("no alert on the port from TIME_WAIT churn").isEmpty();

        LeakAlert named = leakPhase(r, "no alert open before");
        assertThat(named.status()).isEqualTo(LeakAlert.Status.OPENED);
        assertThat(named.peers().get(0)).isEqualTo("127.0.0.2");
        assertThat(named.states()).contains("ESTABLISHED").doesNotContain("TIME_WAIT");
    }

    @Test
    void withThePortsAlertAlreadyOpenFromAnotherCauseTheLeakIsNamedByAnUpdate() throws Exception {
        Replay r = alreadyOpen;
        int port = r.port;
        assertThat(r.churnAlerts).isEmpty();

        // another cause: 127.0.0.3 fills half the budget and keeps growing slowly; the forecast alert opens on it
        LeakAlert other = null;
        int used = 0;
        for (int i = 0; i < 60 && other == null; i++) {
            hold("127.0.0.3", port, used < BUDGET / 2 + 5 ? 6 : 1);
            SocketMonitor.Scan s = leakScan(r);
            used = port(s, port).used();
            other = onPort(s, port).stream().filter(a -> a.status() == LeakAlert.Status.OPENED).findFirst().orElse(null);
        }
        assertThat(other).as("the other cause's alert").isNotNull();
        assertThat(other.peers()).contains("127.0.0.3").doesNotContain("127.0.0.2");
        System.out.printf("seed replay: the other cause opened %s at %d of %d: %s%n", other.kind(), other.total(),
                BUDGET, other.summary());

        LeakAlert named = leakPhase(r, "another cause's alert open");
        assertThat(named.alertId()).as("the open alert, updated").isEqualTo(other.alertId());
        assertThat(named.status()).isEqualTo(LeakAlert.Status.UPDATED);
        assertThat(named.summary()).contains("Since the alert opened").contains("127.0.0.2 +");
    }
}
