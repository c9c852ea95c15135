package io.hangcheck.executor.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Summary;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/** The executor's metrics; label values are bounded (enums, driver names, channel names). A singleton: no client proxy in front of the public fields. */
@Singleton
public class ExecutorMetrics {
    public final Counter decisions;
    public final Gauge inFlight;
    public final Gauge tokensLeft;
    public final Gauge paused;
    public final Gauge quarantinedHosts;
    public final Gauge outboxUnsent;
    public final Gauge fleetFrozen;
    public final Gauge leader;
    public final Histogram driverLatency;
    public final Counter driverFailures;
    public final Counter rejectedEvents;
    public final Counter notifications;
    /** One observation per completed re-check pass: _count = passes, _sum = due incidents those passes looked at. */
    public final Summary recheckDueIncidents;

    /** The drivers every executor has (a lab's own drivers appear with their first use). */
    static final String[] BUILT_IN_DRIVERS = {"dry-run", "redfish", "exec", "webhook"};

    @Inject
    public ExecutorMetrics(CollectorRegistry registry) {
        decisions = Counter.build("hangcheck_executor_decisions_total", "Reboot decisions by decision and reason.")
                .labelNames("decision", "reason").register(registry);
        inFlight = Gauge.build("hangcheck_executor_in_flight", "Resets in flight (intent made, not yet confirmed or closed).")
                .register(registry);
        tokensLeft = Gauge.build("hangcheck_executor_tokens_left", "Tokens left in the primary reboot bucket.")
                .register(registry);
        paused = Gauge.build("hangcheck_executor_paused", "1 while remediation is paused by an operator.")
                .register(registry);
        quarantinedHosts = Gauge.build("hangcheck_executor_quarantined_hosts", "Hosts in quarantine, waiting for a person.")
                .register(registry);
        outboxUnsent = Gauge.build("hangcheck_executor_outbox_unsent", "Ledger records not yet relayed to Kafka.")
                .register(registry);
        fleetFrozen = Gauge.build("hangcheck_executor_fleet_frozen", "1 while the fleet the executor acts under is FROZEN (nothing is rebooted).")
                .register(registry);
        leader = Gauge.build("hangcheck_executor_leader", "1 while this executor holds the leader lock (the one active executor); 0 on a standby.")
                .register(registry);
        driverLatency = Histogram.build("hangcheck_executor_driver_latency_seconds", "Time a driver took to answer a reset.")
                .labelNames("driver").buckets(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60).register(registry);
        driverFailures = Counter.build("hangcheck_executor_driver_failures_total", "Driver failures by driver and kind (retryable, fatal).")
                .labelNames("driver", "kind").register(registry);
        recheckDueIncidents = Summary.build("hangcheck_executor_recheck_due_incidents",
                "The leader's re-check passes (count) and the due incidents they looked at (sum): HUNG for recheck.after by this executor's receive time.")
                .register(registry);
        rejectedEvents = Counter.build("hangcheck_executor_rejected_events_total", "Input records rejected, by topic and cause.")
                .labelNames("topic", "cause").register(registry);
        for (String topic : new String[]{"hangcheck.liveness.events.v1", "hangcheck.liveness.state.v1", "hangcheck.fleet.health.v1"}) {
            for (String cause : new String[]{"invalid", "key_mismatch", "database_unavailable", "unknown_evaluator"}) {
                rejectedEvents.labels(topic, cause);
            }
        }
        // every decision, reason, driver and failure kind at 0 from the start, so increase() sees the first one
        // (HangcheckRebootRateAboveCap must count the first resets after an executor start)
        for (io.hangcheck.events.RebootDecision d : io.hangcheck.events.RebootDecision.values()) {
            for (io.hangcheck.events.RebootReason r : io.hangcheck.events.RebootReason.values()) {
                decisions.labels(d.name(), r.name());
            }
        }
        for (String driver : BUILT_IN_DRIVERS) {
            driverLatency.labels(driver);
            for (io.hangcheck.executor.driver.DriverException.Kind k : io.hangcheck.executor.driver.DriverException.Kind.values()) {
                driverFailures.labels(driver, k.name().toLowerCase());
            }
        }
        notifications = Counter.build("hangcheck_executor_notifications_total",
                        "Notification tries by channel and status (sent = delivered, failed = tried again later, dropped by the hourly cap, superseded by a newer message of its group before delivery).")
                .labelNames("channel", "status").register(registry);
        for (String channel : new String[]{"email", "webhook", "alertmanager"}) { // increase() sees the first failure
            for (String status : new String[]{"sent", "failed", "dropped", "superseded"}) {
                notifications.labels(channel, status);
            }
        }
    }
}
