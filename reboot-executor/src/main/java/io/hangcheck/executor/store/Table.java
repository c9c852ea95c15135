package io.hangcheck.executor.store;

import jakarta.inject.Inject;

/** One concern's tables of the ledger database; what is not done inside a caller's transaction runs in one of its own. */
abstract class Table {
    @Inject
    Database db;
}
