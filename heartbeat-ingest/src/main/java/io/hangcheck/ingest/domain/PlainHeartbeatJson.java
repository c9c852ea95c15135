package io.hangcheck.ingest.domain;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.InvalidEventException;

import java.io.IOException;
import java.time.Instant;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The quick reading of a body in the shape agents send: a heartbeat object (or an array of at most
 * {@code maxBatch} of them) whose fields are exactly the host's fields, each once, with plain JSON types —
 * {@code hostId} and {@code bootId} strings, {@code seq} and {@code uptimeSeconds} integers, {@code sentAt} an
 * ISO-8601 UTC string such as {@code 2026-11-27T06:00:00.123Z}, {@code labels} an object of strings, and an
 * optional {@code "type":"heartbeat"}. The heartbeats are built with the same {@link Heartbeat} constructor as
 * the full reading, so every rule is checked the same way.
 *
 * <p>Anything else — another field or type, a null, a fraction, a number as a string, a time in another form,
 * a repeated field, any invalid heartbeat, malformed JSON — returns null, and {@link HttpBody} reads the body the
 * full way ({@link StrictJson}), which decides and names the fault exactly as it always did. So this reading
 * only ever accepts what the full reading accepts, with the same result.
 */
final class PlainHeartbeatJson {

    private PlainHeartbeatJson() {
    }

    /** The heartbeats of a plain body, or null when the body is to be read the full way. */
    static List<Heartbeat> read(byte[] body, int maxBatch) {
        int first = 0;
        while (first < body.length && (body[first] == ' ' || body[first] == '\t' || body[first] == '\r' || body[first] == '\n')) {
            first++;
        }
        if (first == body.length || (body[first] != '{' && body[first] != '[')) {
            return null; // what the full reading calls malformed (a byte-order mark, for one) stays its decision
        }
        try (JsonParser p = StrictJson.MAPPER.getFactory().createParser(body)) {
            JsonToken start = p.nextToken();
            List<Heartbeat> out;
            if (start == JsonToken.START_OBJECT) {
                Heartbeat hb = object(p);
                if (hb == null) {
                    return null;
                }
                out = List.of(hb);
            } else if (start == JsonToken.START_ARRAY) {
                out = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t != JsonToken.START_OBJECT || out.size() == maxBatch) {
                        return null;
                    }
                    Heartbeat hb = object(p);
                    if (hb == null) {
                        return null;
                    }
                    out.add(hb);
                }
                if (out.isEmpty()) {
                    return null;
                }
            } else {
                return null;
            }
            return p.nextToken() == null ? out : null; // trailing content: the full reading refuses it
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** One heartbeat object, the parser on its START_OBJECT; null when it is not plain or not valid. */
    private static Heartbeat object(JsonParser p) throws IOException {
        String hostId = null;
        String bootId = null;
        long seq = 0;
        boolean hasSeq = false;
        Instant sentAt = null;
        Map<String, String> labels = null;
        Long uptime = null;
        boolean hasType = false;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            if (t != JsonToken.FIELD_NAME) {
                return null;
            }
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "hostId" -> {
                    if (hostId != null || v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    hostId = p.getText();
                }
                case "bootId" -> {
                    if (bootId != null || v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    bootId = p.getText();
                }
                case "seq" -> {
                    if (hasSeq || !isLong(p, v)) {
                        return null;
                    }
                    seq = p.getLongValue();
                    hasSeq = true;
                }
                case "sentAt" -> {
                    if (sentAt != null || v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    sentAt = utcInstant(p.getText());
                    if (sentAt == null) {
                        return null;
                    }
                }
                case "labels" -> {
                    if (labels != null || v != JsonToken.START_OBJECT) {
                        return null;
                    }
                    labels = new HashMap<>();
                    for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                        String key = p.currentName();
                        if (k != JsonToken.FIELD_NAME || p.nextToken() != JsonToken.VALUE_STRING
                                || labels.put(key, p.getText()) != null) {
                            return null;
                        }
                    }
                }
                case "uptimeSeconds" -> {
                    if (uptime != null || !isLong(p, v)) {
                        return null;
                    }
                    uptime = p.getLongValue();
                }
                case "type" -> {
                    if (hasType || v != JsonToken.VALUE_STRING || !"heartbeat".equals(p.getText())) {
                        return null;
                    }
                    hasType = true;
                }
                default -> {
                    return null;
                }
            }
        }
        if (hostId == null || bootId == null || !hasSeq || sentAt == null) {
            return null;
        }
        try {
            return Heartbeat.fromHost(hostId, bootId, seq, sentAt, labels, uptime);
        } catch (InvalidEventException e) {
            return null;
        }
    }

    private static boolean isLong(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            return false;
        }
        JsonParser.NumberType type = p.getNumberType();
        return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} as an instant, else null. */
    static Instant utcInstant(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        for (int i = 0; i < n - 1; i++) {
            char c = s.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            boolean ok = switch (i) {
                case 4, 7 -> c == '-';
                case 10 -> c == 'T';
                case 13, 16 -> c == ':';
                case 19 -> c == '.' && n > 21;
                default -> digit;
            };
            if (!ok) {
                return null;
            }
        }
        int second = num(s, 17, 19);
        if (second > 59) {
            return null; // a leap second: the full reading's decision
        }
        int nanos = 0;
        if (n > 21) {
            for (int i = 20; i < n - 1; i++) {
                nanos = nanos * 10 + (s.charAt(i) - '0');
            }
            for (int i = n - 1; i < 29; i++) { // scale to nine digits
                nanos *= 10;
            }
        }
        try {
            // Same instant as Instant.parse for this form; an impossible date or time throws (month 13, 24:00, ...).
            return LocalDateTime.of(num(s, 0, 4), num(s, 5, 7), num(s, 8, 10), num(s, 11, 13), num(s, 14, 16), second, nanos)
                    .toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static int num(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }
}
