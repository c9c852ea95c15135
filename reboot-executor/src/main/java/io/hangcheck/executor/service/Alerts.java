package io.hangcheck.executor.service;

import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.executor.domain.FleetStatus;
import io.hangcheck.executor.metrics.ExecutorMetrics;
import io.hangcheck.executor.notify.Alert;
import io.hangcheck.executor.notify.Notifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** What people and metrics are told about the records the executor writes. */
@ApplicationScoped
public class Alerts {

    @Inject
    ExecutorMetrics metrics;
    @Inject
    Notifier notifier;

    /** Counts a record ({@code hangcheck_executor_decisions_total}). */
    public void counted(RebootRecord r) {
        metrics.decisions.labels(r.decision().name(), r.reason().name()).inc();
    }

    /** Counts a decision and raises the alert its decision and reason call for, if any. */
    public void decided(RebootRecord r, FleetStatus fleet) {
        counted(r);
        String host = r.hostId();
        switch (r.decision()) {
            case HELD -> {
                if (r.reason() == RebootReason.FLEET_FROZEN) {
                    notifier.fleet(fleet); // the one freeze alert (also raised from the fleet view alone, without any HUNG)
                } else {
                    notifier.alert(new Alert("fleet-degraded", "fleet", "The fleet is DEGRADED (" + String.join("; ", fleet.reasons())
                            + "): reboots go at the secondary (slow) rate; some hangs are held."));
                }
            }
            case QUARANTINED -> notifier.alert(new Alert("quarantine", host, "host " + host + " is quarantined ("
                    + r.reasonText() + "); it waits for a person"));
            case ESCALATED -> notifier.alert(new Alert("escalations", r.incidentId(), "host " + host
                    + " did not come back after attempt " + r.attempt() + "; escalating"));
            case SKIPPED -> {
                switch (r.reason()) {
                    case NOT_CORROBORATED -> notifier.alert(new Alert("not-corroborated", host, "host " + host
                            + ": a HUNG event was not confirmed by the evaluator's host state (forged or stale?)"));
                    case IN_FLIGHT_CAP, RATE_LIMITED, FLEET_SHARE_CAP -> notifier.alert(new Alert("rate-limited", host,
                            "host " + host + ": hang not answered (" + r.reason() + ")"));
                    default -> { }
                }
            }
            default -> { }
        }
    }

    /** An attempt left without a driver answer, now UNKNOWN. */
    public void interrupted(RebootRecord r) {
        counted(r);
        notifier.alert(new Alert("interrupted-attempts", r.incidentId() + "#" + r.attempt(),
                "host " + r.hostId() + ": attempt " + r.attempt() + " of " + r.incidentId()
                        + " was interrupted; whether it was reset is UNKNOWN; not repeated by itself"));
    }

    /** A driver failed on {@code a}; {@code then} says what follows (empty: nothing). */
    public void driverFailed(Attempt a, String error, String then) {
        notifier.alert(new Alert("driver-failures", a.incidentId() + "#" + a.number(),
                "host " + a.hostId() + ": " + a.driver() + " failed: " + error + then));
    }
}
