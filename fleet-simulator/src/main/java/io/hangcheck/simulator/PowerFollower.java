package io.hangcheck.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hangcheck.agent.Log;
import io.hangcheck.agent.config.ConfigException;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Simulated hosts whose power follows a Redfish system the simulator did not write ({@code --follow-bmc
 * HOST=URL}; in {@code ./lab}, a fake system of OpenStack sushy-tools' emulator). That BMC has no heartbeating
 * agent behind it, so the simulated host plays its operating system: when the system's {@code PowerState} turns
 * {@code Off} the host is off (silent, a hang cleared); when it is {@code On} again the host boots (silent for
 * {@code --boot-time}, then heartbeats with a new boot id), and the boot counts as one reset of that host.
 *
 * <p>The power state is learnt two ways. The system is read every {@link #POLL} (a read is also what lets sushy's
 * fake driver apply a pending power change: it applies them when the system is next read). And the emulator's
 * external notifier ({@code EXTERNAL_NOTIFICATION_URL} = {@code PUT /bmc-notify} on the control port, and
 * {@code external_notifier: True} on the system) reports every change as it happens: a restart sets the system
 * {@code Off} and applies {@code On} one to eleven seconds later, on the next read, so a poll alone could miss an
 * {@code Off} shorter than its period. A poll that was started before the latest notification is ignored (its
 * answer may predate it).
 */
final class PowerFollower implements AutoCloseable {
    static final Duration POLL = Duration.ofSeconds(1);

    /** One followed system: the host it powers, its URL (without user-info) and the Basic credentials, or null. */
    record Link(String hostId, URI system, String authorization) {
        @Override
        public String toString() {
            return hostId + "=" + system;
        }

        /** {@code HOST=http[s]://[user:password@]bmc/redfish/v1/Systems/ID}, comma-separated. */
        static List<Link> parseAll(String text, String field) {
            List<Link> links = new ArrayList<>();
            if (text == null || text.isBlank()) {
                return links;
            }
            for (String item : text.split(",")) {
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigException(field, "'" + item + "' is not HOST=URL");
                }
                String host = item.substring(0, eq).trim();
                URI u;
                try {
                    u = new URI(item.substring(eq + 1).trim());
                } catch (URISyntaxException e) {
                    throw new ConfigException(field, "bad URL for " + host + ": " + e.getMessage());
                }
                if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getHost() == null
                        || u.getRawPath() == null || !u.getRawPath().startsWith("/redfish/")) {
                    throw new ConfigException(field, "'" + u.getScheme() + "://" + u.getHost() + u.getRawPath()
                            + "' for " + host + " is not an http(s) URL of a Redfish system (…/redfish/v1/Systems/ID)");
                }
                String auth = null;
                if (u.getRawUserInfo() != null) {
                    String[] up = u.getRawUserInfo().split(":", 2);
                    String user = URLDecoder.decode(up[0], StandardCharsets.UTF_8);
                    String password = up.length > 1 ? URLDecoder.decode(up[1], StandardCharsets.UTF_8) : "";
                    auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
                }
                URI clean = URI.create(u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getRawPath());
                links.add(new Link(host, clean, auth));
            }
            return links;
        }
    }

    private final FleetSimulator sim;
    private final List<Link> links;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    /** hostId → the last power state acted on. */
    private final Map<String, String> power = new ConcurrentHashMap<>();
    /** hostId → System.nanoTime() of the latest notification. */
    private final Map<String, Long> notifiedAt = new ConcurrentHashMap<>();
    /** hostId → the poll problem last logged (logged when it starts and when it ends, never per poll). */
    private final Map<String, String> problem = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong notifications = new java.util.concurrent.atomic.AtomicLong();
    private ScheduledExecutorService timer;

    PowerFollower(FleetSimulator sim, List<Link> links) {
        this.sim = sim;
        this.links = List.copyOf(links);
    }

    void start() {
        for (Link l : links) {
            if (sim.call(f -> f.indexOf(l.hostId())) < 0) {
                throw new ConfigException("--follow-bmc", "no simulated host " + l.hostId());
            }
        }
        if (links.isEmpty()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hangcheck-sim-follow-bmc");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::pollAll, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        Log.info("power of " + links.stream().map(Link::hostId).toList() + " follows " + links.stream().map(l -> l.system().toString()).toList()
                + " (polled every " + POLL.toSeconds() + " s; notifications: PUT /bmc-notify)");
    }

    private void pollAll() {
        for (Link l : links) {
            long started = System.nanoTime();
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(l.system()).timeout(Duration.ofSeconds(5))
                        .header("Accept", "application/json").GET();
                if (l.authorization() != null) {
                    b.header("Authorization", l.authorization());
                }
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    trouble(l, "HTTP " + r.statusCode());
                    continue;
                }
                String state = json.readTree(r.body()).path("PowerState").asText("");
                trouble(l, null);
                Long notified = notifiedAt.get(l.hostId());
                if (notified != null && notified - started > 0) {
                    continue; // a notification came while this read was under way: it is the newer word
                }
                observe(l.hostId(), state, "read");
            } catch (IOException e) {
                trouble(l, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                trouble(l, e.toString());
            }
        }
    }

    private void trouble(Link l, String what) {
        String before = what == null ? problem.remove(l.hostId()) : problem.put(l.hostId(), what);
        if (what != null && !what.equals(before)) {
            Log.warn("follow-bmc: cannot read " + l.system() + " for " + l.hostId() + ": " + what + " (power unchanged)");
        } else if (what == null && before != null) {
            Log.info("follow-bmc: " + l.system() + " answers again");
        }
    }

    /**
     * A notification of the sushy emulator (its fake system as JSON: {@code name}, {@code uuid},
     * {@code power_state}). 204 when it names a followed system, 404 when not, 400 when it is not such a document.
     */
    ControlServer.Result notified(byte[] body) {
        JsonNode n;
        try {
            n = json.readTree(body);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.path("power_state").isTextual()) {
            return new ControlServer.Result(400, Map.of("field", "power_state", "detail", "expected the emulator's system document"));
        }
        String name = n.path("name").asText("");
        String uuid = n.path("uuid").asText("");
        for (Link l : links) {
            String last = l.system().getRawPath().replaceAll("/+$", "");
            last = last.substring(last.lastIndexOf('/') + 1);
            if (l.hostId().equals(name) || (!uuid.isEmpty() && last.equals(uuid)) || last.equals(name)) {
                notifiedAt.put(l.hostId(), System.nanoTime());
                notifications.incrementAndGet();
                observe(l.hostId(), n.path("power_state").asText(), "notified");
                return new ControlServer.Result(204, null);
            }
        }
        return new ControlServer.Result(404, Map.of("field", "name", "detail", "no followed system named " + name + " / " + uuid));
    }

    /** Acts on a change of power: Off → the host is off; On after Off → it boots (a reset of the host). */
    synchronized void observe(String hostId, String state, String how) {
        if (!state.equals("On") && !state.equals("Off")) {
            return; // PoweringOn, PoweringOff, Paused: wait for where it settles
        }
        String before = power.put(hostId, state);
        if (state.equals(before)) {
            return;
        }
        if (state.equals("Off")) {
            sim.call(f -> {
                int h = f.indexOf(hostId);
                f.powerOff(h);
                return null;
            });
            Log.info("follow-bmc: " + hostId + " PowerState Off (" + how + ") → the host is off");
        } else if ("Off".equals(before)) {
            String boot = sim.call(f -> {
                int h = f.indexOf(hostId);
                f.countReset(h);
                sim.counters().resets.incrementAndGet();
                sim.reboot(h);
                return f.bootId(h);
            });
            Log.info("follow-bmc: " + hostId + " PowerState On (" + how + ") → booting, new boot " + boot);
        }
    }

    /** For {@code GET /status}: each followed host's system, its last power state and the notifications received. */
    Map<String, Object> status() {
        Map<String, Object> hosts = new java.util.LinkedHashMap<>();
        for (Link l : links) {
            hosts.put(l.hostId(), Map.of("system", l.system().toString(), "power", power.getOrDefault(l.hostId(), "?"),
                    "problem", problem.getOrDefault(l.hostId(), "")));
        }
        return Map.of("hosts", hosts, "notifications", notifications.get());
    }

    boolean active() {
        return !links.isEmpty();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
