package io.hangcheck.evaluator.messaging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatTopicRecord;
import io.hangcheck.events.Transport;
import io.hangcheck.events.kafka.HeartbeatTopicRecordSerde;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the values of {@code hangcheck.heartbeats.v1}. The contract's serde ({@link HeartbeatTopicRecordSerde},
 * Jackson databind) spent 10–13 µs on a heartbeat, most of the evaluator's own cost per record; a heartbeat
 * in its plain form is therefore read here with Jackson's streaming parser (same {@link JsonFactory}, so the
 * same low-level strictness) straight into the {@link Heartbeat} constructor, which applies the contract's
 * checks as it always did.
 *
 * <p>The fast path only <em>accepts</em>; it never rejects. Anything it does not read exactly as databind
 * would — a tick, a missing or repeated field, a value of another JSON type than the plain one (a number
 * where a string is expected, a quoted number, an object label value, a null label value, an epoch-number
 * instant), trailing tokens, malformed JSON, or a value the constructor refuses — is handed to the contract's
 * serde, which decides and, for a bad record, gives the reason that goes to the dead-letter topic. So the
 * accepted set and the dead-letter reasons are the serde's, by construction; {@code HeartbeatTopicDecoderTest}
 * checks both paths agree on valid records and on a corpus of malformed ones.
 *
 * <p>Not thread-safe (one per stream task).
 */
final class HeartbeatTopicDecoder {
    private static final int TYPE = 1;
    private static final int HOST_ID = 1 << 1;
    private static final int BOOT_ID = 1 << 2;
    private static final int SEQ = 1 << 3;
    private static final int SENT_AT = 1 << 4;
    private static final int LABELS = 1 << 5;
    private static final int UPTIME = 1 << 6;
    private static final int RECEIVED_AT = 1 << 7;
    private static final int TRANSPORT = 1 << 8;
    private static final int VIA = 1 << 9;
    private static final int NET = 1 << 10;

    private final JsonFactory factory = EventCodec.mapper().getFactory();
    private final HeartbeatTopicRecordSerde serde = new HeartbeatTopicRecordSerde();
    private long fastPath;
    private long slowPath;

    /**
     * The record, or the contract serde's {@link org.apache.kafka.common.errors.SerializationException} (null
     * for a tombstone, as the serde does).
     */
    HeartbeatTopicRecord decode(String topic, byte[] value) {
        if (value != null) {
            Heartbeat hb = plainHeartbeat(value);
            if (hb != null) {
                fastPath++;
                return hb;
            }
        }
        slowPath++;
        return serde.deserialize(topic, value);
    }

    long fastPathCount() {
        return fastPath;
    }

    long slowPathCount() {
        return slowPath;
    }

