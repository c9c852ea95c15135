package io.hangcheck.ingest.health;

import io.hangcheck.ingest.messaging.Publisher;
import io.hangcheck.ingest.messaging.Ticker;
import io.hangcheck.events.IngestHealth;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Ready only while Kafka answers and the heartbeat topic's partitions are known: a 202 needs Kafka, so an
 * instance that cannot reach it should get no traffic. Degraded self-health does not make it unready (it still
 * takes heartbeats; the ticks say it is degraded).
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    @Inject
    Publisher publisher;

    @Inject
    Ticker ticker;

    @Override
    public HealthCheckResponse call() {
        boolean up = publisher.reachable() && !publisher.partitions().isEmpty();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("kafka").status(up)
                .withData("reachable", publisher.reachable())
                .withData("partitions", publisher.partitions().size());
        IngestHealth h = ticker.lastHealth();
        if (h != null) {
            b.withData("self", h.state().name());
        }
        return b.build();
    }
}
