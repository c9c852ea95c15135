package io.hangcheck.executor.store;

import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.hangcheck.executor.store.Sql.count;
import static io.hangcheck.executor.store.Sql.instant;
import static io.hangcheck.executor.store.Sql.ts;

/** Table {@code outbox}: ledger rows waiting to be relayed to their topic ({@link LedgerRows#append} writes them). */
@Singleton
public class Outbox extends Table {

    /** One unsent outbox row. */
    public record Row(long id, String topic, String key, byte[] payload, Instant createdAt, long ledgerId) {
    }

    /** Locks up to {@code limit} unsent rows (other replicas skip them) for the caller's transaction. */
    public List<Row> lockUnsent(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, topic, record_key, payload, created_at, ledger_id FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
            ps.setInt(1, limit);
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4), instant(rs, 5), rs.getLong(6)));
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
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM outbox WHERE sent_at IS NULL")) {
                return count(ps);
            }
        });
    }
}
