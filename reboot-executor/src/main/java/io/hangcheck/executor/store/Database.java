package io.hangcheck.executor.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The ledger database: one transaction at a time for the callers. The classes beside it hold the SQL, one concern
 * each, as prepared statements (no string-built SQL); their methods that take a {@link Connection} run inside the
 * caller's transaction ({@link #inTransaction}), the others open their own.
 */
public class Database {

    private final DataSource dataSource;

    public Database(DataSource dataSource) {
        this.dataSource = dataSource;
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
}
