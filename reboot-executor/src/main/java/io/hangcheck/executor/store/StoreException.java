package io.hangcheck.executor.store;

import java.sql.SQLException;

/** The database failed (unreachable, or a statement failed). Without the database nothing is rebooted. */
public class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super("database: " + cause.getMessage(), cause);
    }

    /** True for a unique-key violation (SQLState 23505). */
    public boolean uniqueViolation() {
        return getCause() instanceof SQLException s && "23505".equals(s.getSQLState());
    }
}
