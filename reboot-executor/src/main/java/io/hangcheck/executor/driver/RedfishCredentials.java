package io.hangcheck.executor.driver;

import io.hangcheck.executor.config.ExecutorConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where BMC logins come from: a mounted Secret directory with {@code <credentials>/username}, {@code /password} and,
 * optionally, {@code /ca.crt} (the PEM bundle that entry's BMC certificates are checked with) per inventory entry;
 * otherwise the configured default user, password and CA bundle.
 */
public final class RedfishCredentials implements RedfishDriver.Credentials {
    private final ExecutorConfig.Redfish rf;

    public RedfishCredentials(ExecutorConfig.Redfish rf) {
        this.rf = rf;
    }

    /** The driver as configured. */
    public static RedfishDriver driver(ExecutorConfig.Redfish rf, java.time.Clock clock) {
        return new RedfishDriver(new RedfishCredentials(rf), rf.verifyTls(), rf.timeout(), rf.maxRetryAfter(),
                rf.discoveryTtl(), clock);
    }

    @Override
    public RedfishDriver.Login apply(String name) {
        if (name != null && rf.credentialsDir().isPresent()) {
            Path base = Path.of(rf.credentialsDir().get()).normalize();
            Path dir = base.resolve(name).normalize();
            if (!dir.startsWith(base)) {
                return null;
            }
            try {
                Path ca = dir.resolve("ca.crt");
                return new RedfishDriver.Login(Files.readString(dir.resolve("username")).strip(),
                        Files.readString(dir.resolve("password")).strip(), Files.isRegularFile(ca) ? ca : null);
            } catch (IOException e) {
                return null;
            }
        }
        return new RedfishDriver.Login(rf.username().orElse(null), rf.password().orElse(null),
                rf.caBundle().map(Path::of).orElse(null));
    }
}
