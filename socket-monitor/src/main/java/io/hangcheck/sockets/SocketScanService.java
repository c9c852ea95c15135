package io.hangcheck.sockets;

import io.hangcheck.events.LeakAlert;
import io.hangcheck.events.SocketSnapshot;
import io.hangcheck.sockets.config.SocketsConfig;
import io.hangcheck.sockets.domain.LeakRules;
import io.hangcheck.sockets.domain.MonitorSettings;
import io.hangcheck.sockets.domain.PeerNamer;
import io.hangcheck.sockets.domain.SocketMonitor;
import io.hangcheck.sockets.messaging.SocketPublisher;
import io.hangcheck.sockets.metrics.SocketMetrics;
import io.hangcheck.sockets.domain.PgActivity;
import io.hangcheck.sockets.pg.PgClientsReader;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The service shell around {@link SocketMonitor}: scans on a schedule, polls PostgreSQL on its own schedule
 * (a slow database never delays a scan), publishes, and keeps the latest snapshot and open alerts for REST.
 */
@ApplicationScoped
public class SocketScanService {
    private static final Logger LOG = Logger.getLogger(SocketScanService.class);

    @Inject
    SocketsConfig config;
    @Inject
    Clock clock;
    @Inject
    SocketPublisher publisher;
    @Inject
    SocketMetrics metrics;

    private SocketMonitor monitor;
    private ThreadPoolExecutor dnsPool;
    private final List<PgClientsReader> pgReaders = new ArrayList<>();
    private final AtomicReference<SocketSnapshot> latest = new AtomicReference<>();
    private volatile List<LeakAlert> openAlerts = List.of();
    private volatile Instant lastSuccess;
    private volatile Instant startedAt;

    /**
     * Builds the monitor when the bean is created, so it is ready before any caller can reach it: the scheduler
     * starts on its own {@code StartupEvent} observer and may fire a scan before ours runs, and the first
     * scheduled call creates this bean through its proxy (running this first).
     */
    @PostConstruct
    void init() {
        startedAt = clock.instant();
        dnsPool = new ThreadPoolExecutor(config.dns().threads(), config.dns().threads(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(256), r -> {
                    Thread t = new Thread(r, "peer-dns");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        PeerNamer namer = new PeerNamer(config.dns().enabled() ? PeerNamer::systemReverseLookup : a -> null, dnsPool,
                clock, config.dns().cacheSize(), config.dns().ttl(), config.dns().negativeTtl(), config.dns().timeout());
        monitor = new SocketMonitor(settings(), clock, namer);
        for (String url : config.pg().urls().orElse(List.of())) {
            PgClientsReader reader = new PgClientsReader(url, config.pg().user(), config.pg().password().orElse(""),
                    config.pg().timeout());
            pgReaders.add(reader);
            metrics.pgWatched(reader.server()); // its error counter at 0, so increase() sees the first failure
        }
        LOG.infof("socket monitor %s watching %s/net/tcp{,6} every %s; %d PostgreSQL server(s)", config.monitorId(),
                config.procRoot(), config.interval(), pgReaders.size());
    }

    /** Creates the bean at start-up (not at the first request), so a bad setting fails the start. */
    void start(@Observes StartupEvent ev) {
        LOG.debugf("socket monitor %s ready", config.monitorId());
        int tokens = io.hangcheck.sockets.rest.ViewerTokenFilter.tokens(config).size();
        if (tokens == 0) {
            LOG.warn("read API /v1/sockets is OPEN: no hangcheck.sockets.api.viewer-tokens configured (it shows every "
                    + "peer and port of this node); set viewer tokens outside a lab");
        } else {
            LOG.infof("read API /v1/sockets needs one of %d viewer bearer tokens", tokens);
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        if (dnsPool != null) {
            dnsPool.shutdownNow();
        }
        synchronized (pgReaders) {
            pgReaders.forEach(PgClientsReader::close);
        }
    }

    MonitorSettings settings() {
        Map<Integer, Integer> watched = new LinkedHashMap<>();
        for (String w : config.watchPorts().orElse(List.of())) {
            String[] p = w.trim().split(":");
            try {
                int port = Integer.parseInt(p[0]);
                int limit = p.length > 1 ? Integer.parseInt(p[1]) : 0;
                if (port < 1 || port > 65535 || limit < 0) {
                    throw new NumberFormatException("out of range");
                }
                watched.put(port, limit);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("hangcheck.sockets.watch-ports: '" + w
                        + "' is not port or port:limit", e);
            }
        }
        LeakRules rules = new LeakRules(config.window(), config.horizon(), config.resolveHorizonFactor(),
                config.warnShare(), config.resolveShare(), config.openAfter(), config.resolveAfter(),
                config.minSamples(), config.stuckAfter(), config.stuckMinCount(), config.pg().minIdle(),
                config.pg().idleGrowthPerMinute(), 3, config.forecastFloorShare());
        return new MonitorSettings(config.monitorId(), config.node().orElseGet(SocketScanService::hostName),
                Path.of(config.procRoot()), Path.of(config.sysRoot()), config.topPeers(), config.topPorts(),
                config.tableLimit(), config.ownerPid(), watched, config.ageBuckets(), config.pg().top(), rules);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    // Skipped until the application has started: a scan may not run before the Kafka emitters are connected.
    @Scheduled(identity = "socket-scan", every = "${hangcheck.sockets.interval:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduledScan() {
        scanOnce();
    }

    /** One scan: never throws (a failed scan is counted and logged; the next one comes at the next interval). */
    public void scanOnce() {
        long t0 = System.nanoTime();
        try {
            SocketMonitor.Scan scan;
            synchronized (this) {
                scan = monitor.scan();
            }
            latest.set(scan.snapshot());
            openAlerts = monitor.openAlerts();
            lastSuccess = clock.instant();
            metrics.scanned(scan, (System.nanoTime() - t0) / 1e9, openAlerts);
            if (scan.rejectedLines() > 0) {
                LOG.warnf("%d lines of %s/net/tcp{,6} could not be parsed", scan.rejectedLines(), config.procRoot());
            }
            publisher.publish(scan.snapshot());
            for (LeakAlert a : scan.transitions()) {
                LOG.warnf("leak alert %s %s: %s", a.status(), a.kind(), a.summary());
                publisher.publish(a);
            }
        } catch (Exception e) {
            metrics.scanFailed();
            LOG.errorf(e, "scan of %s failed", config.procRoot());
        }
    }

    @Scheduled(identity = "pg-poll", every = "${hangcheck.sockets.pg.interval:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void pollPg() {
        if (pgReaders.isEmpty()) {
            return;
        }
        Map<String, PgActivity> out = new HashMap<>();
        synchronized (pgReaders) {
            for (PgClientsReader r : pgReaders) {
                try {
                    out.put(r.server(), r.read());
                } catch (SQLException e) {
                    metrics.pgFailed(r.server());
                    LOG.warnf("could not read pg_stat_activity of %s: %s", r.server(), e.getMessage());
                }
            }
        }
        monitor.acceptPg(out);
        metrics.pgPolled(out, config.pg().top());
    }

    /** The latest snapshot, or null before the first scan. */
    public SocketSnapshot latest() {
        return latest.get();
    }

    public List<LeakAlert> openAlerts() {
        return openAlerts;
    }

    /** When the last scan succeeded (null before the first). */
    public Instant lastSuccess() {
        return lastSuccess;
    }

    public Instant startedAt() {
        return startedAt;
    }
}
