package io.hangcheck.executor.health;

import io.hangcheck.executor.service.Executor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.Optional;

/** Ready only while the ledger database answers: without it the executor reboots nothing. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {
    @Inject
    Executor executor;

    @Override
    public HealthCheckResponse call() {
        Optional<String> why = executor.notReadyBecause();
        return why.map(w -> HealthCheckResponse.named("ledger-database").down().withData("reason", w).build())
                .orElseGet(() -> HealthCheckResponse.named("ledger-database").up().build());
    }
}
