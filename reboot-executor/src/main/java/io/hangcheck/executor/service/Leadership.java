package io.hangcheck.executor.service;

import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.messaging.LivenessEventsLoop;
import io.hangcheck.executor.metrics.ExecutorMetrics;
import io.hangcheck.executor.store.LeaderLock;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One active executor, enforced by PostgreSQL: the leader holds a session-level advisory lock
 * ({@link LeaderLock#LEADER_LOCK}) on a connection it keeps for its life. Only the leader recovers interrupted attempts
 * (after it holds the lock, never before), consumes the liveness events, decides, sweeps, re-checks and notifies;
 * every decision transaction checks that the lock session is still alive ({@link LeaderLock#lockDecisions}). A standby
 * is ready but passive and tries the lock every {@code leadership.retry-interval}: when the leader dies its session
 * ends, the lock is free, and the standby takes over within about one interval.
 */
@ApplicationScoped
public class Leadership {
    private static final Logger LOG = Logger.getLogger(Leadership.class);

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;
    @ConfigProperty(name = "quarkus.datasource.username")
    String user;
    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;
    @Inject
    LeaderLock lock;
    @Inject
    StartupRecovery recovery;
    @Inject
    LivenessEventsLoop events;
    @Inject
    ExecutorConfig config;
    @Inject
    ExecutorMetrics metrics;

    private volatile Connection session;
    private volatile boolean leader;
    private volatile String standbyBecause = "not started";
    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent ev) {
        metrics.leader.set(0);
        tick(); // at once: a single executor leads (and has recovered) before it reads any event
        timer = Daemons.timer("executor-leadership", 1);
        long every = config.leadership().retryInterval().toMillis();
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (timer != null) {
            timer.shutdownNow();
        }
        resign("shutting down");
    }

    /** True while this process holds the leader lock and has recovered. */
    public boolean leader() {
        return leader;
    }

    /** Why this process is a standby (null while it leads). */
    public String standbyBecause() {
        return leader ? null : standbyBecause;
    }

    synchronized void tick() {
        try {
            if (leader) {
                checkSession();
            } else {
                tryToLead();
            }
        } catch (RuntimeException e) {
            LOG.warnf("leadership: %s", e.getMessage());
        }
    }

    private void checkSession() {
        try (Statement st = session.createStatement()) {
            // generous: a slow answer is no loss of the lock (every decision checks the lock itself), a dead session is
            st.setQueryTimeout(10);
            st.execute("SELECT 1");
        } catch (SQLException | RuntimeException e) {
            resign("the leader lock session was lost: " + e.getMessage());
        }
    }

    private void tryToLead() {
        Connection c = null;
        try {
            c = openSession();
            int pid = LeaderLock.tryLeaderLock(c);
            if (pid == 0) {
                c.close();
                standbyBecause = "standby: another executor holds the leader lock";
                return;
            }
            session = c;
            lock.fenceTo(pid);
            recovery.recoverAsLeader(); // start-up recovery only once the lock is held
            leader = true;
            metrics.leader.set(1);
            events.start();
            LOG.infof("leader: holding the leader lock (session %d); interrupted attempts recovered, consuming liveness events", pid);
        } catch (SQLException | RuntimeException e) {
            String why = "standby: cannot lead, database unavailable: " + e.getMessage();
            if (session != null) {
                resign(why);
            } else if (c != null) {
                closeQuietly(c);
            }
            standbyBecause = why;
        }
    }

    /**
     * A connection of its own, outside the pool: a pooled connection returned to the pool would keep its session,
     * and so the lock, alive after this process stopped leading.
     */
    private Connection openSession() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password.orElse(""));
        p.setProperty("loginTimeout", "5");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "hangcheck-executor-leader");
        Connection c = DriverManager.getConnection(url, p);
        c.setAutoCommit(true);
        return c;
    }

    private void resign(String why) {
        boolean was = leader;
        leader = false;
        metrics.leader.set(0);
        lock.fenceTo(0);
        recovery.forgetRecovery();
        events.stop();
        Connection c = session;
        session = null;
        if (c != null) {
            closeQuietly(c); // ends the session: the lock is free for a standby
        }
        standbyBecause = "standby: " + why;
        if (was) {
            LOG.warnf("no longer the leader: %s", why);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debugf("closing the leader lock session: %s", e.getMessage());
        }
    }
}
