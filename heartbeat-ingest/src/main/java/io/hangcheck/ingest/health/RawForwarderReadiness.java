package io.hangcheck.ingest.health;

import io.hangcheck.ingest.messaging.RawForwarder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN, with the reason, when the raw-topic forwarder should run and does not: hosts that publish to the raw topic
 * would go silent while this instance still looked healthy, so an orchestrator must see it and restart it.
 */
@Readiness
@ApplicationScoped
public class RawForwarderReadiness implements HealthCheck {

    @Inject
    RawForwarder forwarder;

    @Override
    public HealthCheckResponse call() {
        String failure = forwarder.failure();
        return failure == null
                ? HealthCheckResponse.named("raw-forwarder").up().build()
                : HealthCheckResponse.named("raw-forwarder").down().withData("reason", failure).build();
    }
}
