package io.hangcheck.sockets.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Settings of the socket monitor ({@code hangcheck.sockets.*}); environment variables override each key
 * (e.g. {@code HANGCHECK_SOCKETS_PROC_ROOT=/host/proc}).
 */
@ConfigMapping(prefix = "hangcheck.sockets")
public interface SocketsConfig {

    /** This monitor's id: the Kafka key of its snapshots and alerts. */
    @WithDefault("socket-monitor")
    String monitorId();

    /** Name of the machine whose table is read; default: this host's name. */
    Optional<String> node();

    /** Time between scans of the socket table. */
    @WithDefault("15s")
    Duration interval();

    /**
     * Where {@code net/tcp} and {@code net/tcp6} are read: {@code /proc} (this network namespace), a node's
     * proc mounted into a pod ({@code /host/proc} with {@code hostNetwork} or the node's {@code /proc/1}), or
     * {@code /proc/<pid>} to read the network namespace of that process (a pod's, from a privileged sidecar).
     */
    @WithDefault("/proc")
    String procRoot();

    /** Where {@code net/ipv4/tcp_fin_timeout} and {@code ip_local_port_range} are; default {@code /proc/sys}. */
    @WithDefault("/proc/sys")
    String sysRoot();

    /** Peers counted by name (largest first); the rest are summed as {@code other}. Bounds label cardinality. */
    @WithDefault("20")
    int topPeers();

    /** Local (listener) ports counted by name; the rest are summed as {@code other}. */
    @WithDefault("20")
    int topPorts();

    /**
     * Budget of the whole table, in sockets. Default: the open-files limit of {@code owner-pid} when set, else
     * the size of {@code ip_local_port_range}.
     */
    OptionalInt tableLimit();

    /** A process whose open-files limit ({@code <proc-root>/<pid>/limits}) is the default budget. */
    OptionalInt ownerPid();

    /**
     * Local ports with their own budget and forecast, as {@code port} or {@code port:limit}
     * (e.g. {@code 5432:200,8080}); a port without a limit gets the default budget.
     */
    Optional<List<String>> watchPorts();

    /** Upper bounds of the stuck-socket age buckets (a last {@code +Inf} bucket is implied). */
    @WithDefault("1m,10m,1h")
    List<Duration> ageBuckets();

    /** Forecast and growth window (the range of Prometheus {@code predict_linear}). */
    @WithDefault("10m")
    Duration window();

    /** Alert when the forecast reaches the budget within this. */
    @WithDefault("30m")
    Duration horizon();

    /** The forecast alert resolves only when the forecast is beyond horizon × this factor (or gone). */
    @WithDefault("2.0")
    double resolveHorizonFactor();

    /** No forecast alert while usage is below this share of the budget (an idle table's noise is no leak). */
    @WithDefault("0.5")
    double forecastFloorShare();

    /** Alert when usage reaches this share of the budget. */
    @WithDefault("0.8")
    double warnShare();

    /** The usage alert resolves only below this share. */
    @WithDefault("0.7")
    double resolveShare();

    /** Consecutive breaching scans before an alert opens. */
    @WithDefault("3")
    int openAfter();

    /** Consecutive clear scans before an alert resolves. */
    @WithDefault("5")
    int resolveAfter();

    /** Scans needed in the window before a forecast is made. */
    @WithDefault("4")
    int minSamples();

    /** A socket in FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT or LAST_ACK this long counts as stuck. */
    @WithDefault("2m")
    Duration stuckAfter();

    /** Stuck sockets at or above this and growing open an alert; below half of it, it resolves. */
    @WithDefault("20")
    int stuckMinCount();

    /** Which topics the monitor writes. */
    Topics topics();

    /** PostgreSQL servers whose clients are watched. */
    Pg pg();

    /** Reverse DNS of peers. */
    Dns dns();

    /** The read API. */
    Api api();

    interface Api {
        /** Bearer tokens that may read {@code /v1/...}; none: the API is open (logged at start). */
        Optional<List<String>> viewerTokens();
    }

    interface Topics {
        /** Snapshots topic (documentation; the channel {@code sockets-out} maps to it). */
        @WithDefault("hangcheck.sockets.v1")
        String snapshots();

        /** Alerts topic (the channel {@code socket-alerts-out} maps to it). */
        @WithDefault("hangcheck.sockets.alerts.v1")
        String alerts();
    }

    interface Pg {
        /** JDBC URLs of the watched servers; none by default. */
        Optional<List<String>> urls();

        /** User to read {@code pg_stat_activity} as (needs {@code pg_read_all_stats} to see other users' rows). */
        @WithDefault("postgres")
        String user();

        /** Password; empty for trust authentication. */
        @WithDefault("")
        Optional<String> password();

        /** Time between polls. */
        @WithDefault("15s")
        Duration interval();

        /** Bound on connect, login and each query. */
        @WithDefault("3s")
        Duration timeout();

        /** Client groups shown per server (the rest are summed as {@code other}). */
        @WithDefault("50")
        int top();

        /** A client with at least this many idle connections may be flagged. */
        @WithDefault("5")
        int minIdle();

        /** Idle connections growing at least this fast (per minute, fit over the window) flag the client. */
        @WithDefault("0.5")
        double idleGrowthPerMinute();
    }

    interface Dns {
        /** Name peers by reverse DNS. */
        @WithDefault("true")
        boolean enabled();

        /** Names kept in the cache. */
        @WithDefault("4096")
        int cacheSize();

        /** How long a name is trusted. */
        @WithDefault("10m")
        Duration ttl();

        /** How long a failed look-up is not retried. */
        @WithDefault("2m")
        Duration negativeTtl();

        /** A look-up not answered within this counts as failed. */
        @WithDefault("2s")
        Duration timeout();

        /** Resolver threads (look-ups queue behind them, bounded). */
        @WithDefault("2")
        int threads();
    }
}
