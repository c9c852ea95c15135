package io.hangcheck.ingest.domain;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatCodec;
import io.hangcheck.events.InvalidEventException;

import java.time.Instant;
import java.util.List;

/**
 * Reads the body of {@code POST /v1/heartbeats}: one JSON heartbeat object, or an array of at most
 * {@code maxBatch} of them ({@link HeartbeatCodec#readBatch}). Either every heartbeat is valid, or the first invalid
 * one is named ({@code [3].hostId}) and none is taken: a batch is all or nothing. Never throws.
 */
public final class HttpBody {

    private HttpBody() {
    }

    /** The outcome: heartbeats, or a rejection. */
    public record Parsed(List<Heartbeat> heartbeats, Rejection rejection) {
        public boolean ok() {
            return rejection == null;
        }
    }

    /**
     * Parses and validates the whole body before anything of it may be published, including each {@code sentAt}
     * against {@code receivedAt} ({@link Heartbeat#checkSentAt}); a null {@code receivedAt} skips that check.
     */
    public static Parsed parse(byte[] body, int maxBatch, Instant receivedAt) {
        try {
            List<Heartbeat> all = HeartbeatCodec.readBatch(body, maxBatch);
            if (receivedAt != null) {
                boolean array = body[firstNonBlank(body)] == '[';
                for (int i = 0; i < all.size(); i++) {
                    try {
                        Heartbeat.checkSentAt(all.get(i).sentAt(), receivedAt);
                    } catch (InvalidEventException e) {
                        return invalid(array ? new InvalidEventException("[" + i + "]." + e.field(), e.reason(), e) : e);
                    }
                }
            }
            return new Parsed(all, null);
        } catch (HeartbeatCodec.TooManyHeartbeats e) {
            return new Parsed(List.of(), new Rejection(RejectReason.BATCH_TOO_LARGE, e.field(), e.reason()));
        } catch (InvalidEventException e) {
            return invalid(e);
        } catch (RuntimeException e) {
            // A trust boundary: whatever slips past the codec is still only a bad body.
            return new Parsed(List.of(), new Rejection(RejectReason.MALFORMED, "$", "unreadable body: " + e.getClass().getSimpleName()));
        }
    }

    /** Without the receive-time check (tests of the parser alone). */
    static Parsed parse(byte[] body, int maxBatch) {
        return parse(body, maxBatch, null);
    }

    private static Parsed invalid(InvalidEventException e) {
        String reason = e.reason() == null ? "invalid" : e.reason();
        RejectReason kind = reason.startsWith("malformed JSON") || reason.startsWith("unreadable")
                || reason.equals("empty body") || reason.equals("expected a JSON object or array")
                ? RejectReason.MALFORMED : RejectReason.INVALID;
        return new Parsed(List.of(), new Rejection(kind, e.field(), friendly(reason)));
    }

    /** Jackson's wording, said plainly for an agent writer. */
    static String friendly(String reason) {
        if (reason.startsWith("Cannot map `null` into type")) {
            return "is required";
        }
        if (reason.startsWith("Cannot deserialize value of type `long`") || reason.startsWith("Cannot deserialize value of type `java.lang.Long`")) {
            return "must be a whole number";
        }
        if (reason.startsWith("Cannot deserialize value of type `java.time.Instant`")) {
            return "must be an ISO-8601 instant such as 2026-11-27T06:00:00Z";
        }
        return reason;
    }

    private static int firstNonBlank(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return i;
            }
        }
        return -1;
    }
}
