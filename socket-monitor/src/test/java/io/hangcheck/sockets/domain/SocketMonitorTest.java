package io.hangcheck.sockets.domain;

import io.hangcheck.testing.SteppedClock;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.LeakAlert;
import io.hangcheck.events.SocketSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole scan on a fake proc root whose table grows scan by scan, with a stepped clock. */
class SocketMonitorTest {
    @TempDir
    Path root;
    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-03-01T08:00:00Z"));
    private final ExecutorService dns = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        dns.shutdownNow();
    }

    private Path sys(int finTimeout, String portRange) throws Exception {
        Path sys = root.resolve("sys");
        Files.createDirectories(sys.resolve("net/ipv4"));
        Files.writeString(sys.resolve("net/ipv4/tcp_fin_timeout"), finTimeout + "\n");
        Files.writeString(sys.resolve("net/ipv4/ip_local_port_range"), portRange + "\n");
        return sys;
    }

    @Test
    void aGrowingCloseWaitLeakIsForecastAndTheAlertSaysWhoHoldsIt() throws Exception {
        // given: a budget of 1000 from ip_local_port_range, a peer leaking 20 CLOSE_WAIT per 15 s scan
        Path sys = sys(30, "10000 10999");
        MonitorSettings settings = MonitorSettings.defaults("mon-1", "node-a", root.resolve("p"), sys)
                .withRules(LeakRules.defaults().withForecastFloorShare(0)); // a quarter of the budget: below the floor
        PeerNamer namer = new PeerNamer(a -> a.getHostAddress().equals("10.1.1.1") ? "winbox7.lab" : null, dns, clock,
                100, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofSeconds(5));
        SocketMonitor monitor = new SocketMonitor(settings, clock, namer);
        ProcFixture table = new ProcFixture(root.resolve("p"));

        List<LeakAlert> alerts = new ArrayList<>();
        SocketMonitor.Scan scan = null;
        for (int i = 0; i < 12; i++) {
            table.clear().add("0.0.0.0", 8080, "0.0.0.0", 0, TcpState.LISTEN, 1)
                    .many(50, "10.3.3.3", TcpState.ESTABLISHED, true);
            for (int k = 0; k < 20 * (i + 1); k++) {
                table.add("10.0.0.1", 8080, "10.1.1.1", 20000 + k, TcpState.CLOSE_WAIT, 90000 + k);
            }
            table.many(5, "10.2.2.2", TcpState.FIN_WAIT2, false).write();
            scan = monitor.scan();
            alerts.addAll(scan.transitions());
            clock.step(Duration.ofSeconds(15));
        }

        // then: the snapshot
        SocketSnapshot s = scan.snapshot();
        assertThat(s.limit()).isEqualTo(1000);
        assertThat(s.total()).isEqualTo(1 + 50 + 240 + 5);
        assertThat(s.byState()).containsEntry("CLOSE_WAIT", 240).containsEntry("FIN_WAIT2", 5);
        assertThat(s.peers().get(0).peer()).isEqualTo("10.1.1.1");
        assertThat(s.peers().get(0).name()).as("named asynchronously by a later scan").isEqualTo("winbox7.lab");
        assertThat(s.localPorts()).extracting(SocketSnapshot.PortCount::port).containsExactly("8080");
        assertThat(s.growthPerMinute()).isEqualTo(80.0, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(s.forecastSecondsToExhaustion()).isPositive();
        // sockets added at scan j are (11 - j) × 15 s old: scans 0..6 are past 1 min (140), scans 7..11 not (100)
        assertThat(s.stuck()).containsExactlyInAnyOrder(
                new SocketSnapshot.StuckCount("10.1.1.1", "CLOSE_WAIT", "10m", 140),
                new SocketSnapshot.StuckCount("10.1.1.1", "CLOSE_WAIT", "1m", 100),
                new SocketSnapshot.StuckCount("10.2.2.2", "FIN_WAIT2", "10m", 5));
        assertThat(scan.stuck().old()).as("past 2 min: scans 0..3 plus the FIN_WAIT2").isEqualTo(80 + 5);
        assertThat(EventCodec.fromJson(EventCodec.toJson(s), SocketSnapshot.class)).isEqualTo(s);

        // and the alert: forecast inside 30 min, naming the peer, the state and the side that leaks
        LeakAlert a = alerts.stream().filter(x -> x.kind() == LeakAlert.Kind.EXHAUSTION_FORECAST).findFirst().orElseThrow();
        assertThat(a.status()).isEqualTo(LeakAlert.Status.OPENED);
        assertThat(a.peers().get(0)).startsWith("10.1.1.1");
        assertThat(a.states()).containsExactly("CLOSE_WAIT");
        assertThat(a.summary()).contains("LOCAL program never closed").contains("tcp_fin_timeout = 30 s")
                .contains("5 orphaned");
        assertThat(monitor.openAlerts()).extracting(LeakAlert::alertId).contains(a.alertId());
    }

    @Test
    void theBudgetDefaultsToTheOwnersOpenFilesLimitAndWatchedPortsGetTheirOwn() throws Exception {
        Path sys = sys(60, "32768 60999");
        Files.createDirectories(root.resolve("4242"));
        Files.writeString(root.resolve("4242/limits"),
                "Max open files            4096                 524288               files\n");
        new ProcFixture(root).many(3, "10.3.3.3", TcpState.ESTABLISHED, true).write();
        MonitorSettings settings = new MonitorSettings("mon-1", "node-a", root, sys, 20, 20, OptionalInt.empty(),
                OptionalInt.of(4242), Map.of(8080, 100, 9090, 0), List.of(Duration.ofMinutes(1)), 50,
                LeakRules.defaults());
        SocketMonitor monitor = new SocketMonitor(settings, clock, new PeerNamer(a -> null, dns, clock, 10,
                Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(1)));

        SocketMonitor.Scan scan = monitor.scan();

        assertThat(scan.snapshot().limit()).isEqualTo(4096);
        assertThat(scan.budgets()).extracting(LeakDetector.BudgetUsage::id, LeakDetector.BudgetUsage::used,
                LeakDetector.BudgetUsage::limit).containsExactly(
                org.assertj.core.groups.Tuple.tuple("table", 3, 4096),
                org.assertj.core.groups.Tuple.tuple("port-8080", 3, 100),
                org.assertj.core.groups.Tuple.tuple("port-9090", 0, 4096),
                org.assertj.core.groups.Tuple.tuple("orphans", 0, 4096),
                org.assertj.core.groups.Tuple.tuple("ephemeral", 0, 28232));
        assertThat(scan.budgets().get(0).description()).contains("open-files limit of pid 4242");
    }

    @Test
    void aWatchedPortsAlertNamesThePeersOfThatPortNotTheTimeWaitChurnOfAnotherPort() throws Exception {
        // given (the demo's shape): port 8081, budget 40, fills from 127.0.0.2 (2 more per 15 s scan); port 9000
        // sees a far larger churn from 127.0.0.1 in TIME_WAIT (200 more per scan) and a few more ESTABLISHED
        Path sys = sys(60, "10000 19999");
        MonitorSettings settings = new MonitorSettings("mon-1", "node-a", root.resolve("p"), sys, 20, 20,
                OptionalInt.empty(), OptionalInt.empty(), Map.of(8081, 40), List.of(Duration.ofMinutes(1)), 50,
                LeakRules.defaults());
        SocketMonitor monitor = new SocketMonitor(settings, clock, new PeerNamer(a -> null, dns, clock, 10,
                Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(1)));
        ProcFixture table = new ProcFixture(root.resolve("p"));

        List<LeakAlert> alerts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            table.clear().add("0.0.0.0", 8081, "0.0.0.0", 0, TcpState.LISTEN, 1)
                    .add("0.0.0.0", 9000, "0.0.0.0", 0, TcpState.LISTEN, 2);
            for (int k = 0; k < 4 + 2 * i; k++) {
                table.add("127.0.0.1", 8081, "127.0.0.2", 30000 + k, TcpState.ESTABLISHED, 10000 + k);
            }
            for (int k = 0; k < 200 * (i + 1); k++) {
                table.add("127.0.0.1", 9000, "127.0.0.1", 40000 + k, TcpState.TIME_WAIT, 0);
            }
            for (int k = 0; k < 3 * i; k++) {
                table.add("127.0.0.1", 9000, "127.0.0.1", 60000 + k, TcpState.ESTABLISHED, 20000 + k);
            }
            table.write();
            alerts.addAll(monitor.scan().transitions());
            clock.step(Duration.ofSeconds(15));
        }

        // then: the port's forecast names its own peer and state only
        LeakAlert port = alerts.stream().filter(a -> a.kind() == LeakAlert.Kind.EXHAUSTION_FORECAST
                && a.summary().startsWith("Local port 8081")).findFirst().orElseThrow();
        assertThat(port.status()).isEqualTo(LeakAlert.Status.OPENED);
        assertThat(port.limit()).isEqualTo(40);
        assertThat(port.peers()).containsExactly("127.0.0.2");
        assertThat(port.states()).containsExactly("ESTABLISHED");
        assertThat(port.summary()).contains("Growing peers: 127.0.0.2 +").doesNotContain("127.0.0.1")
                .doesNotContain("TIME_WAIT");
        // the table's budget counts connections and descriptors, not the TIME_WAIT churn (2,400 sockets at the
        // end, 24 % of the ephemeral-port default): no table alert, no port 9000 in any alert
        assertThat(alerts).noneMatch(a -> a.summary().startsWith("The socket table"));
        assertThat(alerts).allMatch(a -> a.summary().startsWith("Local port 8081"));
    }
}
