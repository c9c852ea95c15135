package io.hangcheck.executor.driver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake BMC: a JDK HTTP server speaking the Redfish reset action
 * ({@code POST /redfish/v1/Systems/{id}/Actions/ComputerSystem.Reset}, basic auth). It records every reset
 * it accepts, and can be told to answer the next N calls with a status (e.g. 503).
 */
public final class FakeBmc implements AutoCloseable {
    private static final Pattern RESET = Pattern.compile("/redfish/v1/Systems/([^/]+)/Actions/ComputerSystem\\.Reset");
    private static final Pattern TYPE = Pattern.compile("\"ResetType\"\\s*:\\s*\"([A-Za-z]+)\"");

    /** One accepted reset. */
    public record Reset(String systemId, String resetType) {
    }

    private final HttpServer server;
    private final String user;
    private final String password;
    private final List<Reset> resets = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile int failStatus = 503;
    private final AtomicInteger calls = new AtomicInteger();

    public FakeBmc(String user, String password) throws IOException {
        this(user, password, 0);
    }

    public FakeBmc(String user, String password, int port) throws IOException {
        this.user = user;
        this.password = password;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/redfish/v1/Systems/", this::handle);
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

    public int calls() {
        return calls.get();
    }

    public void failNext(int n, int status) {
        failStatus = status;
        failNext.set(n);
    }

    public void clear() {
        resets.clear();
        calls.set(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        calls.incrementAndGet();
        try (ex) {
            Matcher m = RESET.matcher(ex.getRequestURI().getPath());
            if (!"POST".equals(ex.getRequestMethod()) || !m.matches()) {
                reply(ex, 404, "{\"error\":\"not found\"}");
                return;
            }
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                reply(ex, 401, "{\"error\":\"unauthorized\"}");
                return;
            }
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher t = TYPE.matcher(body);
            if (!t.find()) {
                reply(ex, 400, "{\"error\":\"ResetType missing\"}");
                return;
            }
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply(ex, failStatus, "{\"error\":\"busy\"}");
                return;
            }
            resets.add(new Reset(m.group(1), t.group(1)));
            ex.sendResponseHeaders(204, -1);
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
