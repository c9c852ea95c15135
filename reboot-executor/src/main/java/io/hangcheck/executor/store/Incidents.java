package io.hangcheck.executor.store;

import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

import static io.hangcheck.executor.store.Sql.ts;

/** Table {@code incident}: the claim that makes every incident decided once. */
@Singleton
public class Incidents {

    /**
     * Claims an incident, with the {@code groupDegraded} mark of the HUNG that claims it (null when none); false
     * when it was claimed before (a duplicate: the first claim's mark stays).
     */
    public boolean claim(Connection c, String incidentId, String hostId, String bootId, String origin, String groupDegraded,
                         Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO incident (incident_id, host_id, boot_id, origin, claimed_at, group_degraded) VALUES (?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (incident_id) DO NOTHING")) {
            ps.setString(1, incidentId);
            ps.setString(2, hostId);
            ps.setString(3, bootId);
            ps.setString(4, origin);
            ps.setObject(5, ts(now));
            ps.setString(6, groupDegraded);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Where an incident stands: claimed or not, whether any reset attempt was made for it, its last decision
     * that was not a duplicate's skip (null when none) and the group mark it was claimed with.
     */
    public IncidentStanding standing(Connection c, String incidentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM incident WHERE incident_id = ?), EXISTS (SELECT 1 FROM action WHERE incident_id = ?),"
                        + " l.decision, l.reason, (SELECT group_degraded FROM incident WHERE incident_id = ?)"
                        + " FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT decision, reason FROM ledger"
                        + " WHERE incident_id = ? AND attempt = 0 AND reason <> 'DUPLICATE_INCIDENT' ORDER BY id DESC LIMIT 1) AS l ON TRUE")) {
            ps.setString(1, incidentId);
            ps.setString(2, incidentId);
            ps.setString(3, incidentId);
            ps.setString(4, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String decision = rs.getString(3);
                return new IncidentStanding(rs.getBoolean(1), rs.getBoolean(2),
                        decision == null ? null : RebootDecision.valueOf(decision),
                        decision == null ? null : RebootReason.valueOf(rs.getString(4)), rs.getString(5));
            }
        }
    }
}
