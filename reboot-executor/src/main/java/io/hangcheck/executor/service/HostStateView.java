package io.hangcheck.executor.service;

import io.hangcheck.events.HostState;
import io.hangcheck.events.HostStatus;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest state of every host, read from the compacted {@code hangcheck.liveness.state.v1}, with what the
 * re-check needs to trust it: whether the record was written by an evaluator (its CloudEvents {@code ce_source}
 * is {@value #EVALUATOR_SOURCE}…), and when this executor first received the host's current HUNG incident (by the
 * record's timestamp, never later than now) — a state record's own {@code since} could be forged.
 */
@ApplicationScoped
public class HostStateView {
    /** The {@code ce_source} prefix the liveness evaluator writes. */
    public static final String EVALUATOR_SOURCE = "/hangcheck/liveness-evaluator/";

    /** A host's state, who wrote it, and when its current incident was first received. */
    public record Seen(HostState state, boolean fromEvaluator, Instant incidentReceivedAt) {
    }

    private final Map<String, Seen> latest = new ConcurrentHashMap<>();

    /**
     * Applies one record of the compacted topic with its {@code ce_source} header (may be null) and its receive
     * time; a tombstone (null) forgets the host.
     */
    public void apply(String hostId, HostState state, String ceSource, Instant receivedAt) {
        if (state == null) {
            if (hostId != null) {
                latest.remove(hostId);
            }
            return;
        }
        boolean fromEvaluator = ceSource != null && ceSource.startsWith(EVALUATOR_SOURCE);
        latest.merge(state.hostId(), new Seen(state, fromEvaluator, receivedAt), (old, neu) -> {
            if (neu.state().updatedAt().isBefore(old.state().updatedAt())) {
                return old;
            }
            boolean sameIncident = old.state().status() == HostStatus.HUNG && neu.state().status() == HostStatus.HUNG
                    && Objects.equals(old.state().incidentId(), neu.state().incidentId());
            return sameIncident ? new Seen(neu.state(), neu.fromEvaluator(), old.incidentReceivedAt()) : neu;
        });
    }

    /** Hosts whose latest state is HUNG (a snapshot; the view keeps changing). */
    public List<HostState> hung() {
        return latest.values().stream().map(Seen::state).filter(s -> s.status() == HostStatus.HUNG).toList();
    }

    /** Like {@link #hung()}, with who wrote each state and when its incident was first received. */
    public List<Seen> hungSeen() {
        return latest.values().stream().filter(s -> s.state().status() == HostStatus.HUNG).toList();
    }

    /** Every host's latest state (a snapshot for the console's table). */
    public java.util.Collection<HostState> all() {
        return latest.values().stream().map(Seen::state).toList(); // a snapshot: 100,000 references, copied per page
    }

    public HostState get(String hostId) {
        Seen s = latest.get(hostId);
        return s == null ? null : s.state();
    }

    public int size() {
        return latest.size();
    }
}
