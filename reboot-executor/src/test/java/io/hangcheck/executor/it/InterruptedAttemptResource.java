package io.hangcheck.executor.it;

import io.hangcheck.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * The state a crash leaves behind: an intent committed (incident claimed, action row, INTENT ledger row)
 * whose driver call never answered. The database is prepared before the executor starts, exactly as a killed
 * executor would have left it; the executor then starts on it.
 */
public class InterruptedAttemptResource implements QuarkusTestResourceLifecycleManager {
    public static final String DATABASE = "hangcheck_test_executor_restart";
    public static final String HOST = "crash-1";
    public static final String INCIDENT = "crash-1/b1/7";

    @Override
    public Map<String, String> start() {
        String url = TestPostgres.recreate(DATABASE);
        Flyway.configure().dataSource(url, TestPostgres.user(), TestPostgres.password())
                .locations("classpath:db/migration").load().migrate();
        int bmcPort = Integer.getInteger(PeersResource.BMC_PORT, 0);
        try (Connection c = DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password())) {
            exec(c, "INSERT INTO inventory (host_id, driver, params, labels, enabled, updated_at, updated_by) VALUES (?, 'redfish', ?::jsonb, '{}', TRUE, now(), 'test')",
                    HOST, "{\"bmc\":\"http://127.0.0.1:" + bmcPort + "\",\"systemId\":\"" + HOST + "\"}");
            exec(c, "INSERT INTO incident (incident_id, host_id, boot_id, origin, claimed_at) VALUES (?, ?, 'b1', 'HUNG', now())", INCIDENT, HOST);
            exec(c, "INSERT INTO action (incident_id, host_id, attempt, driver, reset_type, boot_id, intent_at) VALUES (?, ?, 1, 'redfish', 'GracefulRestart', 'b1', now())", INCIDENT, HOST);
            exec(c, "INSERT INTO ledger (incident_id, host_id, decision, reason, driver, attempt, at, detail) VALUES (?, ?, 'INTENT', 'POLICY_PASSED', 'redfish', 1, now(), '{}')", INCIDENT, HOST);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", TestPostgres.user(),
                "quarkus.datasource.password", TestPostgres.password());
    }

    private static void exec(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    @Override
    public void stop() {
    }
}
