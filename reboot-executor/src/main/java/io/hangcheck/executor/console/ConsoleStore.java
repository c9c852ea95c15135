package io.hangcheck.executor.console;

import io.agroal.api.AgroalDataSource;
import io.hangcheck.executor.store.StoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The console's own queries: pages of the ledger, the notification log and the console's audit trail,
 * newest first, filtered, paged by id ({@code before}) so a page costs the same at row 10 and row 10 million.
 * Read-only on the executor's tables; writes only {@code console_audit}.
 */
@ApplicationScoped
public class ConsoleStore {
    @Inject
    AgroalDataSource dataSource;

    /** One ledger row as the console shows it. */
    public record LedgerLine(long id, Instant at, String hostId, String incidentId, String decision, String reason,
                             String driver, int attempt, String detail) {
    }

    /** One message of the notification log. */
    public record NotificationLine(long id, Instant at, String channel, String groupKey, String subject, int alerts,
                                   String status, String error) {
    }

    /** One operator action taken through the console. */
    public record AuditLine(long id, Instant at, String actor, String role, String action, String target, String reason,
                            String outcome) {
    }

    /** Ledger rows, newest first; every filter may be null; {@code before} is the last id of the previous page. */
    public List<LedgerLine> ledger(String hostId, String decision, String reason, Long before, int limit) {
        return query("SELECT id, at, host_id, incident_id, decision, reason, driver, attempt, detail::text FROM ledger"
                        + " WHERE (?::text IS NULL OR host_id = ?) AND (?::text IS NULL OR decision = ?)"
                        + " AND (?::text IS NULL OR reason = ?) AND (?::bigint IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
                rs -> new LedgerLine(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getString(9)),
                hostId, hostId, decision, decision, reason, reason, before, before, limit);
    }

    /** Notification log, newest first. */
    public List<NotificationLine> notifications(String channel, String status, String groupKey, Long before, int limit) {
        return query("SELECT id, at, channel, group_key, subject, alerts, status, error FROM notification_log"
                        + " WHERE (?::text IS NULL OR channel = ?) AND (?::text IS NULL OR status = ?)"
                        + " AND (?::text IS NULL OR group_key = ?) AND (?::bigint IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
                rs -> new NotificationLine(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8)),
                channel, channel, status, status, groupKey, groupKey, before, before, limit);
    }

    /** The console's audit trail, newest first, optionally of one target (a host id, "pause", a silence id). */
    public List<AuditLine> audit(String target, int limit) {
        return query("SELECT id, at, actor, role, action, target, reason, outcome FROM console_audit"
                        + " WHERE (?::text IS NULL OR target = ?) ORDER BY id DESC LIMIT ?",
                rs -> new AuditLine(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)),
                target, target, limit);
    }

    /** Writes one action to the audit trail: who, in which role, what, on what, why, and what came of it. */
    public void audit(Instant at, String actor, String role, String action, String target, String reason, String outcome) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = bind(c.prepareStatement(
                "INSERT INTO console_audit (at, actor, role, action, target, reason, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                Timestamp.from(at), actor, role, action, target, reason, outcome)) {
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Reads one row into a value. */
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = bind(c.prepareStatement(sql), args)) {
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private static PreparedStatement bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }
}
