package io.hangcheck.executor.console;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.LeakAlert;
import io.hangcheck.events.SocketSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The two services the console reads over HTTP, server-side: the evaluator (a host's detail) and the socket
 * monitor. A peer that does not answer in time, or answers with an error, is a {@link Fetched#failure} the page
 * shows as such ("evaluator unreachable: …"); it never breaks the page.
 */
@ApplicationScoped
public class Peers {
    /** A peer's answer, or why there is none. */
    public record Fetched<T>(T value, String failure) {
        static <T> Fetched<T> failed(String why) {
            return new Fetched<>(null, why);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    @Inject
    ConsoleConfig config;

    /** The evaluator's {@code GET /v1/hosts/{id}} (it redirects to the instance that owns the host). */
    public Fetched<JsonNode> host(String hostId) {
        return get(config.evaluatorUrl(), "/v1/hosts/" + URLEncoder.encode(hostId, StandardCharsets.UTF_8), "evaluator",
                body -> EventCodec.mapper().readTree(body));
    }

    /** The socket monitor's latest scan. */
    public Fetched<SocketSnapshot> sockets() {
        return get(config.socketMonitorUrl(), "/v1/sockets", "socket monitor", body -> EventCodec.fromBytes(body, SocketSnapshot.class));
    }

    /** The socket monitor's open leak alerts. */
    public Fetched<List<LeakAlert>> leakAlerts() {
        return get(config.socketMonitorUrl(), "/v1/sockets/alerts", "socket monitor",
                body -> EventCodec.mapper().readValue(body, new TypeReference<List<LeakAlert>>() { }));
    }

    interface Decoder<T> {
        T decode(byte[] body) throws IOException;
    }

    private <T> Fetched<T> get(String base, String path, String name, Decoder<T> decoder) {
        HttpRequest req;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path)).timeout(config.peerTimeout())
                    .header("Accept", "application/json").GET();
            config.peerToken().map(String::strip).filter(t -> !t.isEmpty()).ifPresent(t -> b.header("Authorization", "Bearer " + t));
            req = b.build();
        } catch (IllegalArgumentException e) {
            return Fetched.failed(name + " unreachable: bad address " + base);
        }
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() / 100 != 2) {
                String detail = problemDetail(r.body());
                return Fetched.failed(name + " answered " + r.statusCode() + (detail == null ? "" : ": " + detail));
            }
            return new Fetched<>(decoder.decode(r.body()), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Fetched.failed(name + " unreachable: interrupted");
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return Fetched.failed(name + " unreachable at " + base + ": " + why);
        }
    }

    private static String problemDetail(byte[] body) {
        try {
            JsonNode n = EventCodec.mapper().readTree(body);
            return n.hasNonNull("detail") ? n.get("detail").asText() : n.hasNonNull("title") ? n.get("title").asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
