package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.HostRecord;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory host tables of this instance's stream tasks, by partition, for the REST API: the hosts store lags an
 * UP host's last-seen time by up to {@code store-write-every} ({@link HostTable}), the task's table does not. One per
 * instance (the application's is a CDI singleton; each test topology gets its own).
 */
public final class HostTables {
    private final Map<Integer, Map<String, HostTable.Entry>> byPartition = new ConcurrentHashMap<>();

    void register(int partition, Map<String, HostTable.Entry> table) {
        byPartition.put(partition, table);
    }

    void unregister(int partition, Map<String, HostTable.Entry> table) {
        byPartition.remove(partition, table);
    }

    /** The current record of {@code host} in the task of {@code partition}, or null (no such task here, or no such host). */
    public HostRecord get(int partition, String host) {
        Map<String, HostTable.Entry> t = byPartition.get(partition);
        HostTable.Entry e = t == null ? null : t.get(host);
        return e == null ? null : e.record();
    }
}
