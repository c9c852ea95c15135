package io.hangcheck.sockets.domain;

import io.hangcheck.testing.SteppedClock;
import io.hangcheck.events.SocketSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real leak on loopback, checked against {@code ss -tan} (iproute2) at the same moment. Only sockets of this
 * test's ports are compared: the machine is shared and other programs' sockets come and go.
 *
 * <p>Made here (each client binds its own loopback address, so peers are told apart):
 * <ul>
 *   <li>ESTABLISHED: 3 pairs from 127.0.0.2, both ends open;</li>
 *   <li>CLOSE_WAIT + orphaned FIN_WAIT2: 4 clients from 127.0.0.3 close fully, the server never closes;</li>
 *   <li>CLOSE_WAIT + owned FIN_WAIT2: 2 clients from 127.0.0.4 shut down output only (half-closed);</li>
 *   <li>TIME_WAIT: 3 pairs from 127.0.0.5 closed by the client, then by the server;</li>
 *   <li>IPv6 on ::1: 2 ESTABLISHED pairs and 1 CLOSE_WAIT leak.</li>
 * </ul>
 * Java's sockets are dual-stack, so the IPv4 ones appear in {@code tcp6} as v4-mapped addresses.
 */
class RealLeakTest {
    private final List<AutoCloseableIo> open = new ArrayList<>();
    private final java.util.concurrent.ExecutorService dns = Executors.newSingleThreadExecutor();

    private interface AutoCloseableIo {
        void close() throws IOException;
    }

