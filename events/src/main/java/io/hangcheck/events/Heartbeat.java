package io.hangcheck.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One heartbeat of one host. The first six fields come from the host; ingest stamps {@code receivedAt},
 * {@code transport} and {@code via} (and the host's send time is recorded, never trusted for verdicts).
 *
 * @param hostId        stable host name, {@value #HOST_ID_PATTERN_TEXT}, at most {@value #HOST_ID_MAX} chars
 * @param bootId        changes on every boot of the host
 * @param seq           per-boot sequence number, starting anywhere >= 0, increasing, at most 2^53
 * @param sentAt        the host's own clock when it sent the heartbeat; within a year of {@code receivedAt}
 * @param labels        at most {@value #LABELS_MAX} labels (pool, os, ...)
 * @param uptimeSeconds seconds since the host booted, if known; at most ten years
 * @param receivedAt    ingest's clock when the heartbeat arrived (null only on the raw topic)
 * @param transport     path the heartbeat took (null only on the raw topic)
 * @param via           id of the ingest instance that took it (null only on the raw topic)
 * @param net           the sender's source network, /24 or /64 ({@link SourceNetwork}): stamped by ingest on HTTP and
 *                      UDP heartbeats; a host that publishes to the raw topic itself may set it (else null)
 */
public record Heartbeat(
        String hostId,
        String bootId,
        long seq,
        Instant sentAt,
        Map<String, String> labels,
        Long uptimeSeconds,
        Instant receivedAt,
        Transport transport,
        String via,
        String net) implements HeartbeatTopicRecord {

    public static final int HOST_ID_MAX = 128;
    public static final String HOST_ID_PATTERN_TEXT = "^[A-Za-z0-9][A-Za-z0-9._-]*$";
    public static final Pattern HOST_ID_PATTERN = Pattern.compile(HOST_ID_PATTERN_TEXT);
    public static final int BOOT_ID_MAX = 64;
    public static final Pattern BOOT_ID_PATTERN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]*$");
    public static final int LABELS_MAX = 16;
    public static final int LABEL_KEY_MAX = 63;
    public static final Pattern LABEL_KEY_PATTERN = Pattern.compile("^[a-z][a-z0-9_.-]*$");
    /** The three rules above, checked without a regex engine (see {@link AsciiId}). */
    public static final AsciiId HOST_ID = AsciiId.of(HOST_ID_PATTERN, "A-Za-z0-9", "A-Za-z0-9._-");
    public static final AsciiId BOOT_ID = AsciiId.of(BOOT_ID_PATTERN, "A-Za-z0-9", "A-Za-z0-9._:-");
    public static final AsciiId LABEL_KEY = AsciiId.of(LABEL_KEY_PATTERN, "a-z", "a-z0-9_.-");
    public static final int LABEL_VALUE_MAX = 128;
    public static final int VIA_MAX = 128;
    /** 2^53: the largest count every JSON reader (a double) holds exactly; seq and uptime never need more. */
    public static final long SEQ_MAX = 1L << 53;
    /** Ten years (of 366 days): a larger uptime is a bug or a forgery, and would push boot grace out forever. */
    public static final long UPTIME_MAX_SECONDS = 10L * 366 * 86_400;
    /** The four-digit years of RFC 3339 date-time; epoch-millis of anything in it fit a long many times over. */
    public static final Instant INSTANT_MIN = Instant.parse("0000-01-01T00:00:00Z");
    public static final Instant INSTANT_MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** How far a host's {@code sentAt} may be from ingest's receive time (either way) before it is refused. */
    public static final Duration SENT_AT_WINDOW = Duration.ofDays(366);

    public Heartbeat {
        Check.matches(hostId, "hostId", HOST_ID, HOST_ID_MAX);
        Check.matches(bootId, "bootId", BOOT_ID, BOOT_ID_MAX);
        Check.range(seq, "seq", 0, SEQ_MAX);
        Check.instant(sentAt, "sentAt", INSTANT_MIN, INSTANT_MAX);
        labels = Check.map(labels, "labels");
        if (labels.size() > LABELS_MAX) {
            throw new InvalidEventException("labels", "more than " + LABELS_MAX + " labels");
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            Check.matches(e.getKey(), "labels", LABEL_KEY, LABEL_KEY_MAX);
            if (e.getValue().isEmpty()) {
                // An empty value would vanish on the wire (empty values are not written): refuse it.
                throw new InvalidEventException("labels." + e.getKey(), "must not be empty");
            }
            if (e.getValue().length() > LABEL_VALUE_MAX) {
                throw new InvalidEventException("labels." + e.getKey(), "longer than " + LABEL_VALUE_MAX + " characters");
            }
        }
        if (uptimeSeconds != null) {
            Check.range(uptimeSeconds, "uptimeSeconds", 0, UPTIME_MAX_SECONDS);
        }
        if (receivedAt != null) {
            Check.instant(receivedAt, "receivedAt", INSTANT_MIN, INSTANT_MAX);
            checkSentAt(sentAt, receivedAt);
        }
        if (via != null) {
            Check.text(via, "via", VIA_MAX);
        }
        SourceNetwork.check(net, "net");
    }

    /** A heartbeat without a source network (as every record before the field existed). */
    public Heartbeat(String hostId, String bootId, long seq, Instant sentAt, Map<String, String> labels,
                     Long uptimeSeconds, Instant receivedAt, Transport transport, String via) {
        this(hostId, bootId, seq, sentAt, labels, uptimeSeconds, receivedAt, transport, via, null);
    }

    /**
     * Refuses a {@code sentAt} more than {@link #SENT_AT_WINDOW} away from {@code receivedAt}: a host clock a year
     * off is broken, and such values are how overflow and forged far-future heartbeats get in. Ingest checks every
     * heartbeat of a request with this before it publishes any.
     */
    public static void checkSentAt(Instant sentAt, Instant receivedAt) {
        if (sentAt.isBefore(receivedAt.minus(SENT_AT_WINDOW)) || sentAt.isAfter(receivedAt.plus(SENT_AT_WINDOW))) {
            throw new InvalidEventException("sentAt", "must be within " + SENT_AT_WINDOW.toDays()
                    + " days of the receive time (" + receivedAt + ")");
        }
    }

    /** A heartbeat as a host sends it, before ingest stamps it. */
    public static Heartbeat fromHost(String hostId, String bootId, long seq, Instant sentAt,
                                     Map<String, String> labels, Long uptimeSeconds) {
        return new Heartbeat(hostId, bootId, seq, sentAt, labels, uptimeSeconds, null, null, null, null);
    }

    /** This heartbeat as ingest accepted it, keeping the {@code net} it came with (the raw topic's). */
    public Heartbeat stamped(Instant receivedAt, Transport transport, String via) {
        return stamped(receivedAt, transport, via, net);
    }

    /** This heartbeat as ingest accepted it from a sender in source network {@code net} (null: unknown). */
    public Heartbeat stamped(Instant receivedAt, Transport transport, String via, String net) {
        return new Heartbeat(hostId, bootId, seq, sentAt, labels, uptimeSeconds,
                Check.required(receivedAt, "receivedAt"), Check.required(transport, "transport"),
                Check.text(via, "via", VIA_MAX), net);
    }

    /** Host clock minus ingest clock; positive when the host's clock runs ahead. Null before stamping. */
    public Duration skew() {
        return receivedAt == null ? null : Duration.between(receivedAt, sentAt);
    }
}
