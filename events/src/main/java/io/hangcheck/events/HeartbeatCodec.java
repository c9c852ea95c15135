package io.hangcheck.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The heartbeat's JSON, read and written with Jackson's streaming parser and generator: what ingest reads from hosts
 * (HTTP bodies, the raw topic) and writes to {@link Topics#HEARTBEATS}, and what the evaluator reads from it. It is
 * the contract's serde ({@link EventCodec}, databind) made cheap for the records that are read and written millions
 * of times, and equal to it:
 *
 * <ul>
 *   <li><b>Reading only ever accepts.</b> A heartbeat the streaming reading takes whole — every known field of its
 *       plain JSON type, each once, times in the form {@link Instant#toString()} writes, unknown fields skipped (the
 *       contract's readers ignore them), nothing after it — goes through the same {@link Heartbeat} constructor, so
 *       every rule and bound is checked as always. Anything else — a tick, a value of another JSON type or in another
 *       form, a null, a value the constructor refuses, malformed JSON — is read again by {@link EventCodec}, which
 *       accepts it or names the field at fault in its own words. So the accepted set, the values and every refusal
 *       are the contract serde's; {@code HeartbeatCodecPropertiesTest} checks it over valid and damaged input.</li>
 *   <li><b>Writing</b> gives the bytes {@link EventCodec#toBytes} gives: the same generator (so the same escaping), the
 *       same field order and omissions (null and empty values).</li>
 * </ul>
 *
 * <p>Every method is thread-safe.
 */
public final class HeartbeatCodec {

    /** The contract mapper's factory: the same parser and generator features as databind's (duplicates refused). */
    private static final JsonFactory FACTORY = EventCodec.mapper().getFactory();

    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString HEARTBEAT = new SerializedString("heartbeat");
    private static final SerializedString HOST_ID = new SerializedString("hostId");
    private static final SerializedString BOOT_ID = new SerializedString("bootId");
    private static final SerializedString SEQ = new SerializedString("seq");
    private static final SerializedString SENT_AT = new SerializedString("sentAt");
    private static final SerializedString LABELS = new SerializedString("labels");
    private static final SerializedString UPTIME = new SerializedString("uptimeSeconds");
    private static final SerializedString RECEIVED_AT = new SerializedString("receivedAt");
    private static final SerializedString TRANSPORT = new SerializedString("transport");
    private static final SerializedString VIA = new SerializedString("via");
    private static final SerializedString NET = new SerializedString("net");
    private static final SerializedString[] TRANSPORT_NAMES = new SerializedString[Transport.values().length];

    static {
        for (Transport t : Transport.values()) {
            String json = EventCodec.toJson(t); // the name databind writes (@JsonProperty), from the codec itself
            TRANSPORT_NAMES[t.ordinal()] = new SerializedString(json.substring(1, json.length() - 1));
        }
    }

    private HeartbeatCodec() {
    }

    // ------------------------------------------------------------------ reading

    /**
     * A heartbeat as a host sends it (an HTTP body's object, a raw-topic record): {@code "type"} may be left out.
     * Exactly {@code EventCodec.fromBytes(json, Heartbeat.class)}: the heartbeat, or its {@link InvalidEventException}.
     */
    public static Heartbeat readHeartbeat(byte[] json) {
        Heartbeat hb = streamed(json, false);
        return hb != null ? hb : EventCodec.fromBytes(json, Heartbeat.class);
    }

    /**
     * A record of {@link Topics#HEARTBEATS} (a heartbeat or a tick; {@code "type"} is required). Exactly
     * {@code EventCodec.fromBytes(json, HeartbeatTopicRecord.class)}: the record, or its {@link InvalidEventException}.
     */
    public static HeartbeatTopicRecord readTopicRecord(byte[] json) {
        Heartbeat hb = streamed(json, true);
        return hb != null ? hb : EventCodec.fromBytes(json, HeartbeatTopicRecord.class);
    }

    /** More heartbeats in one body than the reader allows ({@code $}, the whole body). */
    public static final class TooManyHeartbeats extends InvalidEventException {
        TooManyHeartbeats(int count, int max) {
            super("$", "batch of " + count + " heartbeats is more than " + max);
        }
    }

    /**
     * The body of an HTTP heartbeat request: one heartbeat object, or an array of 1 to {@code maxBatch} of them, all
     * valid. Blank space around it is allowed; anything else is refused whole, naming the first fault:
     * {@code empty body}, {@code expected a JSON object or array}, malformed JSON ({@code $}, as {@link EventCodec} says
     * it), {@code empty array}, {@link TooManyHeartbeats}, {@code [3]} ({@code not a JSON object}) or
     * {@code [3].hostId}. Malformed JSON anywhere in the body is named before the batch's size and its elements; an
     * element is read exactly as {@link #readHeartbeat}.
     */
    public static List<Heartbeat> readBatch(byte[] body, int maxBatch) {
        int first = firstNonBlank(body);
        if (first < 0) {
            throw new InvalidEventException("$", "empty body");
        }
        byte b = body[first];
        if (b != '[' && b != '{') {
            throw new InvalidEventException("$", "expected a JSON object or array");
        }
        List<Heartbeat> streamed = streamedBatch(body, maxBatch);
        if (streamed != null) {
            return streamed;
        }
        if (b == '{') {
            return List.of(EventCodec.fromBytes(body, Heartbeat.class));
        }
        JsonNode root;
        try {
            root = EventCodec.mapper().readTree(body);
        } catch (IOException e) {
            throw EventCodec.translate(e);
        }
        if (root.size() == 0) {
            throw new InvalidEventException("$", "empty array");
        }
        if (root.size() > maxBatch) {
            throw new TooManyHeartbeats(root.size(), maxBatch);
        }
        List<Heartbeat> batch = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode element = root.get(i);
            if (element == null || !element.isObject()) {
                throw new InvalidEventException("[" + i + "]", "not a JSON object");
            }
            try {
                Heartbeat hb = EventCodec.mapper().treeToValue(element, Heartbeat.class);
                if (hb == null) {
                    throw new InvalidEventException("$", "null document");
                }
                batch.add(hb);
            } catch (IOException | IllegalArgumentException e) {
                InvalidEventException iee = EventCodec.translate(e);
                String field = iee.field() == null || iee.field().equals("$") ? "" : "." + iee.field();
                throw new InvalidEventException("[" + i + "]" + field, iee.reason(), iee);
            }
        }
        return batch;
    }

    /** The heartbeat when {@code json} is one the streaming reading takes whole, else null (databind decides). */
    static Heartbeat streamed(byte[] json, boolean typeRequired) {
        if (json == null) {
            return null;
        }
        try {
            return streamed(json, typeRequired, false);
        } catch (UnknownField e) {
            return streamed(json, typeRequired, true);
        }
    }

    /**
     * Without {@code strict} the parser does not look for repeated keys (a set of names per object, a tenth of the
     * reading's time): this reading refuses them itself — a known field twice by its bit, a label twice by the map —
     * and on an unknown field it throws {@link UnknownField}, to be read again with the strict parser.
     */
    private static Heartbeat streamed(byte[] json, boolean typeRequired, boolean strict) {
        try (JsonParser p = parser(json, strict)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Heartbeat hb = object(p, typeRequired, strict);
            return hb != null && p.nextToken() == null ? hb : null;
        } catch (UnknownField e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The heartbeats of a body the streaming reading takes whole, else null (databind decides). */
    static List<Heartbeat> streamedBatch(byte[] body, int maxBatch) {
        try {
            return streamedBatch(body, maxBatch, false);
        } catch (UnknownField e) {
            return streamedBatch(body, maxBatch, true);
        }
    }

    private static List<Heartbeat> streamedBatch(byte[] body, int maxBatch, boolean strict) {
        try (JsonParser p = parser(body, strict)) {
            JsonToken start = p.nextToken();
            List<Heartbeat> out;
            if (start == JsonToken.START_OBJECT) {
                Heartbeat hb = object(p, false, strict);
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
                    Heartbeat hb = object(p, false, strict);
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
            return p.nextToken() == null ? out : null;
        } catch (UnknownField e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static JsonParser parser(byte[] json, boolean strict) throws IOException {
        JsonParser p = FACTORY.createParser(json);
        if (strict) {
            // What the contract mapper's parsers do; said here too so that no change of defaults can let a repeated
            // key through this reading (which would then keep one of them) while databind refuses it.
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        } else {
            p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        }
        return p;
    }

    /** An unknown field met by the reading without the parser's check for repeated keys: read again with it. */
    private static final class UnknownField extends RuntimeException {
        static final UnknownField INSTANCE = new UnknownField();

        private UnknownField() {
            super(null, null, false, false);
        }
    }

    private static final int F_TYPE = 1;
    private static final int F_HOST_ID = 1 << 1;
    private static final int F_BOOT_ID = 1 << 2;
    private static final int F_SEQ = 1 << 3;
    private static final int F_SENT_AT = 1 << 4;
    private static final int F_LABELS = 1 << 5;
    private static final int F_UPTIME = 1 << 6;
    private static final int F_RECEIVED_AT = 1 << 7;
    private static final int F_TRANSPORT = 1 << 8;
    private static final int F_VIA = 1 << 9;
    private static final int F_NET = 1 << 10;

    /**
     * One heartbeat object, the parser on its START_OBJECT (left on its END_OBJECT); null when it is not one this
     * reading takes whole (throws too, for malformed JSON: the caller treats both alike).
     */
    private static Heartbeat object(JsonParser p, boolean typeRequired, boolean strict) throws IOException {
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
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            int bit = switch (name) {
                case "type" -> F_TYPE;
                case "hostId" -> F_HOST_ID;
                case "bootId" -> F_BOOT_ID;
                case "seq" -> F_SEQ;
                case "sentAt" -> F_SENT_AT;
                case "labels" -> F_LABELS;
                case "uptimeSeconds" -> F_UPTIME;
                case "receivedAt" -> F_RECEIVED_AT;
                case "transport" -> F_TRANSPORT;
                case "via" -> F_VIA;
                case "net" -> F_NET;
                default -> 0;
            };
            if (bit == 0) {
                if (!strict) {
                    throw UnknownField.INSTANCE; // repeated keys inside it or beside it: the strict parser finds them
                }
                skip(p, v); // the contract's readers ignore what they do not know
                continue;
            }
            if ((seen & bit) != 0 || v == JsonToken.VALUE_NULL) {
                return null; // a null: databind's decision (the constructor's, or "is required" for seq)
            }
            seen |= bit;
            switch (bit) {
                case F_TYPE -> {
                    if (v != JsonToken.VALUE_STRING || !"heartbeat".equals(p.getText())) {
                        return null;
                    }
                }
                case F_HOST_ID -> hostId = text(p, v);
                case F_BOOT_ID -> bootId = text(p, v);
                case F_VIA -> via = text(p, v);
                case F_NET -> net = text(p, v);
                case F_SEQ -> {
                    if (!integral(p, v)) {
                        return null;
                    }
                    seq = p.getLongValue();
                }
                case F_UPTIME -> {
                    if (!integral(p, v)) {
                        return null;
                    }
                    uptimeSeconds = p.getLongValue();
                }
                case F_SENT_AT -> sentAt = instant(p, v);
                case F_RECEIVED_AT -> receivedAt = instant(p, v);
                case F_TRANSPORT -> transport = transport(p, v);
                case F_LABELS -> labels = labels(p, v);
                default -> throw new IllegalStateException();
            }
        }
        if (t != JsonToken.END_OBJECT || (seen & F_SEQ) == 0 || (typeRequired && (seen & F_TYPE) == 0)) {
            return null;
        }
        try {
            return new Heartbeat(hostId, bootId, seq, sentAt, labels, uptimeSeconds, receivedAt, transport, via, net);
        } catch (RuntimeException e) {
            return null; // databind names the field, in its words
        }
    }

    /**
     * Skips the value {@code v} starts, decoding every string in it as databind does when it buffers a heartbeat's
     * fields before its {@code "type"} (so a string it would refuse, say invalid UTF-8, is refused here too).
     */
    private static void skip(JsonParser p, JsonToken v) throws IOException {
        int depth = 0;
        for (JsonToken t = v; ; t = p.nextToken()) {
            if (t == null) {
                throw NotStreamed.INSTANCE;
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
            } else if (t == JsonToken.VALUE_STRING) {
                p.getText();
            }
            if (depth == 0) {
                return;
            }
        }
    }

    private static String text(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw NotStreamed.INSTANCE;
        }
        return p.getText();
    }

    private static boolean integral(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            return false;
        }
        JsonParser.NumberType type = p.getNumberType();
        return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
    }

    private static Instant instant(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw NotStreamed.INSTANCE;
        }
        Instant t = parseInstant(p.getText());
        if (t == null) {
            throw NotStreamed.INSTANCE;
        }
        return t;
    }

    private static Transport transport(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw NotStreamed.INSTANCE;
        }
        String s = p.getText();
        for (Transport t : Transport.values()) {
            if (TRANSPORT_NAMES[t.ordinal()].getValue().equals(s)) {
                return t;
            }
        }
        throw NotStreamed.INSTANCE;
    }

    private static Map<String, String> labels(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            throw NotStreamed.INSTANCE;
        }
        java.util.TreeMap<String, String> m = new java.util.TreeMap<>(); // the order Heartbeat keeps them in
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING || m.put(k, p.getText()) != null) {
                throw NotStreamed.INSTANCE;
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw NotStreamed.INSTANCE;
        }
        return Check.adopt(m); // non-null keys and values, held by no one else: the heartbeat takes it without a copy
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} (what {@link Instant#toString()} writes for the years 0000–9999) as the
     * instant {@link Instant#parse} makes of it; null for any other text (a leap second, an hour 24, an offset, lower
     * case, other digits), which databind then reads.
     */
    static Instant parseInstant(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || n == 21 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
                || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':' || (n > 20 && s.charAt(19) != '.')) {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int nanos = 0;
        if (n > 20) {
            nanos = digits(s, 20, n - 1);
            if (nanos < 0) {
                return null;
            }
            for (int i = n - 21; i < 9; i++) { // scale to nine digits
                nanos *= 10;
            }
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay(); // an impossible date throws
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The number written by the ASCII digits {@code s[from, to)} (at most nine), or -1. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int firstNonBlank(byte[] body) {
        if (body == null) {
            return -1;
        }
        for (int i = 0; i < body.length; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Not a heartbeat the streaming reading takes whole: databind decides. Preallocated, no stack trace. */
    private static final class NotStreamed extends RuntimeException {
        static final NotStreamed INSTANCE = new NotStreamed();

        private NotStreamed() {
            super(null, null, false, false);
        }
    }

    // ------------------------------------------------------------------ writing

    /** {@code EventCodec.toBytes(hb)}: the heartbeat as the contract writes it, {@code "type":"heartbeat"} first. */
    public static byte[] write(Heartbeat hb) {
        return write(hb, hb.receivedAt(), hb.transport(), hb.via(), hb.net());
    }

    /**
     * {@code EventCodec.toBytes(fromHost.stamped(receivedAt, transport, via, net))} without the stamped copy (whose
     * constructor would check every field of {@code fromHost} again): what ingest publishes. The stamp is checked as
     * {@link Heartbeat#stamped(Instant, Transport, String, String)} checks it, with the same
     * {@link InvalidEventException}; {@code fromHost} is valid already (a {@link Heartbeat}).
     */
    public static byte[] writeStamped(Heartbeat fromHost, Instant receivedAt, Transport transport, String via, String net) {
        Check.required(receivedAt, "receivedAt");
        Check.required(transport, "transport");
        Check.text(via, "via", Heartbeat.VIA_MAX);
        Check.instant(receivedAt, "receivedAt", Heartbeat.INSTANT_MIN, Heartbeat.INSTANT_MAX);
        Heartbeat.checkSentAt(fromHost.sentAt(), receivedAt);
        SourceNetwork.check(net, "net");
        return write(fromHost, receivedAt, transport, via, net);
    }

    private static byte[] write(Heartbeat hb, Instant receivedAt, Transport transport, String via, String net) {
        ByteArrayBuilder out = new ByteArrayBuilder(256 + 64 * hb.labels().size());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            char[] time = new char[30];
            g.writeStartObject();
            g.writeFieldName(TYPE);
            g.writeString(HEARTBEAT);
            g.writeFieldName(HOST_ID);
            g.writeString(hb.hostId());
            g.writeFieldName(BOOT_ID);
            g.writeString(hb.bootId());
            g.writeFieldName(SEQ);
            g.writeNumber(hb.seq());
            g.writeFieldName(SENT_AT);
            writeInstant(g, hb.sentAt(), time);
            if (!hb.labels().isEmpty()) {
                g.writeFieldName(LABELS);
                g.writeStartObject();
                for (Map.Entry<String, String> e : hb.labels().entrySet()) {
                    g.writeFieldName(e.getKey());
                    g.writeString(e.getValue());
                }
                g.writeEndObject();
            }
            if (hb.uptimeSeconds() != null) {
                g.writeFieldName(UPTIME);
                g.writeNumber(hb.uptimeSeconds());
            }
            if (receivedAt != null) {
                g.writeFieldName(RECEIVED_AT);
                writeInstant(g, receivedAt, time);
            }
            if (transport != null) {
                g.writeFieldName(TRANSPORT);
                g.writeString(TRANSPORT_NAMES[transport.ordinal()]);
            }
            if (via != null && !via.isEmpty()) {
                g.writeFieldName(VIA);
                g.writeString(via);
            }
            if (net != null && !net.isEmpty()) {
                g.writeFieldName(NET);
                g.writeString(net);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a heartbeat", e); // a ByteArrayBuilder does not fail
        }
        return out.toByteArray();
    }

    private static void writeInstant(JsonGenerator g, Instant t, char[] buf) throws IOException {
        int len = formatInstant(t, buf);
        if (len < 0) {
            g.writeString(t.toString());
        } else {
            g.writeString(buf, 0, len);
        }
    }

    /** {@code t} as {@link Instant#toString()} writes it. */
    public static String instantText(Instant t) {
        char[] buf = new char[30];
        int len = formatInstant(t, buf);
        return len < 0 ? t.toString() : new String(buf, 0, len);
    }

    /**
     * Writes {@code t} into {@code buf} (30 chars) as {@link Instant#toString()} does — ISO-8601, UTC, the fraction in
     * groups of three digits — and returns the length, or -1 outside the years 0000–9999 (written by the JDK then).
     */
    static int formatInstant(Instant t, char[] buf) {
        long second = t.getEpochSecond();
        if (second < -62_167_219_200L || second > 253_402_300_799L) {
            return -1;
        }
        long epochDay = Math.floorDiv(second, 86_400);
        int secOfDay = (int) Math.floorMod(second, 86_400);
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        put(buf, 0, date.getYear(), 4);
        buf[4] = '-';
        put(buf, 5, date.getMonthValue(), 2);
        buf[7] = '-';
        put(buf, 8, date.getDayOfMonth(), 2);
        buf[10] = 'T';
        put(buf, 11, secOfDay / 3600, 2);
        buf[13] = ':';
        put(buf, 14, secOfDay / 60 % 60, 2);
        buf[16] = ':';
        put(buf, 17, secOfDay % 60, 2);
        int len = 19;
        int nanos = t.getNano();
        if (nanos > 0) {
            buf[len++] = '.';
            if (nanos % 1_000_000 == 0) {
                put(buf, len, nanos / 1_000_000, 3);
                len += 3;
            } else if (nanos % 1000 == 0) {
                put(buf, len, nanos / 1000, 6);
                len += 6;
            } else {
                put(buf, len, nanos, 9);
                len += 9;
            }
        }
        buf[len++] = 'Z';
        return len;
    }

    /** {@code v} zero-padded to exactly {@code digits} digits at {@code at}. */
    private static void put(char[] buf, int at, int v, int digits) {
        for (int i = at + digits - 1; i >= at; i--) {
            buf[i] = (char) ('0' + v % 10);
            v /= 10;
        }
    }
}
