package io.hangcheck.sockets.metrics;

import io.hangcheck.events.LeakAlert;
import io.hangcheck.events.SocketSnapshot;
import io.hangcheck.sockets.domain.LeakDetector;
import io.hangcheck.sockets.domain.SocketMonitor;
import io.hangcheck.sockets.domain.PgActivity;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.Histogram;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code hangcheck_sockets_*}: the latest scan as gauges (rendered from the snapshot at scrape time, so a peer
 * that left the top K leaves the metrics too: labels stay bounded to K+1 peers, K+1 ports, the age buckets
 * and the states), plus counters of scans, errors and publications.
 */
@Singleton
public class SocketMetrics extends Collector {
    @Inject
    CollectorRegistry registry;

    private volatile SocketMonitor.Scan last;
    private volatile List<LeakAlert> open = List.of();
    private volatile Map<String, PgActivity> pgLatest = Map.of();
    private volatile List<SocketSnapshot.PgClientCount> pgClients = List.of();

    private Counter scans;
    private Counter scanErrors;
    private Counter rejectedLines;
    private Counter pgErrors;
    private Counter publishFailures;
    private Counter alertTransitions;
    private Histogram scanDuration;

    @PostConstruct
    void registerAll() {
        scans = Counter.build("hangcheck_sockets_scans_total", "Scans of the socket table.").register(registry);
        scanErrors = Counter.build("hangcheck_sockets_scan_errors_total",
                "Scans that failed (the table could not be read).").register(registry);
        rejectedLines = Counter.build("hangcheck_sockets_rejected_lines_total",
                "Lines of /proc/net/tcp{,6} the parser could not read (counted, never dropped silently).")
                .register(registry);
        pgErrors = Counter.build("hangcheck_sockets_pg_poll_errors_total",
                "Polls of a watched PostgreSQL that failed.").labelNames("server").register(registry);
        publishFailures = Counter.build("hangcheck_sockets_publish_failures_total",
                "Snapshots or alerts that could not be sent to Kafka.").labelNames("what").register(registry);
        alertTransitions = Counter.build("hangcheck_sockets_alert_transitions_total",
                "Leak alert records: opened, updated (new growers named), resolved.").labelNames("kind", "status").register(registry);
        scanDuration = Histogram.build("hangcheck_sockets_scan_duration_seconds",
                "Time to read, parse and count the socket table.")
                .buckets(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5).register(registry);
        // every known label value at 0 from the start, so increase() sees the first transition and failure
        for (LeakAlert.Kind k : LeakAlert.Kind.values()) {
            for (LeakAlert.Status st : LeakAlert.Status.values()) {
                alertTransitions.labels(k.name(), st.name());
            }
        }
        publishFailures.labels("snapshot");
        publishFailures.labels("alert");
        register(registry);
    }

    public void scanned(SocketMonitor.Scan scan, double seconds, List<LeakAlert> openNow) {
        last = scan;
        open = List.copyOf(openNow);
        scans.inc();
        scanDuration.observe(seconds);
        rejectedLines.inc(scan.rejectedLines());
        for (LeakAlert a : scan.transitions()) {
            alertTransitions.labels(a.kind().name(), a.status().name()).inc();
        }
    }

    public void scanFailed() {
        scanErrors.inc();
    }

    /**
     * The latest poll of every watched PostgreSQL. The client series are exported from it, like the server's
     * max and used connections — not from the latest scan's snapshot, which may predate the first poll (a
     * scrape in between showed max and used connections without a single client).
     */
    public void pgPolled(Map<String, PgActivity> latest, int top) {
        List<SocketSnapshot.PgClientCount> counts = new java.util.ArrayList<>();
        new java.util.TreeMap<>(latest).values().forEach(a -> counts.addAll(a.counts(top)));
        pgClients = List.copyOf(counts);
        pgLatest = Map.copyOf(latest);
    }

    /** A watched server: its poll-error series exists from the start. */
    public void pgWatched(String server) {
        pgErrors.labels(server);
    }

    public void pgFailed(String server) {
        pgErrors.labels(server).inc();
    }

