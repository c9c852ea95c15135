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
        check(id, source, time);
        Map<String, String> h = new LinkedHashMap<>();
        h.put(ID, id);
        h.put(TYPE, type.ceType());
        h.put(SOURCE, source);
        h.put(TIME, time.toString());
        h.put(SPECVERSION, SPEC_VERSION);
        h.put(CONTENT_TYPE, JSON);
        return h;
    }

    /** Adds (replacing) the CloudEvents headers to a Kafka record's headers. */
    public static Headers apply(Headers headers, String id, EventType type, String source, Instant time) {
        check(id, source, time);
        // what attributes() gives, in its order; a record's headers are usually new (nothing to replace), and a
        // producer stamps many records with the same time in a row (the evaluator: its partition time)
        boolean fresh = !headers.iterator().hasNext();
        put(headers, fresh, ID, id.getBytes(StandardCharsets.UTF_8));
        put(headers, fresh, TYPE, type.ceType().getBytes(StandardCharsets.UTF_8));
        put(headers, fresh, SOURCE, source.getBytes(StandardCharsets.UTF_8));
        put(headers, fresh, TIME, timeBytes(time));
        put(headers, fresh, SPECVERSION, SPEC_VERSION_BYTES.clone());
        put(headers, fresh, CONTENT_TYPE, JSON_BYTES.clone());
        return headers;
    }

    /** The attributes' checks, one place for {@link #attributes} and {@link #apply}. */
    private static void check(String id, String source, Instant time) {
        Check.text(id, "ce_id", 512);
        Check.text(source, "ce_source", 512);
        Check.required(time, "ce_time");
    }

    private static final byte[] SPEC_VERSION_BYTES = SPEC_VERSION.getBytes(StandardCharsets.UTF_8);
    private static final byte[] JSON_BYTES = JSON.getBytes(StandardCharsets.UTF_8);

    private static void put(Headers headers, boolean fresh, String name, byte[] value) {
        if (!fresh) {
            headers.remove(name);
        }
        headers.add(name, value);
    }

    /** The last time formatted, with its text: reused while the same instant comes again. */
    private record FormattedTime(Instant time, byte[] utf8) {
    }

    private static volatile FormattedTime lastTime = new FormattedTime(Instant.EPOCH, Instant.EPOCH.toString().getBytes(StandardCharsets.UTF_8));

    private static byte[] timeBytes(Instant time) {
        FormattedTime last = lastTime;
        if (!last.time().equals(time)) {
            last = new FormattedTime(time, time.toString().getBytes(StandardCharsets.UTF_8));
            lastTime = last;
        }
        return last.utf8().clone(); // a header's value array is the record's own
    }

    public static Optional<String> header(Headers headers, String name) {
        Header h = headers == null ? null : headers.lastHeader(name);
        return h == null || h.value() == null ? Optional.empty() : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }
}
