package io.hangcheck.executor.driver;

import org.jboss.logging.Logger;

/** Logs and records what it would do; touches nothing. The default outside production. */
public class DryRunDriver implements RebootDriver {
    private static final Logger LOG = Logger.getLogger(DryRunDriver.class);

    @Override
    public String name() {
        return "dry-run";
    }

    @Override
    public String reset(ResetRequest r) {
        String what = "dry run: would send " + r.type() + " to host " + r.hostId() + " (attempt " + r.attempt() + ")";
        LOG.info(what);
        return what;
    }
}
