package io.hangcheck.events;

import java.util.List;

/**
 * An ingest instance's own health, as carried by every {@link Tick}. The evaluator treats silence of
 * hosts whose last heartbeat came via a {@code DEGRADED} instance as "cannot tell", never as a hang.
 *
 * @param state              OK or DEGRADED
 * @param reasons            why DEGRADED (empty when OK), e.g. {@code connections 410/500 >= 80%}
 * @param openConnections    TCP connections the instance holds now
 * @param connectionBudget   connections it allows before refusing new ones
 * @param acceptErrors       accept/refusal errors in the last interval
 * @param publishErrors      failed Kafka sends in the last interval
 * @param publishLatencyMsP99 99th percentile of Kafka acknowledgement latency in the last interval, ms
 * @param sendBufferFill     producer buffer in use, share of its size
 */
public record IngestHealth(
        State state,
        List<String> reasons,
        int openConnections,
        int connectionBudget,
        long acceptErrors,
        long publishErrors,
        double publishLatencyMsP99,
        double sendBufferFill) {

    public enum State { OK, DEGRADED }

    public IngestHealth {
        Check.required(state, "health.state");
        reasons = Check.list(reasons, "health.reasons");
        Check.nonNegative(openConnections, "health.openConnections");
        Check.nonNegative(connectionBudget, "health.connectionBudget");
        Check.nonNegative(acceptErrors, "health.acceptErrors");
        Check.nonNegative(publishErrors, "health.publishErrors");
        Check.share(sendBufferFill, "health.sendBufferFill");
    }

    public boolean degraded() {
        return state == State.DEGRADED;
    }

    public static IngestHealth ok(int openConnections, int budget) {
        return new IngestHealth(State.OK, List.of(), openConnections, budget, 0, 0, 0.0, 0.0);
    }
}
