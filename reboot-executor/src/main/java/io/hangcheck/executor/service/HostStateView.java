package io.hangcheck.executor.service;

import io.hangcheck.events.HostState;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The latest state of every host, read from the compacted {@code hangcheck.liveness.state.v1}. */
@ApplicationScoped
public class HostStateView {
    private final Map<String, HostState> latest = new ConcurrentHashMap<>();

    /** Applies one record of the compacted topic; a tombstone (null) forgets the host. */
    public void apply(String hostId, HostState state) {
        if (state == null) {
            if (hostId != null) {
                latest.remove(hostId);
            }
            return;
        }
        latest.merge(state.hostId(), state, (old, neu) -> neu.updatedAt().isBefore(old.updatedAt()) ? old : neu);
    }

    /** Hosts whose latest state is HUNG (a snapshot; the view keeps changing). */
    public java.util.List<HostState> hung() {
        return latest.values().stream().filter(s -> s.status() == io.hangcheck.events.HostStatus.HUNG).toList();
    }

    /** Every host's latest state (a live view for the console's table; it keeps changing). */
    public java.util.Collection<HostState> all() {
        return java.util.Collections.unmodifiableCollection(latest.values());
    }

    public HostState get(String hostId) {
        return latest.get(hostId);
    }

    public int size() {
        return latest.size();
    }
}
