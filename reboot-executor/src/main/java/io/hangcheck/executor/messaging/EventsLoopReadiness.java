package io.hangcheck.executor.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN, with the reason, when this process leads but its liveness events loop does not run: a leader whose loop died
 * would hold the partitions of the events topic and act on no HUNG while it still looked healthy, so an orchestrator
 * must see it and restart it (the next leader reads the uncommitted events).
 */
@Readiness
@ApplicationScoped
public class EventsLoopReadiness implements HealthCheck {

    @Inject
    LivenessEventsLoop loop;

    @Override
    public HealthCheckResponse call() {
        String failure = loop.failure();
        return failure == null
                ? HealthCheckResponse.named("liveness-events-loop").up().build()
                : HealthCheckResponse.named("liveness-events-loop").down().withData("reason", failure).build();
    }
}
