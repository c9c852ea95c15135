package io.hangcheck.sockets.domain;

import io.hangcheck.events.LeakAlert;
import io.hangcheck.events.SocketSnapshot;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * One scan, end to end, as a plain class: read the table, count it, age the stuck sockets, measure the budgets,
 * forecast, gate the alerts, and build the snapshot. Meant to be called from one thread (the scheduler's);
 * PostgreSQL results arrive from another thread through {@link #acceptPg} and are only read here, so a slow
 * database never delays a scan.
 */
public final class SocketMonitor {
    private final MonitorSettings settings;
    private final Clock clock;
    private final PeerNamer namer;
    private final ProcNetTcpParser parser = new ProcNetTcpParser();
    private final SocketTable table = new SocketTable(4096);
    private final StuckTracker stuck;
    private final LeakDetector detector;
    private volatile Map<String, PgActivity> pg = Map.of();

    public SocketMonitor(MonitorSettings settings, Clock clock, PeerNamer namer) {
        this.settings = settings;
        this.clock = clock;
        this.namer = namer;
        this.stuck = new StuckTracker(settings.ageBuckets());
        this.detector = new LeakDetector(settings.rules(), settings.monitorId(), settings.node());
    }

    /** The result of one scan: the snapshot, the alert records to publish, and the raw figures behind them. */
    public record Scan(SocketSnapshot snapshot, List<LeakAlert> transitions, TableAggregate aggregate,
                       StuckTracker.Result stuck, List<LeakDetector.BudgetUsage> budgets,
                       Map<String, LeakDetector.Forecast> forecasts, int rejectedLines, long parseNanos) {
    }

    /** The latest poll of each PostgreSQL server (replaces the previous set). */
    public void acceptPg(Map<String, PgActivity> latest) {
        this.pg = Map.copyOf(latest);
    }

    public Scan scan() throws IOException {
        long t0 = System.nanoTime(); // a duration for metrics, not a decision input
        parser.scan(settings.procRoot(), table);
        long parseNanos = System.nanoTime() - t0;
        long now = clock.millis();

        TableAggregate agg = TableAggregate.of(table, settings.topPeers(), settings.topPorts(),
                settings.watchedPorts().keySet());
        Set<String> named = new HashSet<>();
        agg.peers().forEach(g -> named.add(g.key()));
        StuckTracker.Result stuckNow = stuck.update(table, now, named, settings.rules().stuckOldAfter());

        SystemLimits.Limit fin = SystemLimits.finTimeoutSeconds(settings.sysRoot());
        List<LeakDetector.BudgetUsage> budgets = budgets(agg);
        List<LeakDetector.PgIdle> pgIdle = new ArrayList<>();
        Map<String, PgActivity> pgNow = pg;
        pgNow.values().forEach(a -> pgIdle.addAll(a.idleByClient()));

        LeakDetector.Evaluation ev = detector.evaluate(new LeakDetector.ScanFacts(now, agg.total(), agg.byState(),
                agg.peerTotalsWithoutTimeWait(), budgets, stuckNow, pgIdle, fin.value()), namer::nameOf);
        LeakDetector.Forecast tableForecast = ev.forecasts().get("table");
        SocketSnapshot snap = snapshot(now, agg, stuckNow, budgets.get(0).limit(), pgNow, tableForecast);
        return new Scan(snap, ev.transitions(), agg, stuckNow, budgets, ev.forecasts(), table.rejected(), parseNanos);
    }

    /** The alerts open now. */
    public List<LeakAlert> openAlerts() {
        return detector.openAlerts();
    }

    /** Read-only view of the last scan's table (for tests and diagnostics; valid until the next scan). */
    public SocketTable lastTable() {
        return table;
    }

    /**
     * The budgets, each counting what runs out for it ({@link BudgetModel}; README, "Budgets"): the table and each
     * watched port count sockets holding a connection or a descriptor; orphans count against
     * {@code tcp_max_orphans}; outgoing sockets, TIME_WAIT included, against the local port range of their
     * busiest destination.
     */
    private List<LeakDetector.BudgetUsage> budgets(TableAggregate agg) {
        List<LeakDetector.BudgetUsage> out = new ArrayList<>();
        BudgetModel.Counts model = BudgetModel.count(table, settings.watchedPorts().keySet());
        Default d = defaultLimit();
        int tableLimit = settings.tableLimit().isPresent() ? settings.tableLimit().getAsInt() : d.limit;
        String tableSource = settings.tableLimit().isPresent() ? "configured" : d.source;
        out.add(new LeakDetector.BudgetUsage("table", "the socket table's connections and descriptors (limit "
                + tableSource + ")", model.held(), tableLimit, model.heldByPeer(), model.heldByState(), true, false));
        // each watched port is counted on its own connections only, so its alert names that port's peers and states
        for (int port : new TreeMap<>(settings.watchedPorts()).keySet()) {
            SocketTable onPort = table.select(i -> table.localPort(i) == port
                    && table.stateCode(i) != TcpState.LISTEN.code()
                    && BudgetModel.holds(table.stateCode(i), table.inode(i)));
            TableAggregate a = TableAggregate.of(onPort, settings.topPeers(), 0, Set.of());
            int configured = settings.watchedPorts().get(port);
            out.add(new LeakDetector.BudgetUsage("port-" + port, "local port " + port + "'s connections (limit "
                    + (configured > 0 ? "configured" : d.source) + ")", a.total(),
                    configured > 0 ? configured : d.limit, a.peerTotals(), a.byState()));
        }
        SystemLimits.Limit orphans = SystemLimits.maxOrphans(settings.sysRoot());
        out.add(new LeakDetector.BudgetUsage("orphans", "orphaned sockets (limit tcp_max_orphans, "
                + orphans.source() + ")", model.orphans(), orphans.value(), model.orphansByPeer(),
                model.orphansByState(), false, false));
        SystemLimits.Limit ports = SystemLimits.ephemeralPorts(settings.sysRoot());
        BudgetModel.Destination dest = model.busiest();
        out.add(new LeakDetector.BudgetUsage("ephemeral", dest == null ? "local ports of outgoing connections"
                : "local ports towards " + (dest.peer().contains(":") ? "[" + dest.peer() + "]" : dest.peer())
                + ":" + dest.port()
                + " (limit ip_local_port_range)", dest == null ? 0 : dest.used(), ports.value(),
                dest == null ? Map.of() : Map.of(dest.peer(), dest.used()), dest == null ? Map.of() : dest.byState(),
                false, true));
        return out;
    }

    private record Default(int limit, String source) {
    }

    private Default defaultLimit() {
        if (settings.ownerPid().isPresent()) {
            int pid = settings.ownerPid().getAsInt();
            OptionalInt nofile = SystemLimits.openFilesLimit(settings.procRoot().getFileName() != null
                    && settings.procRoot().getFileName().toString().matches("\\d+")
                    ? settings.procRoot().getParent() : settings.procRoot(), pid);
            if (nofile.isPresent()) {
                return new Default(nofile.getAsInt(), "open-files limit of pid " + pid);
            }
        }
        SystemLimits.Limit ports = SystemLimits.ephemeralPorts(settings.sysRoot());
        return new Default(ports.value(), "ip_local_port_range");
    }

    private SocketSnapshot snapshot(long now, TableAggregate agg, StuckTracker.Result stuckNow, int limit,
                                    Map<String, PgActivity> pgNow, LeakDetector.Forecast forecast) {
        List<SocketSnapshot.PeerCount> peers = new ArrayList<>();
        for (TableAggregate.Group g : agg.peers()) {
            peers.add(new SocketSnapshot.PeerCount(g.key(), namer.nameOf(g.key()), g.total(), names(g.byState())));
        }
        if (agg.otherPeers() != null) {
            TableAggregate.Group g = agg.otherPeers();
            peers.add(new SocketSnapshot.PeerCount(g.key(), null, g.total(), names(g.byState())));
        }
        List<SocketSnapshot.PortCount> ports = new ArrayList<>();
        for (TableAggregate.Group g : agg.ports()) {
            ports.add(new SocketSnapshot.PortCount(g.key(), g.total(), names(g.byState())));
        }
        if (agg.otherPorts() != null) {
            ports.add(new SocketSnapshot.PortCount(TableAggregate.OTHER, agg.otherPorts().total(),
                    names(agg.otherPorts().byState())));
        }
        List<SocketSnapshot.StuckCount> stuckCounts = new ArrayList<>();
        for (StuckTracker.Bucket b : stuckNow.buckets()) {
            stuckCounts.add(new SocketSnapshot.StuckCount(b.peer(), b.state().name(), b.ageBucket(), b.count()));
        }
        List<SocketSnapshot.PgClientCount> pgCounts = new ArrayList<>();
        new TreeMap<>(pgNow).values().forEach(a -> pgCounts.addAll(a.counts(settings.pgTop())));
        return new SocketSnapshot(settings.monitorId(), settings.node(), Instant.ofEpochMilli(now), agg.total(), limit,
                names(agg.byState()), peers, ports, stuckCounts, pgCounts,
                forecast == null ? null : forecast.secondsToExhaustion(),
                forecast == null ? null : forecast.growthPerMinute());
    }

    private static Map<String, Integer> names(Map<TcpState, Integer> byState) {
        Map<String, Integer> m = new LinkedHashMap<>();
        byState.forEach((s, c) -> m.put(s.name(), c));
        return m;
    }
}
