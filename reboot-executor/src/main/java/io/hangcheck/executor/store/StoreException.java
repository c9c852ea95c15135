package io.hangcheck.executor.store;

import java.sql.SQLException;

/** The database failed (unreachable, or a statement failed). Without the database nothing is rebooted. */
public class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super("database: " + cause.getMessage(), cause);
    }
}
