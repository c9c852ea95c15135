package io.hangcheck.executor.driver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake BMC: a JDK HTTP server speaking the Redfish the driver reads — service root (optionally linking
 * {@code Sessions}), any {@code /redfish/v1/Systems/{id}} with its Reset action, the action itself, basic or
 * session auth. It records every reset it accepts, and can be told to answer the next N resets with a status
 * (e.g. 503, with a {@code Retry-After}), to list only some reset types, or to stall before answering.
 */
public final class FakeBmc implements AutoCloseable {
    private static final Pattern SYSTEM = Pattern.compile("/redfish/v1/Systems/([^/]+)(/Actions/ComputerSystem\\.Reset)?/?");
    private static final Pattern TYPE = Pattern.compile("\"ResetType\"\\s*:\\s*\"([A-Za-z]+)\"");

    /** One accepted reset. */
    public record Reset(String systemId, String resetType) {
    }

    private final HttpServer server;
    private final String user;
    private final String password;
    private final List<Reset> resets = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> headers = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile int failStatus = 503;
    private volatile String retryAfter;
    private volatile List<String> allowable = List.of("On", "ForceOff", "GracefulRestart", "ForceRestart", "PowerCycle");
    private volatile boolean sessions;
    private volatile long stallMillis;
    private volatile long stallLoginMillis;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger calls = new AtomicInteger();

    public FakeBmc(String user, String password) throws IOException {
        this(user, password, 0);
    }

    public FakeBmc(String user, String password, int port) throws IOException {
        this.user = user;
        this.password = password;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/redfish/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Reset> resets() {
        return new ArrayList<>(resets);
    }

    public List<Reset> resets(String systemId) {
        return resets.stream().filter(r -> r.systemId().equals(systemId)).toList();
    }

    /** Requests of any kind. */
    public int calls() {
        return calls.get();
    }

    /** "METHOD path" of every request, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** "Connection|Upgrade" request headers of every request, in order. */
    public List<String> connectionHeaders() {
        return List.copyOf(headers);
    }

    /** How many requests were "METHOD path". */
    public long count(String methodAndPath) {
        return requests.stream().filter(methodAndPath::equals).count();
    }

    public void failNext(int n, int status) {
        failNext(n, status, null);
    }

    /** The next {@code n} resets are answered {@code status}, with this {@code Retry-After} (null: none). */
    public void failNext(int n, int status, String retryAfterHeader) {
        failStatus = status;
        retryAfter = retryAfterHeader;
        failNext.set(n);
    }

    public void allow(String... types) {
        allowable = List.of(types);
    }

    /** The service root links a Sessions collection; session tokens are then accepted alongside basic auth. */
    public void sessions(boolean on) {
        sessions = on;
    }

    /** Forget every session token issued (as a BMC does when its sessions time out). */
    public void expireSessions() {
        tokens.clear();
    }

    /** Reset requests wait this long before being answered (after being accepted). */
    public void stallResets(long millis) {
        stallMillis = millis;
    }

    /** Session logins wait this long before being answered. */
    public void stallLogins(long millis) {
        stallLoginMillis = millis;
    }

    public void clear() {
        resets.clear();
        requests.clear();
        calls.set(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        calls.incrementAndGet();
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        requests.add(method + " " + path);
        headers.add(String.valueOf(ex.getRequestHeaders().getFirst("Connection")) + "|" + ex.getRequestHeaders().getFirst("Upgrade"));
        try (ex) {
            if (sessions && method.equals("POST") && path.equals("/redfish/v1/SessionService/Sessions")) {
                if (stallLoginMillis > 0) {
                    try {
                        Thread.sleep(stallLoginMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (!body.contains("\"UserName\":\"" + user + "\"") || !body.contains("\"Password\":\"" + password + "\"")) {
                    reply(ex, 401, "{\"error\":{\"message\":\"bad login\"}}");
                    return;
                }
                String token = UUID.randomUUID().toString();
                tokens.add(token);
                ex.getResponseHeaders().set("X-Auth-Token", token);
                ex.getResponseHeaders().set("Location", "/redfish/v1/SessionService/Sessions/" + token.substring(0, 8));
                reply(ex, 201, "{\"Id\":\"" + token.substring(0, 8) + "\"}");
                return;
            }
            if (!authorised(ex)) {
                reply(ex, 401, "{\"error\":{\"message\":\"unauthorized\"}}");
                return;
            }
            if (method.equals("GET") && path.replaceAll("/+$", "").equals("/redfish/v1")) {
                reply(ex, 200, "{\"@odata.id\":\"/redfish/v1\",\"Systems\":{\"@odata.id\":\"/redfish/v1/Systems\"}"
                        + (sessions ? ",\"Links\":{\"Sessions\":{\"@odata.id\":\"/redfish/v1/SessionService/Sessions\"}}" : "") + "}");
                return;
            }
            Matcher m = SYSTEM.matcher(path);
            if (!m.matches()) {
                reply(ex, 404, "{\"error\":{\"message\":\"not found\"}}");
                return;
            }
            String id = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
            if (m.group(2) == null) {
                if (!method.equals("GET")) {
                    reply(ex, 405, "{\"error\":{\"message\":\"method\"}}");
                    return;
                }
                StringBuilder allowed = new StringBuilder();
                for (String t : allowable) {
                    allowed.append(allowed.length() == 0 ? "" : ",").append('"').append(t).append('"');
                }
                reply(ex, 200, "{\"@odata.id\":\"/redfish/v1/Systems/" + m.group(1) + "\",\"Id\":\"" + id
                        + "\",\"PowerState\":\"On\",\"Actions\":{\"#ComputerSystem.Reset\":{\"target\":\"/redfish/v1/Systems/"
                        + m.group(1) + "/Actions/ComputerSystem.Reset\",\"ResetType@Redfish.AllowableValues\":[" + allowed + "]}}}");
                return;
            }
            if (!"POST".equals(method)) {
                reply(ex, 405, "{\"error\":{\"message\":\"method\"}}");
                return;
            }
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher t = TYPE.matcher(body);
            if (!t.find()) {
                reply(ex, 400, "{\"error\":{\"message\":\"ResetType missing\"}}");
                return;
            }
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                if (retryAfter != null) {
                    ex.getResponseHeaders().set("Retry-After", retryAfter);
                }
                reply(ex, failStatus, "<html><body><h1>" + failStatus + "</h1>busy</body></html>");
                return;
            }
            resets.add(new Reset(id, t.group(1)));
            if (stallMillis > 0) {
                try {
                    Thread.sleep(stallMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ex.sendResponseHeaders(204, -1);
        }
    }

    private boolean authorised(HttpExchange ex) {
        String token = ex.getRequestHeaders().getFirst("X-Auth-Token");
        if (token != null) {
            return tokens.contains(token);
        }
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return expected.equals(ex.getRequestHeaders().getFirst("Authorization"));
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", body.startsWith("<") ? "text/html" : "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
