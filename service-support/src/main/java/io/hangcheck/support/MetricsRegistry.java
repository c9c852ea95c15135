package io.hangcheck.support;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The application-owned Prometheus registry. Never {@code CollectorRegistry.defaultRegistry}: the global
 * one survives a dev-mode reload and then refuses the same collectors ("Collector already in use").
 */
@Singleton
public class MetricsRegistry {

    @Produces
    @Singleton
    CollectorRegistry registry() {
        CollectorRegistry registry = new CollectorRegistry(true);
        DefaultExports.register(registry);
        return registry;
    }
}
