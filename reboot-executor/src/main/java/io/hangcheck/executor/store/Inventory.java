package io.hangcheck.executor.store;

import io.hangcheck.executor.domain.InventoryEntry;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.hangcheck.executor.store.Sql.count;
import static io.hangcheck.executor.store.Sql.instant;
import static io.hangcheck.executor.store.Sql.json;
import static io.hangcheck.executor.store.Sql.map;
import static io.hangcheck.executor.store.Sql.ts;

/** Table {@code inventory}: the hosts that may be reset, with their driver, its parameters and labels. */
@Singleton
public class Inventory extends Table {

    private static final String SELECT =
            "SELECT host_id, driver, params::text, labels::text, enabled, updated_at, updated_by FROM inventory";

    public Optional<InventoryEntry> get(Connection c, String hostId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE host_id = ?")) {
            ps.setString(1, hostId);
            List<InventoryEntry> list = entries(ps);
            return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
        }
    }

    public Optional<InventoryEntry> get(String hostId) {
        return db.inTransaction(c -> get(c, hostId));
    }

    public List<InventoryEntry> list(int limit) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY host_id LIMIT ?")) {
                ps.setInt(1, limit);
                return entries(ps);
            }
        });
    }

    public int enabledHosts(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM inventory WHERE enabled")) {
            return count(ps);
        }
    }

    /** Inserts or replaces an entry; true when it was new. */
    public boolean put(InventoryEntry e) {
        return db.inTransaction(c -> {
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

    public boolean delete(String hostId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM inventory WHERE host_id = ?")) {
                ps.setString(1, hostId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static List<InventoryEntry> entries(PreparedStatement ps) throws SQLException {
        List<InventoryEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new InventoryEntry(rs.getString(1), rs.getString(2), map(rs.getString(3)), map(rs.getString(4)),
                        rs.getBoolean(5), instant(rs, 6), rs.getString(7)));
            }
        }
        return out;
    }
}
