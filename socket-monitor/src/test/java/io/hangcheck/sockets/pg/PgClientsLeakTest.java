package io.hangcheck.sockets.pg;

import io.hangcheck.sockets.domain.PgActivity;
import io.hangcheck.events.LeakAlert;
import io.hangcheck.events.SocketSnapshot;
import io.hangcheck.sockets.domain.LeakRules;
import io.hangcheck.sockets.domain.MonitorSettings;
import io.hangcheck.sockets.domain.PeerNamer;
import io.hangcheck.sockets.domain.SocketMonitor;
import io.hangcheck.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import io.hangcheck.testing.SteppedClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real PostgreSQL leak: the test opens idle connections under its own {@code application_name}, and the
 * monitor attributes them to this client (127.0.0.1), that application and user, and flags the growth.
 */
class PgClientsLeakTest {
    private final List<Connection> leaked = new ArrayList<>();
    private final java.util.concurrent.ExecutorService dns = Executors.newSingleThreadExecutor();
    private final String app = "leak-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final String url = TestPostgres.jdbcUrl("hangcheck_sockets_test");

    @AfterEach
    void closeLeak() {
        dns.shutdownNow();
        for (Connection c : leaked) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing the test's own connections
            }
        }
    }

    private void leak(int n) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", TestPostgres.user());
        p.setProperty("password", TestPostgres.password());
        p.setProperty("ApplicationName", app);
        for (int i = 0; i < n; i++) {
            Connection c = DriverManager.getConnection(url, p);
            c.createStatement().execute("SELECT 1"); // used once, then left idle
            leaked.add(c);
        }
    }

    private static PgActivity.Row ours(PgActivity a, String app) {
        return a.rows().stream().filter(r -> r.application().equals(app)).findFirst().orElseThrow();
    }

    @Test
    void idleConnectionsAreAttributedToTheClientApplicationAndUser() throws Exception {
        leak(7);
        try (PgClientsReader reader = new PgClientsReader(url, TestPostgres.user(), TestPostgres.password(),
                Duration.ofSeconds(3))) {
            PgActivity a = reader.read();

            PgActivity.Row row = ours(a, app);
            assertThat(row.client()).isEqualTo("127.0.0.1");
            assertThat(row.user()).isEqualTo(TestPostgres.user());
            assertThat(row.state()).isEqualTo("idle");
            assertThat(row.count()).isEqualTo(7);
            assertThat(row.oldestIdleSeconds()).isNotNull().isGreaterThanOrEqualTo(0);
            assertThat(a.maxConnections()).isPositive();
            assertThat(a.used()).isGreaterThanOrEqualTo(8); // ours and the reader's own
            assertThat(a.server()).isEqualTo("127.0.0.1:5432/hangcheck_sockets_test");
            assertThat(a.rows()).anyMatch(r -> r.application().equals("hangcheck-socket-monitor")
                    && r.state().equals("active"));
        }
    }

    @Test
    void aClientWhoseIdleConnectionsKeepGrowingIsFlaggedByTheMonitor() throws Exception {
        // given: a monitor on this machine, a stepped clock, scans every 30 s of clock time
        SteppedClock clock = new SteppedClock(Instant.parse("2026-01-01T00:00:00Z"));
        MonitorSettings settings = MonitorSettings.defaults("mon-pg", "this-machine", Path.of("/proc"),
                Path.of("/proc/sys")).withRules(LeakRules.defaults());
        SocketMonitor monitor = new SocketMonitor(settings, clock, new PeerNamer(a -> null,
                dns, clock, 10, Duration.ofMinutes(1), Duration.ofMinutes(1),
                Duration.ofSeconds(1)));
        List<LeakAlert> alerts = new ArrayList<>();
        SocketSnapshot last = null;
        try (PgClientsReader reader = new PgClientsReader(url, TestPostgres.user(), TestPostgres.password(),
                Duration.ofSeconds(3))) {
            // when: the client leaks one more idle connection every scan, for 6.5 min (growth is judged over at
            // least half of the 10-min window)
            for (int scan = 0; scan < 14; scan++) {
                leak(1);
                monitor.acceptPg(Map.of(reader.server(), reader.read()));
                SocketMonitor.Scan s = monitor.scan();
                alerts.addAll(s.transitions());
                last = s.snapshot();
                clock.step(Duration.ofSeconds(30));
            }
        }

        // then: the snapshot attributes 14 idle connections to 127.0.0.1 × app × user, and the growth is flagged
        assertThat(last.pgClients()).filteredOn(c -> c.application().equals(app)).singleElement().satisfies(c -> {
            assertThat(c.clientAddr()).isEqualTo("127.0.0.1");
            assertThat(c.user()).isEqualTo(TestPostgres.user());
            assertThat(c.state()).isEqualTo("idle");
            assertThat(c.count()).isEqualTo(14);
        });
        assertThat(alerts).filteredOn(a -> a.kind() == LeakAlert.Kind.PG_IDLE_GROWTH)
                .filteredOn(a -> a.summary().contains(app)).singleElement().satisfies(a -> {
                    assertThat(a.status()).isEqualTo(LeakAlert.Status.OPENED);
                    assertThat(a.peers()).containsExactly("127.0.0.1");
                    assertThat(a.summary()).contains("client 127.0.0.1").contains("growing 2.0 per minute");
                });
    }
}
