package io.hangcheck.agent.config;

import static io.hangcheck.agent.config.Numbers.integer;
import static io.hangcheck.agent.config.Numbers.number;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.InvalidEventException;
import io.hangcheck.events.wire.UdpLine;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the heartbeat agent. Each has a flag and most an environment variable; the flag wins.
 *
 * @param ingest         {@code --ingest} / {@code HANGCHECK_INGEST}: ingest's address (default {@code 127.0.0.1:8081})
 * @param udpTarget      {@code --udp}: where datagrams go (default: ingest's host and port)
 * @param hostId         {@code --host-id} / {@code HANGCHECK_HOST_ID}: default the machine's host name
 * @param labels         {@code --labels} / {@code HANGCHECK_LABELS}: {@code pool=nightly,os=windows}; {@code os} is added if absent
 * @param interval       {@code --interval} / {@code HANGCHECK_INTERVAL}: time between heartbeats (default 60s, at least 1s)
 * @param jitter         {@code --jitter}: each interval is stretched or shrunk by up to this share (default 0.1)
 * @param mode           {@code --mode} / {@code HANGCHECK_MODE}: udp, http or udp+http (default udp+http)
 * @param hmacKey        {@code --hmac-key} / {@code HANGCHECK_HMAC_KEY}: signs datagrams (hex:…, base64:… or text); none by default
 * @param token          {@code --token} / {@code HANGCHECK_TOKEN}: bearer token for HTTP; none by default
 * @param maxAttempts    {@code --max-attempts}: HTTP tries per heartbeat, first included (default 3)
 * @param backoffInitial {@code --backoff}: delay before the first retry (default 1s), doubled per retry with jitter
 * @param backoffMax     {@code --backoff-max}: no retry delay is longer (default 15s); retries never outlast half an interval
 * @param connectTimeout {@code --connect-timeout}: TCP connect (default 3s)
 * @param readTimeout    {@code --read-timeout}: waiting for ingest's answer (default 10s)
 * @param httpEvery      {@code --http-every}: in udp+http mode, every n-th beat goes over HTTP (default 10; 0 = only on UDP errors)
 * @param count          {@code --count}: send this many heartbeats, then exit (default 0 = forever)
 */
public record AgentConfig(
        Endpoint ingest,
        Endpoint udpTarget,
        String hostId,
        Map<String, String> labels,
        Duration interval,
        double jitter,
        Mode mode,
        byte[] hmacKey,
        String token,
        int maxAttempts,
        Duration backoffInitial,
        Duration backoffMax,
        Duration connectTimeout,
        Duration readTimeout,
        int httpEvery,
        long count) {

    public static final Set<String> SWITCHES = Set.of("--help", "--quiet");

    public static final String USAGE = """
            hangcheck host agent: sends this host's heartbeat to hangcheck's ingest.

              java -jar hangcheck-host-agent.jar [flags]        (flags override environment variables)

              --ingest HOST:PORT|URL   HANGCHECK_INGEST     ingest address            (127.0.0.1:8081)
              --udp HOST:PORT                               UDP target                (ingest's host and port)
              --host-id ID             HANGCHECK_HOST_ID    this host's id            (host name)
              --labels k=v,k=v         HANGCHECK_LABELS     labels, e.g. pool=nightly (os added if absent)
              --interval DURATION      HANGCHECK_INTERVAL   between heartbeats        (60s)
              --jitter SHARE                                random stretch per interval (0.1)
              --mode udp|http|udp+http HANGCHECK_MODE       paths                     (udp+http)
              --hmac-key KEY           HANGCHECK_HMAC_KEY   sign datagrams: hex:.., base64:.. or text
              --token TOKEN            HANGCHECK_TOKEN      HTTP bearer token
              --max-attempts N                              HTTP tries per heartbeat  (3)
              --backoff DURATION / --backoff-max DURATION   retry delays              (1s / 15s)
              --connect-timeout / --read-timeout DURATION                             (3s / 10s)
              --http-every N                                udp+http: every n-th beat over HTTP (10)
              --count N                                     send N heartbeats and exit (0 = run forever)
              --quiet                                       warnings and errors only

            The fleet simulator (N virtual hosts) is a jar of its own: hangcheck-fleet-simulator.jar --help
            """;

    public AgentConfig {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException("--interval", "must be at least 1s");
        }
        if (!(jitter >= 0 && jitter <= 0.5)) {
            throw new ConfigException("--jitter", "must be within [0, 0.5]");
        }
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new ConfigException("--max-attempts", "must be within [1, 10]");
        }
        if (httpEvery < 0) {
            throw new ConfigException("--http-every", "must be >= 0");
        }
        if (count < 0) {
            throw new ConfigException("--count", "must be >= 0");
        }
        // Fail at start-up, not at the first heartbeat, if the id or labels break the contract.
        try {
            Heartbeat probe = Heartbeat.fromHost(hostId, "check", 0, Instant.EPOCH, labels, null);
            if (mode.udp()) {
                UdpLine.format(probe, hmacKey);
            }
        } catch (InvalidEventException e) {
            String field = e.field().equals("hostId") ? "--host-id" : "--labels";
            throw new ConfigException(field, e.getMessage());
        }
    }

    public static AgentConfig from(String[] argv, Map<String, String> env) {
        Args a = Args.parse(argv, SWITCHES);
        a.get("--quiet");
        Endpoint ingest = Endpoint.parse(or(a.get("--ingest", env, "HANGCHECK_INGEST"), "127.0.0.1:8081"), "--ingest");
        String udp = a.get("--udp");
        Endpoint udpTarget = udp == null ? new Endpoint("udp", ingest.host(), ingest.tls() && ingest.port() == 443
                ? Endpoint.DEFAULT_PORT : ingest.port()) : Endpoint.parse(udp, "--udp");
        String hostId = or(a.get("--host-id", env, "HANGCHECK_HOST_ID"), defaultHostId(env));
        Map<String, String> labels = Labels.parse(a.get("--labels", env, "HANGCHECK_LABELS"), "--labels");
        labels.putIfAbsent("os", osLabel());
        AgentConfig c = new AgentConfig(
                ingest,
                udpTarget,
                hostId,
                labels,
                Durations.parse(or(a.get("--interval", env, "HANGCHECK_INTERVAL"), "60s"), "--interval"),
                number(or(a.get("--jitter"), "0.1"), "--jitter"),
                Mode.parse(or(a.get("--mode", env, "HANGCHECK_MODE"), "udp+http"), "--mode"),
                Secrets.key(a.get("--hmac-key", env, "HANGCHECK_HMAC_KEY"), "--hmac-key"),
                a.get("--token", env, "HANGCHECK_TOKEN"),
                (int) integer(or(a.get("--max-attempts"), "3"), "--max-attempts"),
                Durations.parse(or(a.get("--backoff"), "1s"), "--backoff"),
                Durations.parse(or(a.get("--backoff-max"), "15s"), "--backoff-max"),
                Durations.parse(or(a.get("--connect-timeout"), "3s"), "--connect-timeout"),
                Durations.parse(or(a.get("--read-timeout"), "10s"), "--read-timeout"),
                (int) integer(or(a.get("--http-every"), "10"), "--http-every"),
                integer(or(a.get("--count"), "0"), "--count"));
        a.rejectUnknown();
        return c;
    }

    /**
     * What is sent without a credential: ingest requires them by default and drops unsigned datagrams silently (UDP has
     * no answer) and answers 401 to a POST without a token, so a host without its credentials looks dead. Logged as
     * warnings at start; `./lab credentials HOST` prints both.
     */
    public java.util.List<String> missingCredentials() {
        java.util.List<String> missing = new java.util.ArrayList<>();
        if (mode.udp() && hmacKey == null) {
            missing.add("no HMAC key (--hmac-key / HANGCHECK_HMAC_KEY): datagrams go unsigned, and an ingest that requires "
                    + "signatures (the default) drops them without an answer");
        }
        if (mode.http() && token == null) {
            missing.add("no bearer token (--token / HANGCHECK_TOKEN): an ingest that requires credentials (the default) "
                    + "answers 401");
        }
        return missing;
    }

    /** The host name, reduced to the characters a host id may hold. */
    static String defaultHostId(Map<String, String> env) {
        String name = env.get("HOSTNAME");
        if (name == null || name.isBlank()) {
            name = env.get("COMPUTERNAME");
        }
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                name = "unknown-host";
            }
        }
        String cleaned = name.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
        if (cleaned.isEmpty()) {
            cleaned = "unknown-host";
        }
        return cleaned.length() > Heartbeat.HOST_ID_MAX ? cleaned.substring(0, Heartbeat.HOST_ID_MAX) : cleaned;
    }

    static String osLabel() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return "windows";
        }
        if (os.contains("mac")) {
            return "macos";
        }
        if (os.contains("linux")) {
            return "linux";
        }
        return os.replaceAll("[^a-z0-9._-]", "-");
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }

    @Override
    public String toString() {
        return "host=" + hostId + " ingest=" + ingest + " udp=" + udpTarget.host() + ":" + udpTarget.port() + " mode=" + mode
                + " interval=" + Durations.format(interval) + " labels=" + labels + " hmac=" + (hmacKey != null)
                + " token=" + (token != null);
    }
}
