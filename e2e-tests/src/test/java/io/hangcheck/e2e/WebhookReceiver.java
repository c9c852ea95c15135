package io.hangcheck.e2e;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Takes the executor's webhook notifications and keeps every body, so a scenario can count what was sent. */
final class WebhookReceiver implements AutoCloseable {
    private final HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<java.time.Instant> times = new CopyOnWriteArrayList<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                times.add(java.time.Instant.now());
                bodies.add(body);
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    int count() {
        return bodies.size();
    }

    /** The bodies received from position {@code from} on. */
    List<String> since(int from) {
        return List.copyOf(bodies.subList(Math.min(from, bodies.size()), bodies.size()));
    }

    /** When each notification arrived, in order. */
    List<java.time.Instant> times() {
        return List.copyOf(times);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
