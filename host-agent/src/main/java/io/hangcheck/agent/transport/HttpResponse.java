package io.hangcheck.agent.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** A response read by {@link OneConnectionHttpClient}; header names are lower case. */
public record HttpResponse(int status, Map<String, String> headers, byte[] body) {

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** {@code Retry-After} in seconds, if present and numeric (the HTTP-date form is ignored). */
    public Duration retryAfter() {
        String v = header("retry-after");
        if (v == null) {
            return null;
        }
        try {
            long s = Long.parseLong(v.trim());
            return s < 0 ? null : Duration.ofSeconds(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
