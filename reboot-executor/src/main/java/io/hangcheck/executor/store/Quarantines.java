package io.hangcheck.executor.store;

import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

import static io.hangcheck.executor.store.Sql.ts;

/** Table {@code quarantine}: hosts that wait for a person. */
@Singleton
public class Quarantines extends Table {

    public boolean isQuarantined(Connection c, String hostId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM quarantine WHERE host_id = ?")) {
            ps.setString(1, hostId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public boolean isQuarantined(String hostId) {
        return db.inTransaction(c -> isQuarantined(c, hostId));
    }

    /** Quarantines a host; false if it already was (so it is reported once). */
    public boolean quarantine(Connection c, String hostId, String reason, String incidentId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO quarantine (host_id, since, reason, incident_id) VALUES (?, ?, ?, ?) ON CONFLICT (host_id) DO NOTHING")) {
            ps.setString(1, hostId);
            ps.setObject(2, ts(now));
            ps.setString(3, reason);
            ps.setString(4, incidentId);
            return ps.executeUpdate() == 1;
        }
    }

    public boolean release(String hostId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM quarantine WHERE host_id = ?")) {
                ps.setString(1, hostId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public int count() {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM quarantine")) {
                return Sql.count(ps);
            }
        });
    }
}
