package io.hangcheck.testing;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * The real PostgreSQL server tests use: the server of {@code HANGCHECK_DB_URL} if set (any database in that
 * URL; only host, port and query parameters count), else {@code 127.0.0.1:5432}; user
 * {@code HANGCHECK_DB_USER} (default {@code postgres}), password {@code HANGCHECK_DB_PASSWORD} (default
 * empty). {@code ./lab test} makes sure a server runs before the tests start.
 */
public final class TestPostgres {

    /** Server used when {@code HANGCHECK_DB_URL} is not set. */
    public static final String DEFAULT_SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private TestPostgres() {
    }

    /** Creates {@code database} if it does not exist and returns its JDBC URL. */
    public static String jdbcUrl(String database) {
        checkName(database);
        try (Connection c = connectAdmin();
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            boolean found;
            try (ResultSet rs = exists.executeQuery()) {
                found = rs.next();
            }
            if (!found) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + database);
                } catch (SQLException e) {
                    // 42P04 duplicate_database: another test JVM created it in between; that is fine.
                    if (!"42P04".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + " on " + serverUrl() + ": " + e.getMessage(), e);
        }
        return urlOf(database);
    }

    /** Drops {@code database} (ending its other connections) and creates it empty; returns its JDBC URL. */
    public static String recreate(String database) {
        checkName(database);
        try (Connection c = connectAdmin(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop database " + database + " on " + serverUrl() + ": " + e.getMessage(), e);
        }
        return jdbcUrl(database);
    }

    /** User tests connect as. */
    public static String user() {
        return env("HANGCHECK_DB_USER", "postgres");
    }

    /** Password tests connect with (empty for trust authentication). */
    public static String password() {
        return env("HANGCHECK_DB_PASSWORD", "");
    }

    /** JDBC URL of {@code database} on the test server (without creating it). */
    public static String urlOf(String database) {
        String server = serverUrl();
        int q = server.indexOf('?');
        String base = q < 0 ? server : server.substring(0, q);
        String query = q < 0 ? "" : server.substring(q);
        return base + database + query;
    }

    /** {@code jdbc:postgresql://host:port/} (plus query parameters) of the test server. */
    public static String serverUrl() {
        String configured = System.getenv("HANGCHECK_DB_URL");
        if (configured == null || configured.isBlank()) {
            return DEFAULT_SERVER;
        }
        if (!configured.startsWith("jdbc:postgresql://")) {
            throw new IllegalStateException("HANGCHECK_DB_URL must start with jdbc:postgresql:// but is " + configured);
        }
        URI uri = URI.create(configured.substring("jdbc:".length()));
        String authority = uri.getRawAuthority();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return "jdbc:postgresql://" + authority + "/" + query;
    }

    private static Connection connectAdmin() {
        String url = urlOf("postgres");
        try {
            return DriverManager.getConnection(url, user(), password());
        } catch (SQLException e) {
            throw new IllegalStateException("""
                    No PostgreSQL answers at %s as user %s (%s).
                    Tests need a real PostgreSQL server. Either:
                      - start the local one: ./lab test and ./lab up do it, or by hand
                        pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
                      - install one (Debian/Ubuntu): apt-get install -y postgresql  (then start it as above)
                      - or point HANGCHECK_DB_URL / HANGCHECK_DB_USER / HANGCHECK_DB_PASSWORD at a server you have.
                    """.formatted(url, user(), e.getMessage()), e);
        }
    }

    private static void checkName(String database) {
        if (database == null || !DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("database name must match " + DATABASE_NAME + " but is " + database);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
