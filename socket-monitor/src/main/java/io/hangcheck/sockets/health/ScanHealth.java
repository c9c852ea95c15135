package io.hangcheck.sockets.health;

import io.hangcheck.sockets.SocketScanService;
import io.hangcheck.sockets.config.SocketsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Ready while scans succeed: the last one is younger than three intervals (or the first is still due). */
@Readiness
@ApplicationScoped
public class ScanHealth implements HealthCheck {
    @Inject
    SocketScanService service;
    @Inject
    SocketsConfig config;
    @Inject
    Clock clock;

    @Override
    public HealthCheckResponse call() {
        Instant now = clock.instant();
        Duration grace = config.interval().multipliedBy(3);
        Instant last = service.lastSuccess();
        Instant since = last != null ? last : service.startedAt();
        boolean up = since != null && Duration.between(since, now).compareTo(grace) <= 0;
        return HealthCheckResponse.named("socket-scan").status(up)
                .withData("lastScan", last == null ? "none" : last.toString())
                .withData("procRoot", config.procRoot()).build();
    }
}