    @AfterEach
    void closeEverything() {
        dns.shutdownNow();
        for (AutoCloseableIo c : open) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing test sockets; nothing to report
            }
        }
    }

    private ServerSocket server(String addr) throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName(addr));
        open.add(s::close);
        return s;
    }

    private Socket[] pair(ServerSocket server, String from) throws IOException {
        Socket c = new Socket();
        open.add(c::close);
        c.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        c.connect(server.getLocalSocketAddress(), 2000);
        Socket s = server.accept();
        open.add(s::close);
        return new Socket[]{c, s};
    }

    /** One line of {@code ss -tan}: state, local and peer as the monitor names them. */
    record SsSocket(TcpState state, String local, int localPort, String peer, int peerPort) {
    }

    static List<SsSocket> ss() throws Exception {
        Process p = new ProcessBuilder("ss", "-tanH").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        List<SsSocket> list = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5) {
                continue;
            }
            String[] l = hostPort(f[3]);
            String[] r = hostPort(f[4]);
            list.add(new SsSocket(TcpState.ofSsName(f[0]), l[0], Integer.parseInt(l[1]), r[0],
                    r[1].equals("*") ? 0 : Integer.parseInt(r[1])));
        }
        return list;
    }

    /** {@code [::ffff:127.0.0.1]:5432} → {127.0.0.1, 5432}; {@code 0.0.0.0:*}; {@code *:80}; {@code [::1%lo]:80}. */
    private static String[] hostPort(String s) {
        int colon = s.lastIndexOf(':');
        String host = s.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int pct = host.indexOf('%');
        if (pct >= 0) {
            host = host.substring(0, pct);
        }
        if (host.equals("*")) {
            host = "::";
        }
        long[] a = Addresses.parse(host);
        return new String[]{Addresses.format(a[0], a[1]), s.substring(colon + 1)};
    }

    @Test
    void theMonitorsCountsEqualSsPerStateAndPerPeerForARealLeak() throws Exception {
        // given: the leak
        ServerSocket v4 = server("127.0.0.1");
        ServerSocket v6 = server("::1");
        while (v6.getLocalPort() == v4.getLocalPort()) {   // two addresses may get the same ephemeral port
            v6 = server("::1");
        }
        int p4 = v4.getLocalPort();
        int p6 = v6.getLocalPort();
        for (int i = 0; i < 3; i++) {
            pair(v4, "127.0.0.2");
        }
        for (int i = 0; i < 4; i++) {
            pair(v4, "127.0.0.3")[0].close();             // client closes, server never does
        }
        for (int i = 0; i < 2; i++) {
            pair(v4, "127.0.0.4")[0].shutdownOutput();    // half-closed: client still owns its socket
        }
        for (int i = 0; i < 3; i++) {
            Socket[] p = pair(v4, "127.0.0.5");
            p[0].close();
            p[1].close();                                 // active close by the client: it ends in TIME_WAIT
        }
        pair(v6, "::1");
        pair(v6, "::1");
        pair(v6, "::1")[0].close();
        Set<Integer> ours = Set.of(p4, p6);

        // wait until the kernel has settled every socket in the state the test made
        Map<String, Integer> expected = new TreeMap<>(Map.of(
                "LISTEN", 2, "ESTABLISHED", 10, "CLOSE_WAIT", 7, "FIN_WAIT2", 7, "TIME_WAIT", 3));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> byState(ssOf(ours)).equals(expected));

        // when: ss, and a scan right after it
        SteppedClock clock = new SteppedClock(Instant.parse("2026-01-01T00:00:00Z"));
        MonitorSettings settings = MonitorSettings.defaults("mon-test", "this-machine", Path.of("/proc"), Path.of("/proc/sys"))
                .withWatchedPorts(Map.of(p4, 0, p6, 0));
        settings = new MonitorSettings(settings.monitorId(), settings.node(), settings.procRoot(), settings.sysRoot(),
                20, 1000, settings.tableLimit(), settings.ownerPid(), settings.watchedPorts(), settings.ageBuckets(),
                settings.pgTop(), settings.rules());
        PeerNamer namer = new PeerNamer(a -> null, dns, clock, 10,
                Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofSeconds(1));
        SocketMonitor monitor = new SocketMonitor(settings, clock, namer);
        List<SsSocket> ss = ssOf(ours);
        SocketMonitor.Scan scan = monitor.scan();

        // then: per state, and per peer × state, equal to ss (only our ports)
        SocketTable mine = monitor.lastTable().select(i ->
                ours.contains(monitor.lastTable().localPort(i)) || ours.contains(monitor.lastTable().remotePort(i)));
        TableAggregate agg = TableAggregate.of(mine, 1000, 1000, ours);
        assertThat(byState(ss)).isEqualTo(expected);
        assertThat(nonZero(agg.byState())).isEqualTo(expected);
        assertThat(peerStates(agg)).isEqualTo(ssPeerStates(ss));
        assertThat(ssPeerStates(ss)).containsEntry("127.0.0.3 CLOSE_WAIT", 4).containsEntry("127.0.0.4 CLOSE_WAIT", 2)
                .containsEntry("127.0.0.1 FIN_WAIT2", 6).containsEntry("127.0.0.1 TIME_WAIT", 3)
                .containsEntry("::1 CLOSE_WAIT", 1);

        // the full scan's listener view of our ports equals ss too (no other program uses these ports)
        for (int port : ours) {
            SocketSnapshot.PortCount pc = scan.snapshot().localPorts().stream()
                    .filter(c -> c.port().equals(Integer.toString(port))).findFirst().orElseThrow();
            Map<String, Integer> ssPort = byState(ss.stream().filter(s -> s.localPort() == port).toList());
            assertThat(nonZeroNames(pc.byState())).as("port " + port).isEqualTo(ssPort);
        }
        assertThat(scan.rejectedLines()).isZero();

        // and the stuck sockets: owned vs orphaned FIN_WAIT2 (inode), ageing across scans
        int owned = 0;
        int orphaned = 0;
        for (int i = 0; i < mine.size(); i++) {
            if (mine.state(i) == TcpState.FIN_WAIT2) {
                if (mine.inode(i) == 0) {
                    orphaned++;
                } else {
                    owned++;
                }
            }
        }
        assertThat(owned).as("half-closed clients still hold theirs").isEqualTo(2);
        assertThat(orphaned).as("closed clients' FIN_WAIT2 are orphaned (+1 on ::1)").isEqualTo(5);
        clock.step(Duration.ofMinutes(3));
        SocketMonitor.Scan later = monitor.scan();
        assertThat(later.stuck().oldByPeer()).containsEntry("127.0.0.3", 4).containsEntry("127.0.0.4", 2);
        assertThat(later.stuck().closeWaitByLocalPort()).containsEntry(p4, 6).containsEntry(p6, 1);
    }

    private static List<SsSocket> ssOf(Set<Integer> ports) throws Exception {
        return ss().stream().filter(s -> ports.contains(s.localPort()) || ports.contains(s.peerPort())).toList();
    }

    private static Map<String, Integer> byState(List<SsSocket> list) {
        Map<String, Integer> m = new TreeMap<>();
        list.forEach(s -> m.merge(s.state().name(), 1, Integer::sum));
        return m;
    }

    private static Map<String, Integer> ssPeerStates(List<SsSocket> list) {
        Map<String, Integer> m = new TreeMap<>();
        list.stream().filter(s -> s.state().hasPeer()).forEach(s -> m.merge(s.peer() + " " + s.state().name(), 1, Integer::sum));
        return m;
    }

    private static Map<String, Integer> peerStates(TableAggregate agg) {
        Map<String, Integer> m = new TreeMap<>();
        assertThat(agg.otherPeers()).isNull();
        agg.peers().forEach(g -> g.byState().forEach((s, c) -> m.put(g.key() + " " + s.name(), c)));
        return m;
    }

    private static Map<String, Integer> nonZero(Map<TcpState, Integer> m) {
        Map<String, Integer> out = new TreeMap<>();
        m.forEach((s, c) -> {
            if (c > 0) {
                out.put(s.name(), c);
            }
        });
        return out;
    }

    private static Map<String, Integer> nonZeroNames(Map<String, Integer> m) {
        Map<String, Integer> out = new TreeMap<>();
        m.forEach((s, c) -> {
            if (c > 0) {
                out.put(s, c);
            }
        });
        return out;
    }
}