    public void publishFailed(String what) {
        publishFailures.labels(what).inc();
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> out = new ArrayList<>();
        SocketMonitor.Scan scan = last;
        if (scan == null) {
            return out;
        }
        SocketSnapshot s = scan.snapshot();
        GaugeMetricFamily byState = new GaugeMetricFamily("hangcheck_sockets_sockets",
                "Sockets in the table by TCP state.", List.of("state"));
        s.byState().forEach((st, c) -> byState.addMetric(List.of(st), c));
        out.add(byState);

        GaugeMetricFamily peers = new GaugeMetricFamily("hangcheck_sockets_peer_sockets",
                "Sockets by remote peer (top K, rest as other) and state.", List.of("peer", "state"));
        s.peers().forEach(p -> p.byState().forEach((st, c) -> peers.addMetric(List.of(p.peer(), st), c)));
        out.add(peers);

        GaugeMetricFamily ports = new GaugeMetricFamily("hangcheck_sockets_port_sockets",
                "Sockets by local listener port (top K, rest as other) and state.", List.of("port", "state"));
        s.localPorts().forEach(p -> p.byState().forEach((st, c) -> ports.addMetric(List.of(p.port(), st), c)));
        out.add(ports);

        GaugeMetricFamily stuck = new GaugeMetricFamily("hangcheck_sockets_stuck_sockets",
                "Sockets in closing states by peer, state and age bucket (upper bound; each socket in one bucket).",
                List.of("peer", "state", "age"));
        s.stuck().forEach(c -> stuck.addMetric(List.of(c.peer(), c.state(), c.ageBucket()), c.count()));
        if (s.stuck().isEmpty()) {
            // none stuck is a value, not an absence: a series at 0 (the "other" peer, the last age bucket) keeps the
            // panels and rules from reading "no data" on a healthy machine
            stuck.addMetric(List.of("other", "CLOSE_WAIT", "+Inf"), 0);
        }
        out.add(stuck);

        GaugeMetricFamily used = new GaugeMetricFamily("hangcheck_sockets_used_sockets",
                "Sockets counted against a budget (table, or port-N).", List.of("budget"));
        GaugeMetricFamily limit = new GaugeMetricFamily("hangcheck_sockets_limit_sockets",
                "The budget's limit.", List.of("budget"));
        for (LeakDetector.BudgetUsage b : scan.budgets()) {
            used.addMetric(List.of(b.id()), b.used());
            limit.addMetric(List.of(b.id()), b.limit());
        }
        out.add(used);
        out.add(limit);

        GaugeMetricFamily eta = new GaugeMetricFamily("hangcheck_sockets_exhaustion_forecast_seconds",
                "Linear forecast of seconds until the budget is reached (absent when not growing).", List.of("budget"));
        GaugeMetricFamily growth = new GaugeMetricFamily("hangcheck_sockets_growth_sockets_per_minute",
                "Slope of the least-squares fit over the window.", List.of("budget"));
        scan.forecasts().values().forEach(f -> {
            if (f.secondsToExhaustion() != null) {
                eta.addMetric(List.of(f.budgetId()), f.secondsToExhaustion());
            }
            if (f.growthPerMinute() != null) {
                growth.addMetric(List.of(f.budgetId()), f.growthPerMinute());
            }
        });
        out.add(eta);
        out.add(growth);

        GaugeMetricFamily pg = new GaugeMetricFamily("hangcheck_sockets_pg_connections",
                "PostgreSQL client connections by server, client, application, user and state (top N, rest as other).",
                List.of("server", "client", "application", "user", "state"));
        GaugeMetricFamily pgIdle = new GaugeMetricFamily("hangcheck_sockets_pg_oldest_idle_seconds",
                "Age of the oldest idle connection of the group.",
                List.of("server", "client", "application", "user", "state"));
        for (SocketSnapshot.PgClientCount c : pgClients) {
            List<String> l = List.of(c.server(), c.clientAddr(), c.application(), c.user(), c.state());
            pg.addMetric(l, c.count());
            if (c.oldestIdleSeconds() != null) {
                pgIdle.addMetric(l, c.oldestIdleSeconds());
            }
        }
        out.add(pg);
        out.add(pgIdle);
        GaugeMetricFamily pgMax = new GaugeMetricFamily("hangcheck_sockets_pg_max_connections",
                "The server's max_connections.", List.of("server"));
        GaugeMetricFamily pgUsed = new GaugeMetricFamily("hangcheck_sockets_pg_used_connections",
                "Client backends connected now.", List.of("server"));
        pgLatest.values().forEach(a -> {
            pgMax.addMetric(List.of(a.server()), a.maxConnections());
            pgUsed.addMetric(List.of(a.server()), a.used());
        });
        out.add(pgMax);
        out.add(pgUsed);

        GaugeMetricFamily alerts = new GaugeMetricFamily("hangcheck_sockets_alerts_open",
                "Leak alerts open now, by kind.", List.of("kind"));
        Map<LeakAlert.Kind, Integer> byKind = new EnumMap<>(LeakAlert.Kind.class);
        for (LeakAlert.Kind k : LeakAlert.Kind.values()) {
            byKind.put(k, 0);
        }
        open.forEach(a -> byKind.merge(a.kind(), 1, Integer::sum));
        byKind.forEach((k, n) -> alerts.addMetric(List.of(k.name()), n));
        out.add(alerts);
        return out;
    }
}
