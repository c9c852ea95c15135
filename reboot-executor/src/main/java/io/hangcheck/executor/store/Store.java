package io.hangcheck.executor.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.executor.domain.InventoryEntry;
import io.hangcheck.executor.domain.PauseState;
import io.hangcheck.executor.domain.ResetType;
import io.hangcheck.executor.domain.Silence;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All SQL of the executor, as prepared statements (no string-built SQL). Methods that take a
 * {@link Connection} run inside the caller's transaction ({@link #inTransaction}); every ledger row is
 * appended together with its outbox row.
 */
public class Store {

    /** Key of the advisory lock that serialises decisions across executor replicas. */
    public static final long DECISION_LOCK = 0x68616e67L; // "hang"

    /** Key of the session-level advisory lock the one active executor (the leader) holds for its life. */
    public static final long LEADER_LOCK = 0x6c656164L; // "lead"

    /** Backend pid of this process's leader-lock session; 0 while this process is not the leader. */
    private volatile int leaderPid;

    private static final ObjectMapper JSON = EventCodec.mapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

    private final DataSource dataSource;
    private final String rebootsTopic;

    public Store(DataSource dataSource, String rebootsTopic) {
        this.dataSource = dataSource;
        this.rebootsTopic = rebootsTopic;
    }

    /** Work inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    public <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Fails unless the database answers. */
    public void ping() {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1")) {
                ps.setQueryTimeout(2);
                ps.executeQuery().close();
            }
            return null;
        });
    }

    /** Decisions of this process are fenced to the leader-lock session {@code pid} (0: none may be written). */
    public void fenceTo(int pid) {
        leaderPid = pid;
    }

    /**
     * Serialises decisions until the transaction ends, and fences them: the transaction goes on only while this
     * process's leader-lock session still holds the lock. A leader replaced while it was busy (its session ended,
     * a standby took over and marked its open attempt UNKNOWN) cannot write over its successor's record.
     */
    public void lockDecisions(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, DECISION_LOCK);
            ps.executeQuery().close();
        }
        int pid = leaderPid;
        if (pid == 0) {
            throw new NotLeaderException("this executor is not the leader (standby); nothing is decided here");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                + " AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1 AND pid = ? AND granted)")) {
            ps.setLong(1, LEADER_LOCK >>> 32);
            ps.setLong(2, LEADER_LOCK & 0xffffffffL);
            ps.setInt(3, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new NotLeaderException("this executor's leader lock is gone (session " + pid + " ended); nothing is decided here");
                }
            }
        }
    }

    /**
     * Takes the leader lock on {@code c} (a session kept open for the process's life) without waiting; returns
     * the session's backend pid, or 0 when another session holds it.
     */
    public static int tryLeaderLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?), pg_backend_pid()")) {
            ps.setLong(1, LEADER_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? rs.getInt(2) : 0;
            }
        }
    }

    // ---- incidents, actions, ledger ----

    /** Claims an incident; false when it was claimed before (a duplicate). */
    public boolean claimIncident(Connection c, String incidentId, String hostId, String bootId, String origin, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO incident (incident_id, host_id, boot_id, origin, claimed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (incident_id) DO NOTHING")) {
            ps.setString(1, incidentId);
            ps.setString(2, hostId);
            ps.setString(3, bootId);
            ps.setString(4, origin);
            ps.setObject(5, ts(now));
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Where an incident stands: claimed or not, whether any reset attempt was made for it, and its last decision
     * that was not a duplicate's skip (null when none).
     */
    public IncidentStanding standing(Connection c, String incidentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM incident WHERE incident_id = ?), EXISTS (SELECT 1 FROM action WHERE incident_id = ?),"
                        + " l.decision, l.reason FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT decision, reason FROM ledger"
                        + " WHERE incident_id = ? AND attempt = 0 AND reason <> 'DUPLICATE_INCIDENT' ORDER BY id DESC LIMIT 1) AS l ON TRUE")) {
            ps.setString(1, incidentId);
            ps.setString(2, incidentId);
            ps.setString(3, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String decision = rs.getString(3);
                return new IncidentStanding(rs.getBoolean(1), rs.getBoolean(2),
                        decision == null ? null : RebootDecision.valueOf(decision),
                        decision == null ? null : RebootReason.valueOf(rs.getString(4)));
            }
        }
    }

    /** Appends a ledger row and its outbox row; returns the record as published. */
    public RebootRecord append(Connection c, LedgerRow row) throws SQLException {
        long id;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ledger (incident_id, host_id, decision, reason, driver, attempt, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb) RETURNING id")) {
            ps.setString(1, row.incidentId());
            ps.setString(2, row.hostId());
            ps.setString(3, row.decision().name());
            ps.setString(4, row.reason().name());
            ps.setString(5, row.driver());
            ps.setInt(6, row.attempt());
            ps.setObject(7, ts(row.at()));
            ps.setString(8, json(row.detail()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        RebootRecord record = row.toRecord(id);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox (ledger_id, topic, record_key, payload, created_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, rebootsTopic);
            ps.setString(3, row.hostId());
            ps.setBytes(4, EventCodec.toBytes(record));
            ps.setObject(5, ts(row.at()));
            ps.executeUpdate();
        }
        return record;
    }

    public long insertAction(Connection c, String incidentId, String hostId, int attempt, String driver,
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
     * Records the driver's answer; a closed action no longer counts as in flight. False when the attempt had an
     * outcome already (it was marked UNKNOWN meanwhile): then the answer is not recorded over it.
     */
    public boolean setOutcome(Connection c, long actionId, String outcome, Instant now, Instant deadline, boolean closed, String closedAs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE action SET outcome = ?, outcome_at = ?, deadline_at = ?, closed = ?, closed_as = ? WHERE id = ? AND outcome IS NULL")) {
            ps.setString(1, outcome);
            ps.setObject(2, ts(now));
            ps.setObject(3, deadline == null ? null : ts(deadline), Types.TIMESTAMP_WITH_TIMEZONE);
            ps.setBoolean(4, closed);
            ps.setString(5, closedAs);
            ps.setLong(6, actionId);
            return ps.executeUpdate() == 1;
        }
    }

    public void closeAction(Connection c, long actionId, String closedAs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE action SET closed = TRUE, closed_as = ? WHERE id = ? AND NOT closed")) {
            ps.setString(1, closedAs);
            ps.setLong(2, actionId);
            ps.executeUpdate();
        }
    }

    private static final String ACTION_COLUMNS =
            "id, incident_id, host_id, attempt, driver, reset_type, boot_id, intent_at, outcome, deadline_at, closed";

    /** Attempts whose driver never answered (the executor stopped in between). */
    public List<ActionRow> unfinishedActions(Connection c) throws SQLException {
        return actions(c, "SELECT " + ACTION_COLUMNS + " FROM action WHERE outcome IS NULL AND NOT closed ORDER BY id FOR UPDATE", null);
    }

    /** Attempts whose driver has not answered since before {@code before} (this process is running). */
    public List<ActionRow> outcomeOverdue(Connection c, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ACTION_COLUMNS
                + " FROM action WHERE outcome IS NULL AND NOT closed AND intent_at < ? ORDER BY id FOR UPDATE")) {
            ps.setObject(1, ts(before));
            List<ActionRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ActionRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                            ResetType.valueOf(rs.getString(6)), rs.getString(7), instant(rs, 8), rs.getString(9),
                            instant(rs, 10), rs.getBoolean(11)));
                }
            }
            return out;
        }
    }

    /** Executed attempts waiting for the host to come back. */
    public List<ActionRow> awaitingConfirmation(Connection c) throws SQLException {
        return actions(c, "SELECT " + ACTION_COLUMNS + " FROM action WHERE outcome = 'EXECUTED' AND NOT closed ORDER BY id FOR UPDATE", null);
    }

    public List<ActionRow> awaitingConfirmation(Connection c, String hostId) throws SQLException {
        return actions(c, "SELECT " + ACTION_COLUMNS + " FROM action WHERE outcome = 'EXECUTED' AND NOT closed AND host_id = ? ORDER BY id FOR UPDATE", hostId);
    }

    private List<ActionRow> actions(Connection c, String sql, String hostId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (hostId != null) {
                ps.setString(1, hostId);
            }
            List<ActionRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ActionRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                            ResetType.valueOf(rs.getString(6)), rs.getString(7), instant(rs, 8), rs.getString(9),
                            instant(rs, 10), rs.getBoolean(11)));
                }
            }
            return out;
        }
    }

    /**
     * The host's open action (no outcome yet, or executed and waiting for its new boot) as
     * {@code incident#attempt}, or null. The unique index {@code action_one_open_per_host} allows one.
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

    public List<RebootRecord> ledger(String hostId, Instant from, Instant to, RebootDecision decision, int limit) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, incident_id, host_id, decision, reason, driver, attempt, at, detail FROM ledger"
                            + " WHERE (?::text IS NULL OR host_id = ?) AND (?::timestamptz IS NULL OR at >= ?)"
                            + " AND (?::timestamptz IS NULL OR at < ?) AND (?::text IS NULL OR decision = ?)"
                            + " ORDER BY id DESC LIMIT ?")) {
                ps.setString(1, hostId);
                ps.setString(2, hostId);
                ps.setObject(3, from == null ? null : ts(from), Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(4, from == null ? null : ts(from), Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(5, to == null ? null : ts(to), Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(6, to == null ? null : ts(to), Types.TIMESTAMP_WITH_TIMEZONE);
                String d = decision == null ? null : decision.name();
                ps.setString(7, d);
                ps.setString(8, d);
                ps.setInt(9, limit);
                List<RebootRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new RebootRecord(Long.toString(rs.getLong(1)), rs.getString(2), rs.getString(3),
                                RebootDecision.valueOf(rs.getString(4)), RebootReason.valueOf(rs.getString(5)), null,
                                rs.getString(6), rs.getInt(7), instant(rs, 8), map(rs.getString(9))));
                    }
                }
                return out;
            }
        });
    }

    // ---- quarantine ----

    public boolean isQuarantined(Connection c, String hostId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM quarantine WHERE host_id = ?")) {
            ps.setString(1, hostId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
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

    public boolean releaseQuarantine(String hostId) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM quarantine WHERE host_id = ?")) {
                ps.setString(1, hostId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public int quarantinedHosts() {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM quarantine")) {
                return count(ps);
            }
        });
    }

    // ---- pause ----

    public PauseState pause(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT paused, author, reason, since FROM pause WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return PauseState.RUNNING;
            }
            return new PauseState(rs.getBoolean(1), rs.getString(2), rs.getString(3), instant(rs, 4));
        }
    }

    public PauseState pause() {
        return inTransaction(this::pause);
    }

    public PauseState setPause(boolean paused, String author, String reason, Instant now) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO pause (id, paused, author, reason, since) VALUES (1, ?, ?, ?, ?)"
                            + " ON CONFLICT (id) DO UPDATE SET paused = EXCLUDED.paused, author = EXCLUDED.author, reason = EXCLUDED.reason, since = EXCLUDED.since")) {
                ps.setBoolean(1, paused);
                ps.setString(2, author);
                ps.setString(3, reason);
                ps.setObject(4, ts(now));
                ps.executeUpdate();
            }
            return pause(c);
        });
    }

    // ---- silences ----

    public List<Silence> activeSilences(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SILENCE_SELECT + " WHERE starts_at <= ? AND ends_at > ? ORDER BY id")) {
            ps.setObject(1, ts(now));
            ps.setObject(2, ts(now));
            return silences(ps);
        }
    }

    private static final String SILENCE_SELECT =
            "SELECT id, host_id, label_key, label_value, starts_at, ends_at, author, reason, created_at FROM silence";

    /** Silences not yet ended. */
    public List<Silence> silences(Instant now) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(SILENCE_SELECT + " WHERE ends_at > ? ORDER BY id")) {
                ps.setObject(1, ts(now));
                return silences(ps);
            }
        });
    }

    public Silence addSilence(String hostId, String labelKey, String labelValue, Instant startsAt, Instant endsAt,
                              String author, String reason, Instant now) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO silence (host_id, label_key, label_value, starts_at, ends_at, author, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
                ps.setString(1, hostId);
                ps.setString(2, labelKey);
                ps.setString(3, labelValue);
                ps.setObject(4, ts(startsAt));
                ps.setObject(5, ts(endsAt));
                ps.setString(6, author);
                ps.setString(7, reason);
                ps.setObject(8, ts(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Silence(rs.getLong(1), hostId, labelKey, labelValue, startsAt, endsAt, author, reason, now);
                }
            }
        });
    }

    /** Ends a silence now (kept for the record); false if there is none with that id. */
    public boolean expireSilence(long id, Instant now) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE silence SET ends_at = GREATEST(starts_at + interval '1 millisecond', ?) WHERE id = ? AND ends_at > ?")) {
                ps.setObject(1, ts(now));
                ps.setLong(2, id);
                ps.setObject(3, ts(now));
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static List<Silence> silences(PreparedStatement ps) throws SQLException {
        List<Silence> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Silence(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5),
                        instant(rs, 6), rs.getString(7), rs.getString(8), instant(rs, 9)));
            }
        }
        return out;
    }

    // ---- inventory ----

    public Optional<InventoryEntry> inventory(Connection c, String hostId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INVENTORY_SELECT + " WHERE host_id = ?")) {
            ps.setString(1, hostId);
            List<InventoryEntry> list = inventories(ps);
            return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
        }
    }

    public Optional<InventoryEntry> inventory(String hostId) {
        return inTransaction(c -> inventory(c, hostId));
    }

    private static final String INVENTORY_SELECT =
            "SELECT host_id, driver, params::text, labels::text, enabled, updated_at, updated_by FROM inventory";

    public List<InventoryEntry> inventoryList(int limit) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(INVENTORY_SELECT + " ORDER BY host_id LIMIT ?")) {
                ps.setInt(1, limit);
                return inventories(ps);
            }
        });
    }

    public int enabledHosts(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM inventory WHERE enabled")) {
            return count(ps);
        }
    }

    /** Inserts or replaces an entry; true when it was new. */
    public boolean putInventory(InventoryEntry e) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO inventory (host_id, driver, params, labels, enabled, updated_at, updated_by) VALUES (?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)"
                            + " ON CONFLICT (host_id) DO UPDATE SET driver = EXCLUDED.driver, params = EXCLUDED.params, labels = EXCLUDED.labels,"
                            + " enabled = EXCLUDED.enabled, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by"
                            + " RETURNING (xmax = 0)")) {
                ps.setString(1, e.hostId());
                ps.setString(2, e.driver());
                ps.setString(3, json(e.params()));
                ps.setString(4, json(e.labels()));
                ps.setBoolean(5, e.enabled());
                ps.setObject(6, ts(e.updatedAt()));
                ps.setString(7, e.updatedBy());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        });
    }

    public boolean deleteInventory(String hostId) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM inventory WHERE host_id = ?")) {
                ps.setString(1, hostId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static List<InventoryEntry> inventories(PreparedStatement ps) throws SQLException {
        List<InventoryEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new InventoryEntry(rs.getString(1), rs.getString(2), map(rs.getString(3)), map(rs.getString(4)),
                        rs.getBoolean(5), instant(rs, 6), rs.getString(7)));
            }
        }
        return out;
    }

    // ---- outbox ----

    /** One unsent outbox row. */
    public record OutboxRow(long id, String topic, String key, byte[] payload, Instant createdAt, long ledgerId) {
    }

    /** Locks up to {@code limit} unsent rows (other replicas skip them) for the caller's transaction. */
    public List<OutboxRow> lockUnsent(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, topic, record_key, payload, created_at, ledger_id FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
            ps.setInt(1, limit);
            List<OutboxRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new OutboxRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4), instant(rs, 5), rs.getLong(6)));
                }
            }
            return out;
        }
    }

    public void markSent(Connection c, List<Long> ids, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET sent_at = ? WHERE id = ANY (?)")) {
            ps.setObject(1, ts(now));
            ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            ps.executeUpdate();
        }
    }

    public int unsent() {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM outbox WHERE sent_at IS NULL")) {
                return count(ps);
            }
        });
    }

    // ---- notification log ----

    public void logNotification(String channel, String groupKey, String subject, String body, int alerts,
                                String status, String error, Instant now) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO notification_log (channel, group_key, subject, body, alerts, status, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, channel);
                ps.setString(2, groupKey);
                ps.setString(3, subject);
                ps.setString(4, body);
                ps.setInt(5, alerts);
                ps.setString(6, status);
                ps.setString(7, error);
                ps.setObject(8, ts(now));
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---- helpers ----

    static OffsetDateTime ts(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, int col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    private static int count(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<Instant> instants(PreparedStatement ps) throws SQLException {
        List<Instant> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(instant(rs, 1));
            }
        }
        return out;
    }

    static String json(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(map == null ? Map.of() : map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> map(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable JSON column: " + e.getOriginalMessage(), e);
        }
    }
}