    /** The heartbeat when {@code value} is one in its plain form, else null (the serde decides). */
    Heartbeat plainHeartbeat(byte[] value) {
        String type = null;
        String hostId = null;
        String bootId = null;
        long seq = 0;
        Instant sentAt = null;
        Map<String, String> labels = null;
        Long uptimeSeconds = null;
        Instant receivedAt = null;
        Transport transport = null;
        String via = null;
        String net = null;
        int seen = 0;
        try (JsonParser p = factory.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                int bit = switch (name) {
                    case "type" -> TYPE;
                    case "hostId" -> HOST_ID;
                    case "bootId" -> BOOT_ID;
                    case "seq" -> SEQ;
                    case "sentAt" -> SENT_AT;
                    case "labels" -> LABELS;
                    case "uptimeSeconds" -> UPTIME;
                    case "receivedAt" -> RECEIVED_AT;
                    case "transport" -> TRANSPORT;
                    case "via" -> VIA;
                    case "net" -> NET;
                    default -> 0;
                };
                if (bit == 0) {
                    p.skipChildren(); // unknown properties are ignored by the contract
                    continue;
                }
                if ((seen & bit) != 0) {
                    return null;
                }
                seen |= bit;
                switch (bit) {
                    case TYPE -> {
                        if (v != JsonToken.VALUE_STRING || !"heartbeat".equals(p.getText())) {
                            return null;
                        }
                        type = "heartbeat";
                    }
                    case HOST_ID -> hostId = text(p, v);
                    case BOOT_ID -> bootId = text(p, v);
                    case VIA -> via = text(p, v);
                    case NET -> net = text(p, v);
                    case SEQ -> {
                        if (!integral(p, v)) {
                            return null;
                        }
                        seq = p.getLongValue();
                    }
                    case UPTIME -> {
                        if (v == JsonToken.VALUE_NULL) {
                            uptimeSeconds = null;
                        } else if (integral(p, v)) {
                            uptimeSeconds = p.getLongValue();
                        } else {
                            return null;
                        }
                    }
                    case SENT_AT -> sentAt = instant(p, v);
                    case RECEIVED_AT -> receivedAt = instant(p, v);
                    case TRANSPORT -> {
                        if (v == JsonToken.VALUE_NULL) {
                            transport = null;
                        } else if (v == JsonToken.VALUE_STRING) {
                            transport = switch (p.getText()) {
                                case "udp" -> Transport.UDP;
                                case "http" -> Transport.HTTP;
                                case "kafka" -> Transport.KAFKA;
                                default -> throw Fallback.INSTANCE;
                            };
                        } else {
                            return null;
                        }
                    }
                    case LABELS -> labels = labels(p, v);
                    default -> throw new IllegalStateException();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null || type == null || (seen & SEQ) == 0) {
                return null;
            }
        } catch (java.io.IOException | RuntimeException e) { // Fallback included
            return null;
        }
        try {
            return new Heartbeat(hostId, bootId, seq, sentAt, labels, uptimeSeconds, receivedAt, transport, via, net);
        } catch (RuntimeException e) {
            return null; // the serde gives the reason
        }
    }

    private static String text(JsonParser p, JsonToken v) throws java.io.IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        throw Fallback.INSTANCE;
    }

    private static boolean integral(JsonParser p, JsonToken v) throws java.io.IOException {
        return v == JsonToken.VALUE_NUMBER_INT && (p.getNumberType() == JsonParser.NumberType.INT
                || p.getNumberType() == JsonParser.NumberType.LONG);
    }

    private static Instant instant(JsonParser p, JsonToken v) throws java.io.IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_STRING) {
            throw Fallback.INSTANCE;
        }
        String text = p.getText();
        long fast = utcInstantMillis(text);
        if (fast != NOT_PLAIN) {
            return Instant.ofEpochMilli(fast);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw Fallback.INSTANCE;
        }
    }

    static final long NOT_PLAIN = Long.MIN_VALUE;

    /**
     * Epoch milliseconds of {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with 0 to 3 fraction digits (how Java writes an
     * {@link Instant} with millisecond precision, as ingest does), or {@link #NOT_PLAIN} for any other text,
     * which {@link Instant#parse} then reads (ISO-8601, as the contract's serde does). Same value as
     * {@code Instant.parse} for every text it accepts; a second of 60 (leap second) is left to it.
     */
    static long utcInstantMillis(String s) {
        int n = s.length();
        if (n < 20 || n > 24 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return NOT_PLAIN;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int millis = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n == 21) {
                return NOT_PLAIN;
            }
            int f = digits(s, 20, n - 21);
            if (f < 0) {
                return NOT_PLAIN;
            }
            millis = f * (n == 22 ? 100 : n == 23 ? 10 : 1);
        } else if (s.charAt(19) != 'Z') {
            return NOT_PLAIN;
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return NOT_PLAIN;
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    /** The non-negative number written by {@code len} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static Map<String, String> labels(JsonParser p, JsonToken v) throws java.io.IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.START_OBJECT) {
            throw Fallback.INSTANCE;
        }
        Map<String, String> m = new HashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw Fallback.INSTANCE;
            }
            m.put(k, p.getText());
        }
        if (t != JsonToken.END_OBJECT) {
            throw Fallback.INSTANCE;
        }
        return m;
    }

    /** Not a plain heartbeat: let the serde decide. Preallocated, no stack trace (control flow only). */
    private static final class Fallback extends RuntimeException {
        static final Fallback INSTANCE = new Fallback();

        private Fallback() {
            super(null, null, false, false);
        }
    }
}
