package io.hangcheck.simulator;

import static io.hangcheck.agent.config.Numbers.number;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hangcheck.agent.Log;
import io.hangcheck.agent.config.ConfigException;
import io.hangcheck.agent.config.Durations;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The simulator's HTTP face: the control API that scripts faults, and the Redfish BMC of every virtual host.
 * Every action runs on the simulator thread ({@link FleetSimulator#call}), so the fleet has one writer.
 */
final class ControlServer {
    static final String SYSTEMS = "/redfish/v1/Systems";
    static final List<String> RESET_TYPES = List.of("On", "ForceOff", "GracefulShutdown", "ForceRestart",
            "GracefulRestart", "PowerCycle");
    private static final int LIST_MAX = 100;

    /** An answer: HTTP status and a JSON body (null for none). */
    record Result(int status, Object body) {
    }

    private final FleetSimulator sim;
    private final SimConfig config;
    private final ObjectMapper json = new ObjectMapper();
    private final SimBmc bmc;
    private HttpServer server;
    private BmcTls tls;
    private ExecutorService executor;

    ControlServer(FleetSimulator sim, SimConfig config) {
        this.sim = sim;
        this.config = config;
        this.bmc = new SimBmc(sim, config);
    }

    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(config.controlBind()), config.controlPort()), 64);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "hangcheck-sim-control");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        if (config.bmcTlsPort() >= 0) {
            tls = BmcTls.start(new InetSocketAddress(InetAddress.getByName(config.controlBind()), config.bmcTlsPort()), executor,
                    ex -> {
                        String path = ex.getRequestURI().getRawPath();
                        if (path.equals("/redfish") || path.startsWith("/redfish/") || path.startsWith("/bmc/")) {
                            handle(ex);
                        } else { // the control API stays on plain HTTP
                            ex.sendResponseHeaders(404, -1);
                            ex.close();
                        }
                    });
        }
    }

    /** The HTTPS port of the BMCs, or -1. */
    int tlsPort() {
        return tls == null ? -1 : tls.port();
    }

    /** The PEM file of the BMCs' certificate (a CA bundle for clients that verify), or null. */
    java.nio.file.Path tlsCertificate() {
        return tls == null ? null : tls.certificate();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        if (tls != null) {
            tls.stop();
        }
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Result r;
            try {
                String path = ex.getRequestURI().getRawPath();
                String method = ex.getRequestMethod();
                byte[] body = readBody(ex.getRequestBody());
                if (path.equals("/redfish") || path.startsWith("/redfish/") || path.startsWith("/bmc/")) {
                    r = bmc.handle(ex, method, path, body);
                } else if (path.equals("/bmc-notify")) { // sushy-tools' external notifier (PowerFollower)
                    r = !method.equals("PUT") && !method.equals("POST") ? problem(405, "method", method + " not allowed on " + path)
                            : sim.follower() == null ? problem(404, "path", "no --follow-bmc") : sim.follower().notified(body);
                } else {
                    String action = path.replaceFirst("^/+", "").replaceFirst("/+$", "");
                    if (action.equals("status") ? !method.equals("GET") : !method.equals("POST")) {
                        r = problem(405, "method", method + " not allowed on " + path);
                    } else {
                        r = execute(action, query(ex.getRequestURI().getRawQuery()));
                    }
                }
            } catch (ConfigException e) {
                r = problem(400, e.field(), e.getMessage());
            } catch (RuntimeException e) {
                r = problem(500, "$", e.toString());
            }
            if ("close".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Connection"))) {
                // Say so: a client that reuses the socket otherwise meets a reset connection.
                ex.getResponseHeaders().set("Connection", "close");
            }
            byte[] out = r.body() == null ? null : json.writerWithDefaultPrettyPrinter().writeValueAsBytes(r.body());
            if (out != null) {
                ex.getResponseHeaders().set("Content-Type", r.status() >= 400 && !ex.getRequestURI().getPath().startsWith("/redfish") && !ex.getRequestURI().getPath().startsWith("/bmc/")
                        ? "application/problem+json" : "application/json");
            }
            ex.sendResponseHeaders(r.status(), out == null ? -1 : out.length);
            if (out != null) {
                ex.getResponseBody().write(out);
            }
        }
    }

    /** Runs one control action; the scenario runner calls this too. */
    Result execute(String action, Map<String, String> q) {
        switch (action) {
            case "status":
                return new Result(200, status());
            case "hang":
                return onHosts(action, q, Fleet::hang);
            case "unhang":
                return onHosts(action, q, (f, h) -> {
                    if (f.unhang(h)) {
                        sim.wake(h);
                    }
                });
            case "cut":
                return onHosts(action, q, Fleet::cut);
            case "uncut":
                return onHosts(action, q, Fleet::uncut);
            case "slow": {
                double factor = number(q.getOrDefault("factor", "3"), "factor");
                if (!(factor >= 0.1 && factor <= 100)) {
                    throw new ConfigException("factor", "must be within [0.1, 100]");
                }
                return onHosts(action, q, (f, h) -> f.slow(h, (float) factor));
            }
            case "flap": {
                Duration up = Durations.parse(q.getOrDefault("up", Durations.format(config.interval().multipliedBy(3))), "up");
                Duration down = Durations.parse(q.getOrDefault("down", Durations.format(config.interval().multipliedBy(3))), "down");
                if (up.isZero() || down.isZero()) {
                    throw new ConfigException("up", "up and down must be positive");
                }
                return onHosts(action, q, (f, h) -> f.flap(h, up.toNanos(), down.toNanos(), sim.now()));
            }
            case "skew": {
                long seconds = (long) number(q.getOrDefault("seconds", "3600"), "seconds");
                return onHosts(action, q, (f, h) -> f.skew(h, seconds * 1000));
            }
            case "clear":
                return onHosts(action, q, (f, h) -> {
                    if (f.clear(h)) {
                        sim.wake(h);
                    }
                });
            case "leak":
                return leak(q);
            case "leak/stop": {
                int closed = sim.leaker().stop();
                Log.info("leak stopped: " + closed + " connections closed");
                return new Result(200, Map.of("action", "leak/stop", "closed", closed));
            }
            default:
                return problem(404, "path", "no action '" + action + "' (see --help)");
        }
    }

    interface HostAction {
        void apply(Fleet f, int host);
    }

    private Result onHosts(String action, Map<String, String> q, HostAction op) {
        Object[] result = sim.call(f -> {
            int[] hosts = select(f, q);
            for (int h : hosts) {
                op.apply(f, h);
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < Math.min(LIST_MAX, hosts.length); i++) {
                ids.add(f.hostId(hosts[i]));
            }
            return new Object[]{hosts.length, ids};
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", action);
        body.put("count", result[0]);
        body.put("hosts", result[1]);
        Log.info("control: " + action + " " + q + " → " + result[0] + " hosts");
        return new Result(200, body);
    }

    /** hosts=a,b | pool=P [count=N] [offset=K] | count=N [offset=K] | all=true */
    static int[] select(Fleet f, Map<String, String> q) {
        if (q.containsKey("hosts")) {
            List<Integer> list = new ArrayList<>();
            for (String id : q.get("hosts").split(",")) {
                if (id.isBlank()) {
                    continue;
                }
                int h = f.indexOf(id.trim());
                if (h < 0) {
                    throw new ConfigException("hosts", "no host '" + id.trim() + "' in the simulated fleet");
                }
                list.add(h);
            }
            if (list.isEmpty()) {
                throw new ConfigException("hosts", "is empty");
            }
            return list.stream().mapToInt(Integer::intValue).distinct().toArray();
        }
        int from = 0;
        int size = f.size();
        if (q.containsKey("pool")) {
            int p = f.poolIndex(q.get("pool"));
            if (p < 0) {
                throw new ConfigException("pool", "no pool '" + q.get("pool") + "'");
            }
            from = f.poolStart(p);
            size = f.poolSize(p);
        } else if (!q.containsKey("count") && !"true".equals(q.get("all"))) {
            throw new ConfigException("hosts", "choose hosts: hosts=a,b | pool=P [count=N] | count=N | all=true");
        }
        int offset = (int) number(q.getOrDefault("offset", "0"), "offset");
        int count = (int) number(q.getOrDefault("count", String.valueOf(size)), "count");
        if (offset < 0 || count < 0 || offset + count > size) {
            throw new ConfigException("count", "offset " + offset + " + count " + count + " is beyond the " + size + " hosts chosen");
        }
        int[] hosts = new int[count];
        for (int i = 0; i < count; i++) {
            hosts[i] = from + offset + i;
        }
        return hosts;
    }

    private Result leak(Map<String, String> q) {
        String pool = q.get("pool");
        if (pool != null && sim.call(f -> f.poolIndex(pool)) < 0) {
            throw new ConfigException("pool", "no pool '" + pool + "'");
        }
        double rate = number(q.getOrDefault("rate", "5"), "rate");
        if (!(rate > 0 && rate <= 10_000)) {
            throw new ConfigException("rate", "must be within (0, 10000] connections per second");
        }
        int max = (int) number(q.getOrDefault("max", String.valueOf(sim.leaker().cap())), "max");
        if (max < 1) {
            throw new ConfigException("max", "must be >= 1");
        }
        String target = q.getOrDefault("target", config.ingest().host() + ":" + config.ingest().port());
        int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("target", "'" + target + "' is not host:port");
        }
        InetSocketAddress addr;
        try {
            addr = new InetSocketAddress(InetAddress.getByName(target.substring(0, colon).replaceAll("[\\[\\]]", "")),
                    Integer.parseInt(target.substring(colon + 1)));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("target", "'" + target + "': " + e.getMessage());
        }
        InetAddress bind = null;
        String bindText = q.get("bind");
        try {
            if (bindText == null) {
                // A distinct loopback source so the socket monitor can tell the leakers from everyone else.
                bind = addr.getAddress().isLoopbackAddress() && addr.getAddress().getAddress().length == 4
                        ? InetAddress.getByName("127.0.0.2") : null;
            } else if (!bindText.equals("none")) {
                bind = InetAddress.getByName(bindText);
            }
        } catch (IOException e) {
            throw new ConfigException("bind", "'" + bindText + "': " + e.getMessage());
        }
        boolean toIngest = !q.containsKey("target") || (addr.getPort() == config.ingest().port()
                && (addr.getHostString().equals(config.ingest().host()) || addr.getAddress().isLoopbackAddress()));
        String mode = q.getOrDefault("mode", toIngest ? "http" : "idle");
        byte[] greeting;
        switch (mode) {
            case "idle" -> greeting = null;
            case "http" -> greeting = ("GET " + q.getOrDefault("path", "/q/health/live") + " HTTP/1.1\r\nHost: " + target
                    + "\r\nUser-Agent: hangcheck-sim-leaker\r\nConnection: keep-alive\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            default -> throw new ConfigException("mode", "'" + mode + "' is not http or idle");
        }
        int effective = sim.leaker().start(new Leaker.Spec(pool, addr, bind, rate, max, greeting));
        Log.info("leak started: " + (pool == null ? "" : "pool " + pool + ", ") + rate + "/s to " + target
                + " from " + (bind == null ? "default address" : bind.getHostAddress()) + " (" + mode + "), at most " + effective);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", "leak");
        body.put("max", effective);
        body.put("status", sim.leaker().status());
        return new Result(200, body);
    }

    Map<String, Object> status() {
        return sim.call(f -> {
            Map<String, Object> s = new LinkedHashMap<>();
            long now = sim.now();
            s.put("uptimeSeconds", (now - sim.startNanos()) / 1_000_000_000L);
            s.put("hosts", f.size());
            s.put("intervalSeconds", config.interval().toMillis() / 1000.0);
            Map<Fleet.State, int[]> census = sim.census(f);
            Map<String, Object> pools = new LinkedHashMap<>();
            for (int p = 0; p < f.pools().size(); p++) {
                Map<String, Object> ps = new LinkedHashMap<>();
                ps.put("hosts", f.poolSize(p));
                for (Fleet.State st : Fleet.State.values()) {
                    ps.put(stateName(st), census.get(st)[p]);
                }
                ps.put("sent", sim.sentInPool(p));
                pools.put(f.pools().get(p).name(), ps);
            }
            s.put("pools", pools);
            Map<String, List<String>> byState = new LinkedHashMap<>();
            Map<String, Integer> resets = new LinkedHashMap<>();
            List<String> slow = new ArrayList<>();
            List<String> skewed = new ArrayList<>();
            List<String> flapping = new ArrayList<>();
            for (int h = 0; h < f.size(); h++) {
                Fleet.State st = f.state(h, now);
                if (st != Fleet.State.UP) {
                    List<String> l = byState.computeIfAbsent(stateName(st), k -> new ArrayList<>());
                    if (l.size() < LIST_MAX) {
                        l.add(f.hostId(h));
                    }
                }
                if (f.resets(h) > 0 && resets.size() < 1000) {
                    resets.put(f.hostId(h), f.resets(h));
                }
                if (f.slowFactor(h) != 1f && slow.size() < LIST_MAX) {
                    slow.add(f.hostId(h));
                }
                if (f.skewMillis(h) != 0 && skewed.size() < LIST_MAX) {
                    skewed.add(f.hostId(h));
                }
                if (f.flapping(h) && flapping.size() < LIST_MAX) {
                    flapping.add(f.hostId(h));
                }
            }
            s.put("silent", byState);
            if (sim.follower() != null && sim.follower().active()) {
                s.put("followBmc", sim.follower().status());
            }
            s.put("slow", slow);
            s.put("skewed", skewed);
            s.put("flapping", flapping);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("total", sim.counters().resets.get());
            r.put("byHost", resets);
            s.put("resets", r);
            FleetSimulator.Counters c = sim.counters();
            Map<String, Object> sent = new LinkedHashMap<>();
            sent.put("udp", c.udpSent.get());
            sent.put("udpErrors", c.udpErrors.get());
            sent.put("httpPosts", c.httpPosts.get());
            sent.put("httpAccepted", c.httpAccepted.get());
            sent.put("httpFailed", c.httpFailed.get());
            sent.put("httpDropped", c.httpDropped.get());
            sent.put("lostToCut", c.lostToCut.get());
            sent.put("lastHttpProblem", c.lastHttpProblem);
            s.put("heartbeats", sent);
            s.put("leak", sim.leaker().status());
            return s;
        });
    }

    static String stateName(Fleet.State st) {
        return st.name().toLowerCase(Locale.ROOT).replace("_d", "D");
    }

    private static Result problem(int status, String field, String detail) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", status == 404 ? "Not Found" : status == 405 ? "Method Not Allowed" : status >= 500 ? "Error" : "Bad Request");
        p.put("status", status);
        p.put("field", field);
        p.put("detail", detail);
        return new Result(status, p);
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] b = in.readNBytes(64 * 1024 + 1);
        if (b.length > 64 * 1024) {
            throw new ConfigException("$", "body over 64 KiB");
        }
        return b;
    }
}
