package io.hangcheck.executor.store;

import io.hangcheck.executor.domain.PauseState;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

import static io.hangcheck.executor.store.Sql.instant;
import static io.hangcheck.executor.store.Sql.ts;

/** Table {@code pause}: the operators' kill switch, one row. */
@Singleton
public class KillSwitch extends Table {

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
        return db.inTransaction(this::pause);
    }

    public PauseState set(boolean paused, String author, String reason, Instant now) {
        return db.inTransaction(c -> {
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
}
