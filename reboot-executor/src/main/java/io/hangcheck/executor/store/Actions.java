package io.hangcheck.executor.store;

import io.hangcheck.executor.domain.ResetType;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.hangcheck.executor.store.Sql.count;
import static io.hangcheck.executor.store.Sql.instant;
import static io.hangcheck.executor.store.Sql.instants;
import static io.hangcheck.executor.store.Sql.ts;

/**
 * Table {@code action}: the reset attempts, open until confirmed, failed, escalated, quarantined or UNKNOWN. The
 * unique index {@code action_one_open_per_host} allows one open attempt per host.
 */
@Singleton
public class Actions {

    private static final String COLUMNS =
            "id, incident_id, host_id, attempt, driver, reset_type, boot_id, intent_at, outcome, deadline_at, closed";

    /** Binds a query's parameters. */
    private interface Binding {
        void bind(PreparedStatement ps) throws SQLException;
    }

    public long insert(Connection c, String incidentId, String hostId, int attempt, String driver,
                       ResetType type, String bootId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO action (incident_id, host_id, attempt, driver, reset_type, boot_id, intent_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, incidentId);
            ps.setString(2, hostId);
            ps.setInt(3, attempt);
            ps.setString(4, driver);
            ps.setString(5, type.name());
            ps.setString(6, bootId);
            ps.setObject(7, ts(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Records the driver's answer; the action is closed as {@code closedAs} (null: left open, waiting for the new
     * boot). False when the attempt had an outcome already (it was marked UNKNOWN meanwhile): then the answer is not
     * recorded over it.
     */
    public boolean setOutcome(Connection c, long actionId, ActionOutcome outcome, Instant now, Instant deadline, ClosedAs closedAs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE action SET outcome = ?, outcome_at = ?, deadline_at = ?, closed = ?, closed_as = ? WHERE id = ? AND outcome IS NULL")) {
            ps.setString(1, outcome.name());
            ps.setObject(2, ts(now));
            ps.setObject(3, deadline == null ? null : ts(deadline), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setBoolean(4, closedAs != null);
            ps.setString(5, closedAs == null ? null : closedAs.name());
            ps.setLong(6, actionId);
            return ps.executeUpdate() == 1;
        }
    }

    public void close(Connection c, long actionId, ClosedAs closedAs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE action SET closed = TRUE, closed_as = ? WHERE id = ? AND NOT closed")) {
            ps.setString(1, closedAs.name());
            ps.setLong(2, actionId);
            ps.executeUpdate();
        }
    }

    /** Attempts whose driver never answered (the executor stopped in between). */
    public List<ActionRow> unfinished(Connection c) throws SQLException {
        return select(c, "WHERE outcome IS NULL AND NOT closed", ps -> { });
    }

    /** Attempts whose driver has not answered since before {@code before} (this process is running). */
    public List<ActionRow> outcomeOverdue(Connection c, Instant before) throws SQLException {
        return select(c, "WHERE outcome IS NULL AND NOT closed AND intent_at < ?", ps -> ps.setObject(1, ts(before)));
    }

    /** Executed attempts waiting for the host to come back. */
    public List<ActionRow> awaitingConfirmation(Connection c) throws SQLException {
        return select(c, "WHERE outcome = 'EXECUTED' AND NOT closed", ps -> { });
    }

    /** Executed attempts waiting for {@code hostId} to come back. */
    public List<ActionRow> awaitingConfirmation(Connection c, String hostId) throws SQLException {
        return select(c, "WHERE outcome = 'EXECUTED' AND NOT closed AND host_id = ?", ps -> ps.setString(1, hostId));
    }

    /** The rows {@code where} selects, oldest first, locked for the caller's transaction. */
    private static List<ActionRow> select(Connection c, String where, Binding binding) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM action " + where + " ORDER BY id FOR UPDATE")) {
            binding.bind(ps);
            List<ActionRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String outcome = rs.getString(9);
                    out.add(new ActionRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                            ResetType.valueOf(rs.getString(6)), rs.getString(7), instant(rs, 8),
                            outcome == null ? null : ActionOutcome.valueOf(outcome), instant(rs, 10), rs.getBoolean(11)));
                }
            }
            return out;
        }
    }

    /**
     * The host's open action (no outcome yet, or executed and waiting for its new boot) as
     * {@code incident#attempt}, or null.
     */
    public String openAttempt(Connection c, String hostId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT incident_id, attempt FROM action WHERE host_id = ? AND NOT closed")) {
            ps.setString(1, hostId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) + "#" + rs.getInt(2) : null;
            }
        }
    }

    /** Attempts not yet closed: in flight. */
    public int inFlight(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM action WHERE NOT closed")) {
            return count(ps);
        }
    }

    /** Intent times of one host since {@code since}. */
    public List<Instant> hostResets(Connection c, String hostId, Instant since) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT intent_at FROM action WHERE host_id = ? AND intent_at > ? ORDER BY intent_at")) {
            ps.setString(1, hostId);
            ps.setObject(2, ts(since));
            return instants(ps);
        }
    }

    /** Intent times of every host since {@code since}. */
    public List<Instant> resetsSince(Connection c, Instant since) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT intent_at FROM action WHERE intent_at > ? ORDER BY intent_at")) {
            ps.setObject(1, ts(since));
            return instants(ps);
        }
    }

    /** Distinct hosts reset since {@code since}, other than {@code hostId}. */
    public int hostsResetSince(Connection c, Instant since, String hostId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(DISTINCT host_id) FROM action WHERE intent_at > ? AND host_id <> ?")) {
            ps.setObject(1, ts(since));
            ps.setString(2, hostId);
            return count(ps);
        }
    }
}
