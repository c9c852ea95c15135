package io.hangcheck.simulator;

import static io.hangcheck.agent.config.Numbers.integer;
import static io.hangcheck.agent.config.Numbers.number;

import io.hangcheck.agent.config.Args;
import io.hangcheck.agent.config.ConfigException;
import io.hangcheck.agent.config.Durations;
import io.hangcheck.agent.config.Endpoint;
import io.hangcheck.agent.config.Labels;
import io.hangcheck.agent.config.Secrets;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.InvalidEventException;
import io.hangcheck.events.wire.UdpLine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the fleet simulator; see {@link #USAGE}.
 *
 * @param pools            {@code --pools name:count[:k=v+...],...} or {@code --hosts N} (one pool "sim")
 * @param labels           {@code --labels}: labels every virtual host carries (a pool's own win)
 * @param interval         {@code --interval}: heartbeat interval of every host (default 60s)
 * @param jitter           {@code --jitter}: share by which each interval is stretched or shrunk at random (0.1)
 * @param transport        {@code --transport udp|http}: default path (udp); a pool may set its own
 * @param ingest           {@code --ingest} / {@code HANGCHECK_INGEST}: ingest (127.0.0.1:8081)
 * @param udpTarget        {@code --udp}: where datagrams go (ingest's host and port)
 * @param hmacKey          {@code --hmac-key} / {@code HANGCHECK_HMAC_KEY}: signs datagrams
 * @param token            {@code --token} / {@code HANGCHECK_TOKEN}: HTTP bearer token (a fleet token: one POST
 *                         carries many simulated hosts)
 * @param secret           {@code --secret} / {@code HANGCHECK_SECRET}: the lab secret; each simulated host signs its
 *                         datagrams with its own derived key ({@code HostCredentials.udpKey}), as real agents do
 * @param batch            {@code --batch}: heartbeats per HTTP POST (100; 1 = one request per heartbeat)
 * @param httpConnections  {@code --http-connections}: HTTP senders, one connection each (2)
 * @param httpReuse        {@code --http-reuse true|false}: keep each sender's connection between POSTs (true);
 *                         false opens one per POST, like agents whose interval exceeds the keep-alive
 * @param controlBind      {@code --control-bind}: address of the control API and Redfish BMC (127.0.0.1)
 * @param controlPort      {@code --control-port}: its port (8090; 0 = any free port, printed at start)
 * @param bootTime         {@code --boot-time}: silence after a Redfish reset before the new boot's first heartbeat (20s)
 * @param statusEvery      {@code --status-every}: status line period on stdout (5s; 0 = none)
 * @param scenario         {@code --scenario FILE}: timed control actions (see README)
 * @param leakCap          {@code --leak-cap}: most connections the leaking clients may hold at once (1000)
 * @param tick             {@code --tick}: scheduler resolution (50ms)
 * @param duration         {@code --duration}: stop after this long (0 = run until killed)
 * @param seed             {@code --seed}: random seed (jitter, boot ids); default from the clock
 * @param bmcUser          {@code --bmc-user}: when set (with {@code --bmc-password}), Redfish calls need HTTP Basic auth
 * @param bmcPassword      {@code --bmc-password}
 * @param hungIgnoresGraceful {@code --hung-ignores-graceful}: a hung host ignores GracefulRestart/GracefulShutdown,
 *                         as a hung OS does (off by default), so escalation to ForceRestart/PowerCycle is exercised
 * @param bmcProfile       {@code --bmc-profile hangcheck|sushy|idrac|ilo}: how the BMCs behave (system ids, listed
 *                         reset types, busy answers); see {@link BmcProfile}
 * @param bmcTlsPort       {@code --bmc-tls-port}: also serve the BMCs over HTTPS on this port (0 = any free port),
 *                         with a self-signed certificate without subject alternative names, as BMCs ship; -1 = no
 * @param followBmc        {@code --follow-bmc HOST=URL,…}: these hosts' power follows a Redfish system elsewhere (a BMC
 *                         with no agent behind it, e.g. sushy-tools' emulator); see {@link PowerFollower}
 */
public record SimConfig(
        List<PoolSpec> pools,
        Map<String, String> labels,
        Duration interval,
        double jitter,
        PoolSpec.Transport transport,
        Endpoint ingest,
        Endpoint udpTarget,
        byte[] hmacKey,
        String token,
        byte[] secret,
        int batch,
        int httpConnections,
        boolean httpReuse,
        String controlBind,
        int controlPort,
        Duration bootTime,
        Duration statusEvery,
        Path scenario,
        int leakCap,
        Duration tick,
        Duration duration,
        long seed,
        String bmcUser,
        String bmcPassword,
        boolean hungIgnoresGraceful,
        BmcProfile bmcProfile,
        int bmcTlsPort,
        List<PowerFollower.Link> followBmc) {

    public static final int MAX_HOSTS = 1_000_000;
    /** {@code --simulate} is accepted and means nothing: command lines written for the agent jar's former mode still run. */
    public static final Set<String> SWITCHES = Set.of("--simulate", "--help", "--quiet", "--hung-ignores-graceful");

    public static final String USAGE = """
            hangcheck fleet simulator: N virtual hosts sending heartbeats, with scripted faults, a Redfish BMC
            for every host and a class of leaking clients.

              java -jar hangcheck-fleet-simulator.jar [flags]

              --pools nightly:100,changelist:13:os=windows    pools (name:count[:k=v+k=v], transport=udp|http|http-per-heartbeat)
              --hosts N                                        or N hosts in one pool "sim"     (10..1000000)
              --labels k=v,...                                 labels on every host
              --interval 60s --jitter 0.1                      heartbeat period and its random stretch
              --transport udp|http|http-per-heartbeat          default path                       (udp)
              --ingest HOST:PORT  (HANGCHECK_INGEST)           ingest                             (127.0.0.1:8081)
              --udp HOST:PORT                                  UDP target                         (ingest's)
              --hmac-key KEY (HANGCHECK_HMAC_KEY) --token T (HANGCHECK_TOKEN)
              --secret S (HANGCHECK_SECRET)                    sign each host's datagrams with its derived key
              --batch 100 --http-connections 2 --http-reuse true   HTTP batching
              --control-bind 127.0.0.1 --control-port 8090     control API + Redfish BMC          (0 = any port)
              --boot-time 20s                                  silence after a reset
              --bmc-user U --bmc-password P                    require Basic auth on Redfish
              --hung-ignores-graceful                          hung hosts ignore graceful resets
              --bmc-profile hangcheck|sushy|idrac|ilo          BMC behaviour: system ids, reset types, busy  (hangcheck)
              --bmc-tls-port N                                 the BMCs over HTTPS too, SAN-less cert (-1 = no; 0 = any)
              --follow-bmc HOST=URL[,…]                        HOST's power follows that Redfish system (user:pw@ in
                                                               the URL; PUT /bmc-notify takes sushy's notifications)
              --leak-cap 1000                                  most leaked connections held at once
              --scenario FILE                                  timed actions: "<at> <action> [query]" per line
              --status-every 5s --tick 50ms --duration 0 --seed N --quiet

            Control API (POST unless noted; hosts chosen by hosts=a,b | pool=P [count=N] [offset=K] | count=N | all=true):
              /hang /unhang /cut /uncut /slow?factor=3 /flap?up=30s&down=90s /skew?seconds=3600 /clear
              /leak?pool=changelist&rate=5&target=127.0.0.1:8081&max=200[&bind=127.0.0.2|none]   /leak/stop
              GET /status
            Redfish: the fleet's BMC at /redfish/v1 (GET /redfish/v1/Systems/{hostId}; POST …/Actions/ComputerSystem.Reset
                     {"ResetType": "ForceRestart" | "GracefulRestart" | "PowerCycle" | "On" | "ForceOff" | "GracefulShutdown"}),
                     and each host's own BMC at /bmc/{hostId}/redfish/v1 (one system, its id set by --bmc-profile);
                     the service root needs no credentials, sessions at /redfish/v1/SessionService/Sessions
            """;

    public SimConfig {
        long total = pools.stream().mapToLong(PoolSpec::count).sum();
        if (total < 1 || total > MAX_HOSTS) {
            throw new ConfigException("--pools", "the fleet must have 1.." + MAX_HOSTS + " hosts, not " + total);
        }
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new ConfigException("--interval", "must be at least 100ms");
        }
        if (!(jitter >= 0 && jitter <= 0.5)) {
            throw new ConfigException("--jitter", "must be within [0, 0.5]");
        }
        if (batch < 1 || batch > 10_000) {
            throw new ConfigException("--batch", "must be within [1, 10000]");
        }
        if (httpConnections < 1 || httpConnections > 64) {
            throw new ConfigException("--http-connections", "must be within [1, 64]");
        }
        if (tick.compareTo(Duration.ofMillis(1)) < 0 || tick.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new ConfigException("--tick", "must be within [1ms, 1s]");
        }
        if (bmcTlsPort < -1 || bmcTlsPort > 65535) {
            throw new ConfigException("--bmc-tls-port", "must be -1 (none), 0 (any) or a port");
        }
        if (leakCap < 0) {
            throw new ConfigException("--leak-cap", "must be >= 0");
        }
        if ((bmcUser == null) != (bmcPassword == null)) {
            throw new ConfigException("--bmc-user", "give both --bmc-user and --bmc-password, or neither");
        }
        // Every pool's labels must fit the heartbeat contract and the UDP line.
        for (PoolSpec p : pools) {
            Map<String, String> all = new LinkedHashMap<>(labels);
            all.putAll(p.labels());
            try {
                Heartbeat probe = Heartbeat.fromHost(p.name() + "-" + p.count(), "probe", 0, Instant.EPOCH, all, 0L);
                UdpLine.format(probe, hmacKey);
            } catch (InvalidEventException e) {
                throw new ConfigException("--pools", "pool " + p.name() + ": " + e.getMessage());
            }
        }
    }

    public static SimConfig from(String[] argv, Map<String, String> env) {
        Args a = Args.parse(argv, SWITCHES);
        a.get("--simulate");
        a.get("--quiet");
        String poolsText = a.get("--pools");
        String hostsText = a.get("--hosts");
        List<PoolSpec> pools;
        if (poolsText != null && hostsText != null) {
            throw new ConfigException("--hosts", "give --pools or --hosts, not both");
        } else if (poolsText != null) {
            pools = PoolSpec.parseAll(poolsText, "--pools");
        } else {
            pools = new ArrayList<>(List.of(PoolSpec.parse("sim:" + (hostsText == null ? "10" : hostsText.trim()), "--hosts")));
        }
        Endpoint ingest = Endpoint.parse(or(a.get("--ingest", env, "HANGCHECK_INGEST"), "127.0.0.1:8081"), "--ingest");
        String udp = a.get("--udp");
        String seed = a.get("--seed");
        String bmcUser = a.get("--bmc-user");
        SimConfig c = new SimConfig(
                pools,
                Labels.parse(a.get("--labels"), "--labels"),
                Durations.parse(or(a.get("--interval"), "60s"), "--interval"),
                number(or(a.get("--jitter"), "0.1"), "--jitter"),
                transport(or(a.get("--transport"), "udp")),
                ingest,
                udp == null ? new Endpoint("udp", ingest.host(), ingest.tls() && ingest.port() == 443
                        ? Endpoint.DEFAULT_PORT : ingest.port()) : Endpoint.parse(udp, "--udp"),
                Secrets.key(a.get("--hmac-key", env, "HANGCHECK_HMAC_KEY"), "--hmac-key"),
                a.get("--token", env, "HANGCHECK_TOKEN"),
                Secrets.key(a.get("--secret", env, "HANGCHECK_SECRET"), "--secret"),
                (int) integer(or(a.get("--batch"), "100"), "--batch"),
                (int) integer(or(a.get("--http-connections"), "2"), "--http-connections"),
                bool(or(a.get("--http-reuse"), "true"), "--http-reuse"),
                or(a.get("--control-bind"), "127.0.0.1"),
                (int) integer(or(a.get("--control-port"), "8090"), "--control-port"),
                Durations.parse(or(a.get("--boot-time"), "20s"), "--boot-time"),
                Durations.parse(or(a.get("--status-every"), "5s"), "--status-every"),
                a.get("--scenario") == null ? null : Path.of(a.get("--scenario")),
                (int) integer(or(a.get("--leak-cap"), "1000"), "--leak-cap"),
                Durations.parse(or(a.get("--tick"), "50ms"), "--tick"),
                Durations.parse(or(a.get("--duration"), "0"), "--duration"),
                seed == null ? System.nanoTime() : integer(seed, "--seed"),
                bmcUser,
                a.get("--bmc-password"),
                a.has("--hung-ignores-graceful") && bool(a.get("--hung-ignores-graceful"), "--hung-ignores-graceful"),
                BmcProfile.parse(or(a.get("--bmc-profile"), "hangcheck"), "--bmc-profile"),
                (int) integer(or(a.get("--bmc-tls-port"), "-1"), "--bmc-tls-port"),
                PowerFollower.Link.parseAll(a.get("--follow-bmc"), "--follow-bmc"));
        a.rejectUnknown();
        return c;
    }

    public int hosts() {
        return pools.stream().mapToInt(PoolSpec::count).sum();
    }

    private static PoolSpec.Transport transport(String v) {
        try {
            return PoolSpec.Transport.parse(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--transport", "'" + v + "' is not udp, http or http-per-heartbeat");
        }
    }

    private static String or(String v, String fallback) {
        return v == null ? fallback : v;
    }

    static boolean bool(String v, String field) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new ConfigException(field, "'" + v + "' is not true or false");
        };
    }
}
