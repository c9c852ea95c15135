package io.hangcheck.executor.it;

import io.hangcheck.executor.domain.ResetType;
import io.hangcheck.executor.driver.DriverException;
import io.hangcheck.executor.driver.RebootDriver;
import io.hangcheck.executor.driver.ResetRequest;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A BMC that refuses a graceful restart before accepting anything (as one that does not list it among its
 * allowable reset types), and takes the harsher ones. Hosts use it with inventory driver {@value #NAME}.
 */
@Singleton
public class RefusingDriver implements RebootDriver {
    static final String NAME = "test-refuses-graceful";
    static final List<String> CALLS = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String reset(ResetRequest request) throws DriverException {
        CALLS.add(request.hostId() + " " + request.type());
        if (request.type() == ResetType.GracefulRestart) {
            throw DriverException.notAccepted("GracefulRestart is not an allowable ResetType of this BMC (HTTP 400 before any reset)");
        }
        return "reset " + request.type();
    }
}
