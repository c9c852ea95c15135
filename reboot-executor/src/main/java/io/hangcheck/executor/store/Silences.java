package io.hangcheck.executor.store;

import io.hangcheck.executor.domain.Silence;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.hangcheck.executor.store.Sql.instant;
import static io.hangcheck.executor.store.Sql.ts;

/** Table {@code silence}: hosts or labels not to reset for a while; an ended silence is kept for the record. */
@Singleton
public class Silences extends Table {

    private static final String SELECT =
            "SELECT id, host_id, label_key, label_value, starts_at, ends_at, author, reason, created_at FROM silence";

    public List<Silence> active(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE starts_at <= ? AND ends_at > ? ORDER BY id")) {
            ps.setObject(1, ts(now));
            ps.setObject(2, ts(now));
            return silences(ps);
        }
    }

    /** Silences not yet ended. */
    public List<Silence> notEnded(Instant now) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE ends_at > ? ORDER BY id")) {
                ps.setObject(1, ts(now));
                return silences(ps);
            }
        });
    }

    public Silence add(String hostId, String labelKey, String labelValue, Instant startsAt, Instant endsAt,
                       String author, String reason, Instant now) {
        return db.inTransaction(c -> {
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
    public boolean expire(long id, Instant now) {
        return db.inTransaction(c -> {
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
}
