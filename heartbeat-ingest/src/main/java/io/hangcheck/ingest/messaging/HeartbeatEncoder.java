package io.hangcheck.ingest.messaging;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.EventType;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.Transport;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes a stamped heartbeat as the record that lands on {@code hangcheck.heartbeats.v1}: the same JSON bytes
 * {@link EventCodec} writes for {@code heartbeat.stamped(receivedAt, transport, via)} and the same CloudEvents
 * headers {@link CloudEvents#apply} adds, without a stamped copy (whose constructor would validate every field a
 * second time), without databind and with the constant headers built once.
 *
 * <p>Every field of a {@link Heartbeat} is already validated; host and boot ids and label keys are restricted to
 * characters JSON writes as they are. A label value (free text over HTTP) or an instance id that JSON would
 * escape sends the whole record through {@link EventCodec} instead, so escaping is Jackson's own, byte for byte.
 * The encoder test checks the equality over wide input.
 */
final class HeartbeatEncoder {

    private static final byte[] HOST_ID = ascii("{\"type\":\"heartbeat\",\"hostId\":\"");
    private static final byte[] BOOT_ID = ascii("\",\"bootId\":\"");
    private static final byte[] SEQ = ascii("\",\"seq\":");
    private static final byte[] SENT_AT = ascii(",\"sentAt\":\"");
    private static final byte[] LABELS = ascii("\",\"labels\":{");
    private static final byte[] UPTIME = ascii(",\"uptimeSeconds\":");
    private static final byte[] RECEIVED_AT = ascii(",\"receivedAt\":\"");
    private static final byte[] TRANSPORT = ascii("\",\"transport\":\"");
    private static final byte[] VIA = ascii("\",\"via\":\"");
    private static final byte[] NET = ascii(",\"net\":\"");
    private static final byte[][] TRANSPORT_NAMES = new byte[Transport.values().length][];

    static {
        for (Transport t : Transport.values()) {
            // The name Jackson writes (@JsonProperty), taken from the codec itself.
            String json = EventCodec.toJson(t);
            TRANSPORT_NAMES[t.ordinal()] = ascii(json.substring(1, json.length() - 1));
        }
    }

    private final String via;
    private final byte[] viaTail;
    private final boolean viaPlain;
    private final Header typeHeader;
    private final Header sourceHeader;
    private final Header specVersionHeader;
    private final Header contentTypeHeader;
    private final String source;
    /** The formatted second of the last instant written ("2026-11-27T06:00:00"), reused within that second. */
    private volatile CachedSecond lastSecond = new CachedSecond(Long.MIN_VALUE, null);

    HeartbeatEncoder(String via, String source) {
        this.via = via;
        this.viaPlain = plain(via) && !via.isBlank(); // else stamped() says what is wrong with it
        this.viaTail = ascii(via + "\"");
        this.source = source;
        // CloudEvents.attributes is the single definition of the header names and constant values.
        Map<String, String> constant = CloudEvents.attributes("x", EventType.HEARTBEAT, source, Instant.EPOCH);
        this.typeHeader = header(CloudEvents.TYPE, constant.get(CloudEvents.TYPE));
        this.sourceHeader = header(CloudEvents.SOURCE, constant.get(CloudEvents.SOURCE));
        this.specVersionHeader = header(CloudEvents.SPECVERSION, constant.get(CloudEvents.SPECVERSION));
        this.contentTypeHeader = header(CloudEvents.CONTENT_TYPE, constant.get(CloudEvents.CONTENT_TYPE));
    }

    /** The record value: {@code EventCodec.toBytes(fromHost.stamped(receivedAt, transport, via, fromHost.net()))}. */
    byte[] value(Heartbeat fromHost, Instant receivedAt, Transport transport) {
        return value(fromHost, receivedAt, transport, fromHost.net());
    }

