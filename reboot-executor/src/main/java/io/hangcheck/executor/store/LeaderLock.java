package io.hangcheck.executor.store;

import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The two advisory locks: the leader's, held for a process's life, and the one that serialises decisions. */
@Singleton
public class LeaderLock {

    /** Key of the advisory lock that serialises decisions across executor replicas. */
    public static final long DECISION_LOCK = 0x68616e67L; // "hang"

    /** Key of the session-level advisory lock the one active executor (the leader) holds for its life. */
    public static final long LEADER_LOCK = 0x6c656164L; // "lead"

    /** Backend pid of this process's leader-lock session; 0 while this process is not the leader. */
    private volatile int leaderPid;

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
}
