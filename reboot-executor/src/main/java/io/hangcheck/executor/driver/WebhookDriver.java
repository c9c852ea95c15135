package io.hangcheck.executor.driver;

import io.hangcheck.events.EventCodec;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * Asks another system to reset the host: a JSON POST of {@code {hostId, incidentId, attempt, resetType}} to
 * the inventory parameter {@code url}. 2xx is success; refused connections, 429 and 503 are retryable;
 * anything else (and a timeout) is fatal.
 */
public class WebhookDriver implements RebootDriver {
    private final HttpClient client;
    private final Duration timeout;

    public WebhookDriver(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public String reset(ResetRequest r) throws DriverException, InterruptedException {
        URI uri;
        try {
            uri = URI.create(r.param("url"));
        } catch (IllegalArgumentException e) {
            throw DriverException.fatal("bad webhook url for host " + r.hostId());
        }
        String body = EventCodec.toJson(Map.of("hostId", r.hostId(), "incidentId", r.incidentId(),
                "attempt", r.attempt(), "resetType", r.type().name()));
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> resp;
        try {
            resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new DriverException(DriverException.Kind.RETRYABLE, "webhook unreachable: " + e, e);
        } catch (HttpTimeoutException e) {
            throw new DriverException(DriverException.Kind.FATAL, "webhook did not answer in " + timeout, e);
        } catch (IOException e) {
            throw new DriverException(DriverException.Kind.FATAL, "webhook: " + e, e);
        }
        int s = resp.statusCode();
        if (s >= 200 && s < 300) {
            return "webhook accepted (HTTP " + s + ")";
        }
        String msg = "webhook answered HTTP " + s;
        throw s == 429 || s == 503 ? DriverException.retryable(msg) : DriverException.fatal(msg);
    }
}
