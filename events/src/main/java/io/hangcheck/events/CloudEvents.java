package io.hangcheck.events;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CloudEvents 1.0, Kafka protocol binding, binary content mode: the event's attributes travel as
 * {@code ce_*} headers, the record value is the JSON data itself.
 */
public final class CloudEvents {
    public static final String SPEC_VERSION = "1.0";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SPECVERSION = "ce_specversion";
    public static final String CONTENT_TYPE = "content-type";
    public static final String JSON = "application/json";

    private CloudEvents() {
    }

    /** The binary-mode headers of one event, in a stable order. */
    public static Map<String, String> attributes(String id, EventType type, String source, Instant time) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(ID, Check.text(id, "ce_id", 512));
        h.put(TYPE, type.ceType());
        h.put(SOURCE, Check.text(source, "ce_source", 512));
        h.put(TIME, Check.required(time, "ce_time").toString());
        h.put(SPECVERSION, SPEC_VERSION);
        h.put(CONTENT_TYPE, JSON);
        return h;
    }

    /** Adds (replacing) the CloudEvents headers to a Kafka record's headers. */
    public static Headers apply(Headers headers, String id, EventType type, String source, Instant time) {
        attributes(id, type, source, time).forEach((k, v) -> {
            headers.remove(k);
            headers.add(k, v.getBytes(StandardCharsets.UTF_8));
        });
        return headers;
    }

    public static Optional<String> header(Headers headers, String name) {
        Header h = headers == null ? null : headers.lastHeader(name);
        return h == null || h.value() == null ? Optional.empty() : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }
}
