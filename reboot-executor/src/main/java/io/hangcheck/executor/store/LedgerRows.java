package io.hangcheck.executor.store;

import io.hangcheck.events.EventCodec;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.executor.config.ExecutorConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.hangcheck.executor.store.Sql.instant;
import static io.hangcheck.executor.store.Sql.json;
import static io.hangcheck.executor.store.Sql.map;
import static io.hangcheck.executor.store.Sql.ts;

/** Table {@code ledger}, the record: every row is appended together with its {@code outbox} row. */
@Singleton
public class LedgerRows extends Table {

    private final String rebootsTopic;

    @Inject
    public LedgerRows(ExecutorConfig config) {
        this.rebootsTopic = config.outbox().topic();
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

    /** The newest rows first, each filter optional (null). */
    public List<RebootRecord> ledger(String hostId, Instant from, Instant to, RebootDecision decision, int limit) {
        return db.inTransaction(c -> {
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
}
