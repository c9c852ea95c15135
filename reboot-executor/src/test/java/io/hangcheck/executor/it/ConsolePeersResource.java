package io.hangcheck.executor.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.LeakAlert;
import io.hangcheck.events.SocketSnapshot;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluator's {@code GET /v1/hosts/{id}} and the socket monitor's {@code GET /v1/sockets[/alerts]} on a
 * free loopback port, answering with the contract's records (as the real services do), so the console's
 * server-side fetches and their rendering are exercised; like the real read APIs with viewer tokens on, they answer 401
 * without {@link #PEER_TOKEN}. Setting the system property {@link #DOWN} makes every
 * request end without an answer, as a dead peer would (system properties are seen by every class loader).
 */
public class ConsolePeersResource implements QuarkusTestResourceLifecycleManager {
    public static final String DOWN = "hangcheck.it.console.peers.down";
    public static final String KNOWN_HOST = "console-hung-1";
    /** The viewer token the fake read APIs require, as the real ones do when viewer tokens are configured. */
    public static final String PEER_TOKEN = "console-peer-token";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/hosts/", ex -> answer(ex, () -> {
            String id = ex.getRequestURI().getPath().substring("/v1/hosts/".length());
            if (!KNOWN_HOST.equals(id)) {
                return new Answer(404, "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no heartbeat seen from " + id + "\",\"field\":\"id\"}");
            }
            Instant now = Instant.now();
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("hostId", id);
            host.put("status", "HUNG");
            host.put("bootId", "boot-1");
            host.put("lastSeenAt", now.minusSeconds(300).toString());
            host.put("via", "ingest-0");
            host.put("silentMillis", 300_000);
            host.put("phi", 12.5);
            host.put("history", Map.of("meanIntervalMs", 1000.0, "stdDevIntervalMs", 40.0, "samples", 600));
            host.put("evaluatorId", "ev-1");
            return new Answer(200, EventCodec.toJson(host));
        }));
        server.createContext("/v1/sockets", ex -> answer(ex, () -> {
            Instant now = Instant.now();
            if (ex.getRequestURI().getPath().endsWith("/alerts")) {
                LeakAlert a = new LeakAlert("alert-1", "mon-1", "node-a", LeakAlert.Status.OPENED, LeakAlert.Kind.EXHAUSTION_FORECAST,
                        now, now.minusSeconds(40), "Local port 8081: 18 of 40 sockets, growing 24.3 per minute; the limit is reached in about 75 s.",
                        List.of("127.0.0.2"), List.of("ESTABLISHED"), 18, 40, 75.0);
                return new Answer(200, EventCodec.toJson(List.of(a)));
            }
            SocketSnapshot s = new SocketSnapshot("mon-1", "node-a", now, 31, 40, Map.of("ESTABLISHED", 27, "TIME_WAIT", 4),
                    List.of(new SocketSnapshot.PeerCount("127.0.0.2", "changelist", 18, Map.of("ESTABLISHED", 18)),
                            new SocketSnapshot.PeerCount("127.0.0.1", null, 13, Map.of("ESTABLISHED", 9, "TIME_WAIT", 4))),
                    List.of(), List.of(), List.of(), 75.0, 24.3);
            return new Answer(200, EventCodec.toJson(s));
        }));
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        // The broker is shared by the JVM's test classes: this class's executor answers the hangs it publishes,
        // not every HUNG other classes left on the topic (whose hosts it does not know).
        return Map.of("hangcheck.console.evaluator-url", url, "hangcheck.console.socket-monitor-url", url,
                "hangcheck.console.peer-timeout", "1s", "hangcheck.console.peer-token", PEER_TOKEN,
                "hangcheck.executor.events-offset-reset", "latest");
    }

    private record Answer(int status, String json) {
    }

    private interface Body {
        Answer get();
    }

    private static void answer(HttpExchange ex, Body body) throws IOException {
        try (ex) {
            if (Boolean.getBoolean(DOWN)) {
                return; // closed without a status line: what a dead peer looks like to the client
            }
            Answer a = ("Bearer " + PEER_TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization")) ? body.get()
                    : new Answer(401, "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"a viewer token is required\"}");
            byte[] bytes = a.json().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", a.status() == 200 ? "application/json" : "application/problem+json");
            ex.sendResponseHeaders(a.status(), bytes.length);
            ex.getResponseBody().write(bytes);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
