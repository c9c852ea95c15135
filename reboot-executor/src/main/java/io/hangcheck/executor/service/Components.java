package io.hangcheck.executor.service;

import io.agroal.api.AgroalDataSource;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.domain.FleetView;
import io.hangcheck.executor.domain.Policy;
import io.hangcheck.executor.driver.DryRunDriver;
import io.hangcheck.executor.driver.ExecDriver;
import io.hangcheck.executor.driver.RebootDriver;
import io.hangcheck.executor.driver.RedfishDriver;
import io.hangcheck.executor.driver.Retrier;
import io.hangcheck.executor.driver.WebhookDriver;
import io.hangcheck.executor.store.Store;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/** Builds the plain classes from the configuration. */
@Singleton
public class Components {

    @Produces
    @Singleton
    Store store(AgroalDataSource dataSource, ExecutorConfig config) {
        return new Store(dataSource, config.outbox().topic());
    }

    @Produces
    @Singleton
    Policy policy(Clock clock, ExecutorConfig config) {
        ExecutorConfig.Limits l = config.limits();
        return new Policy(clock, new Policy.Limits(l.inFlight(), l.bucketCapacity(), l.bucketPeriod(),
                l.degradedBucketCapacity(), l.degradedBucketPeriod(), l.fleetSharePerHour(), l.hostCoolDown(),
                l.quarantineAfter(), l.quarantineWindow()));
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
    Drivers drivers(ExecutorConfig config, jakarta.enterprise.inject.Instance<RebootDriver> own) {
        ExecutorConfig.Redfish rf = config.redfish();
        RedfishDriver.Credentials creds = name -> {
            if (name != null && rf.credentialsDir().isPresent()) {
                Path dir = Path.of(rf.credentialsDir().get()).resolve(name).normalize();
                if (!dir.startsWith(Path.of(rf.credentialsDir().get()).normalize())) {
                    return null;
                }
                try {
                    return new RedfishDriver.Login(Files.readString(dir.resolve("username")).strip(),
                            Files.readString(dir.resolve("password")).strip());
                } catch (IOException e) {
                    return null;
                }
            }
            return new RedfishDriver.Login(rf.username().orElse(null), rf.password().orElse(null));
        };
        Map<String, RebootDriver> drivers = new TreeMap<>();
        for (RebootDriver d : new RebootDriver[]{
                new DryRunDriver(),
                new RedfishDriver(creds, rf.verifyTls(), rf.timeout()),
                new ExecDriver(config.exec().argv(), config.exec().timeout()),
                new WebhookDriver(config.webhook().timeout())}) {
            drivers.put(d.name(), d);
        }
        own.forEach(d -> drivers.putIfAbsent(d.name(), d));
        return new Drivers(drivers);
    }
}
