package io.hangcheck.executor.service;

import io.agroal.api.AgroalDataSource;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.domain.FleetView;
import io.hangcheck.executor.domain.Policy;
import io.hangcheck.executor.driver.DryRunDriver;
import io.hangcheck.executor.driver.ExecDriver;
import io.hangcheck.executor.driver.RebootDriver;
import io.hangcheck.executor.driver.RedfishCredentials;
import io.hangcheck.executor.driver.Retrier;
import io.hangcheck.executor.driver.WebhookDriver;
import io.hangcheck.executor.store.Database;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/** Builds the plain classes from the configuration. */
@Singleton
public class Components {

    @Produces
    @Singleton
    Database database(AgroalDataSource dataSource) {
        return new Database(dataSource);
    }

    @Produces
    @Singleton
    Policy policy(Clock clock, ExecutorConfig config) {
        return new Policy(clock, config.limits().policyLimits());
    }

    @Produces
    @Singleton
    FleetView fleetView(Clock clock, ExecutorConfig config) {
        return new FleetView(clock, config.fleet().staleAfter(), config.fleet().forgetAfter(), config.fleet().maxSkew(),
                config.fleet().evaluatorIds().orElse(java.util.Set.of()));
    }

    @Produces
    @Singleton
    Retrier retrier(ExecutorConfig config) {
        return new Retrier(config.confirmation().driverAttempts(), config.confirmation().driverBackOff(),
                d -> Thread.sleep(d.toMillis()));
    }

    /** Every driver by name: the built-in ones, and any CDI bean that is a {@link RebootDriver} (a lab's own). */
    @Produces
    @Singleton
    Drivers drivers(ExecutorConfig config, Clock clock, jakarta.enterprise.inject.Instance<RebootDriver> own) {
        Map<String, RebootDriver> drivers = new TreeMap<>();
        for (RebootDriver d : new RebootDriver[]{
                new DryRunDriver(),
                RedfishCredentials.driver(config.redfish(), clock),
                new ExecDriver(config.exec().argv(), config.exec().timeout()),
                new WebhookDriver(config.webhook().timeout())}) {
            drivers.put(d.name(), d);
        }
        own.forEach(d -> drivers.putIfAbsent(d.name(), d));
        return new Drivers(drivers, config.defaultDriver());
    }
}
