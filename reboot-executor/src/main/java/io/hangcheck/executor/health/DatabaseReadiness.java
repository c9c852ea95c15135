package io.hangcheck.executor.health;

import io.hangcheck.executor.service.Leadership;
import io.hangcheck.executor.service.StartupRecovery;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.Optional;

/**
 * Ready only while the ledger database answers: without it the executor reboots nothing. A standby is ready but
 * passive: the check says {@code role standby} and why; the leader says {@code role leader}.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {
    @Inject
    StartupRecovery recovery;
    @Inject
    Leadership leadership;

    @Override
    public HealthCheckResponse call() {
        Optional<String> why = recovery.notReadyBecause();
        String standby = leadership.standbyBecause();
        var b = HealthCheckResponse.named("ledger-database").withData("role", standby == null ? "leader" : "standby");
        if (standby != null) {
            b.withData("standby", standby);
        }
        return why.map(w -> b.down().withData("reason", w).build()).orElseGet(() -> b.up().build());
    }
}
