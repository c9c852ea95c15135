package io.hangcheck.sockets.pg;

import io.hangcheck.sockets.domain.PgActivity;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Reads who is connected to one PostgreSQL server, from {@code pg_stat_activity}, over plain JDBC with short
 * timeouts (connect, login, socket, statement). Keeps one connection open between polls (opening one per poll
 * would itself churn sockets through TIME_WAIT on the machine we watch) and reopens it after a failure.
 * Not thread-safe: one reader per server, polled from one thread.
 */
public final class PgClientsReader implements AutoCloseable {
    /** Client backends by client address × application × user × state, with the oldest idle age. */
    static final String ACTIVITY_SQL = """
            SELECT coalesce(host(client_addr), 'local') AS client,
                   coalesce(application_name, '') AS application,
                   coalesce(usename, '') AS usr,
                   coalesce(state, 'unknown') AS state,
                   count(*) AS n,
                   max(extract(epoch FROM (now() - state_change)))
                       FILTER (WHERE state LIKE 'idle%') AS oldest_idle
              FROM pg_stat_activity
             WHERE backend_type = 'client backend'
             GROUP BY 1, 2, 3, 4
            """;

    private final String url;
    private final String server;
    private final Properties props = new Properties();
    private final int statementTimeoutSeconds;
    private Connection connection;

    /**
     * @param url     JDBC URL of the server
     * @param server  how the server is named in snapshots (host:port/database)
     * @param timeout bound on connect, login, socket reads and the statement
     */
    public PgClientsReader(String url, String user, String password, Duration timeout) {
        this.url = url;
        this.server = serverName(url);
        int seconds = (int) Math.max(1, timeout.toSeconds());
        this.statementTimeoutSeconds = seconds;
        props.setProperty("user", user);
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", Integer.toString(seconds));
        props.setProperty("loginTimeout", Integer.toString(seconds));
        props.setProperty("socketTimeout", Integer.toString(seconds * 2));
        props.setProperty("ApplicationName", "hangcheck-socket-monitor");
    }

    /** {@code jdbc:postgresql://h:5432/db?x=y} → {@code h:5432/db}. */
    public static String serverName(String url) {
        String s = url.startsWith("jdbc:postgresql://") ? url.substring("jdbc:postgresql://".length()) : url;
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    public String server() {
        return server;
    }

    /** One poll; throws when the server cannot be read (the caller counts and logs it, and keeps scanning). */
    public PgActivity read() throws SQLException {
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(url, props);
                connection.setAutoCommit(true);
            }
            int max;
            try (Statement st = connection.createStatement()) {
                st.setQueryTimeout(statementTimeoutSeconds);
                try (ResultSet rs = st.executeQuery("SELECT current_setting('max_connections')::int")) {
                    rs.next();
                    max = rs.getInt(1);
                }
            }
            List<PgActivity.Row> rows = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement(ACTIVITY_SQL)) {
                ps.setQueryTimeout(statementTimeoutSeconds);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        double idle = rs.getDouble("oldest_idle");
                        Long oldestIdle = rs.wasNull() ? null : (long) Math.floor(idle);
                        rows.add(new PgActivity.Row(rs.getString("client"), rs.getString("application"),
                                rs.getString("usr"), rs.getString("state"), rs.getInt("n"), oldestIdle));
                    }
                }
            }
            return new PgActivity(server, max, rows);
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the connection is being dropped because it failed; nothing more to do with it
            }
            connection = null;
        }
    }
}