    /**
     * The record value: {@code EventCodec.toBytes(fromHost.stamped(receivedAt, transport, via, net))}; {@code net} is
     * the sender's source network (null: none known).
     */
    byte[] value(Heartbeat fromHost, Instant receivedAt, Transport transport, String net) {
        if (!viaPlain || !labelsPlain(fromHost.labels()) || (net != null && !plain(net))) {
            return EventCodec.toBytes(fromHost.stamped(receivedAt, transport, via, net));
        }
        Sink out = new Sink(256 + 64 * fromHost.labels().size());
        out.put(HOST_ID).putAscii(fromHost.hostId()).put(BOOT_ID).putAscii(fromHost.bootId()).put(SEQ).putLong(fromHost.seq())
                .put(SENT_AT);
        instant(out, fromHost.sentAt());
        if (fromHost.labels().isEmpty()) {
            out.putByte('"');
        } else {
            out.put(LABELS);
            boolean first = true;
            for (Map.Entry<String, String> e : fromHost.labels().entrySet()) {
                if (!first) {
                    out.putByte(',');
                }
                first = false;
                out.putByte('"').putAscii(e.getKey()).putByte('"').putByte(':').putByte('"').putAscii(e.getValue()).putByte('"');
            }
            out.putByte('}');
        }
        if (fromHost.uptimeSeconds() != null) {
            out.put(UPTIME).putLong(fromHost.uptimeSeconds());
        }
        out.put(RECEIVED_AT);
        instant(out, receivedAt);
        out.put(TRANSPORT).put(TRANSPORT_NAMES[transport.ordinal()]).put(VIA).put(viaTail);
        if (net != null) {
            out.put(NET).putAscii(net).putByte('"');
        }
        out.putByte('}');
        return out.bytes();
    }

    /** The CloudEvents headers of {@link CloudEvents#apply} for this heartbeat, in the same order. */
    RecordHeaders headers(Heartbeat fromHost, Instant receivedAt) {
        String id = fromHost.hostId() + "/" + fromHost.bootId() + "/" + fromHost.seq();
        if (id.length() > 512) {
            // Not reachable with the id limits of a heartbeat; CloudEvents says what is wrong if it ever is.
            RecordHeaders h = new RecordHeaders();
            CloudEvents.apply(h, id, EventType.HEARTBEAT, source, receivedAt);
            return h;
        }
        Sink time = new Sink(32);
        instant(time, receivedAt);
        return new RecordHeaders(new Header[]{
                new RecordHeader(CloudEvents.ID, id.getBytes(StandardCharsets.UTF_8)),
                typeHeader,
                sourceHeader,
                new RecordHeader(CloudEvents.TIME, time.bytes()),
                specVersionHeader,
                contentTypeHeader});
    }

    /** Writes {@code t} as {@link Instant#toString()} does (ISO-8601, UTC, fraction in groups of three digits). */
    private void instant(Sink out, Instant t) {
        long second = t.getEpochSecond();
        if (second < 0 || second > 253_402_300_799L) { // outside years 1970..9999: the JDK's own formatting
            out.putAscii(t.toString());
            return;
        }
        CachedSecond cached = lastSecond;
        if (cached.second != second) {
            cached = new CachedSecond(second, ascii(LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toString()));
            lastSecond = cached;
        }
        byte[] prefix = cached.text;
        out.put(prefix);
        if (prefix.length == 16) { // LocalDateTime omits ":00" seconds; Instant.toString does not
            out.putByte(':').putByte('0').putByte('0');
        }
        int nanos = t.getNano();
        if (nanos > 0) {
            out.putByte('.');
            if (nanos % 1_000_000 == 0) {
                out.putDigits(nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                out.putDigits(nanos / 1000, 6);
            } else {
                out.putDigits(nanos, 9);
            }
        }
        out.putByte('Z');
    }

    private record CachedSecond(long second, byte[] text) {
    }

    private static boolean labelsPlain(Map<String, String> labels) {
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!plain(e.getValue())) {
                return false;
            }
        }
        return true; // keys match ^[a-z][a-z0-9_.-]*$
    }

    /** Printable ASCII that JSON writes unescaped. */
    static boolean plain(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A growable byte array for one record. */
    private static final class Sink {
        private byte[] buf;
        private int len;

        Sink(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        Sink put(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
            return this;
        }

        Sink putByte(int b) {
            room(1);
            buf[len++] = (byte) b;
            return this;
        }

        /** Characters known to be ASCII. */
        Sink putAscii(String s) {
            int n = s.length();
            room(n);
            s.getBytes(0, n, buf, len); // deprecated, but exactly the low byte of each char: right for ASCII
            len += n;
            return this;
        }

        Sink putLong(long v) {
            if (v < 0) {
                return putAscii(Long.toString(v));
            }
            room(20);
            int start = len;
            do {
                buf[len++] = (byte) ('0' + (v % 10));
                v /= 10;
            } while (v != 0);
            for (int i = start, j = len - 1; i < j; i++, j--) {
                byte tmp = buf[i];
                buf[i] = buf[j];
                buf[j] = tmp;
            }
            return this;
        }

        /** {@code v} zero-padded to exactly {@code digits} digits. */
        Sink putDigits(int v, int digits) {
            room(digits);
            for (int i = len + digits - 1; i >= len; i--) {
                buf[i] = (byte) ('0' + (v % 10));
                v /= 10;
            }
            len += digits;
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, len);
        }
    }
}
