package io.hangcheck.ingest.domain;

import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.InvalidEventException;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of {@code POST /v1/heartbeats}: one JSON heartbeat object, or an array of at most
 * {@code maxBatch} of them. Either every heartbeat is valid, or the first invalid one is named
 * ({@code [3].hostId}) and none is taken: a batch is all or nothing. Never throws. A body in the shape agents send
 * is read by {@link PlainHeartbeatJson}; any other body, and every refusal, goes the full way ({@link StrictJson}).
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
        return parse(body, maxBatch, receivedAt, true);
    }

    /** Without the receive-time check (tests of the parser alone). */
    static Parsed parse(byte[] body, int maxBatch) {
        return parse(body, maxBatch, null, true);
    }

    /** With {@code quick} false, every body is read the full way (tests compare the two). */
    static Parsed parse(byte[] body, int maxBatch, boolean quick) {
        return parse(body, maxBatch, null, quick);
    }

    private static Parsed parse(byte[] body, int maxBatch, Instant receivedAt, boolean quick) {
        try {
            Parsed parsed = parseChecked(body, maxBatch, quick);
            if (parsed.ok() && receivedAt != null) {
                boolean array = body[firstNonBlank(body)] == '[';
                List<Heartbeat> all = parsed.heartbeats();
                for (int i = 0; i < all.size(); i++) {
                    try {
                        Heartbeat.checkSentAt(all.get(i).sentAt(), receivedAt);
                    } catch (InvalidEventException e) {
                        return invalid(array ? new InvalidEventException("[" + i + "]." + e.field(), e.reason(), e) : e);
                    }
                }
            }
            return parsed;
        } catch (InvalidEventException e) {
            return invalid(e);
        } catch (RuntimeException e) {
            // A trust boundary: whatever slips past the codec is still only a bad body.
            return new Parsed(List.of(), new Rejection(RejectReason.MALFORMED, "$", "unreadable body: " + e.getClass().getSimpleName()));
        }
    }

    private static Parsed parseChecked(byte[] body, int maxBatch, boolean quick) {
        int first = firstNonBlank(body);
        if (first < 0) {
            return new Parsed(List.of(), new Rejection(RejectReason.MALFORMED, "$", "empty body"));
        }
        if (quick && (body[first] == '[' || body[first] == '{')) {
            List<Heartbeat> plain = PlainHeartbeatJson.read(body, maxBatch);
            if (plain != null) {
                return new Parsed(plain, null);
            }
        }
        if (body[first] == '[') {
            JsonNode root = readTree(body);
            if (root.size() == 0) {
                return new Parsed(List.of(), new Rejection(RejectReason.INVALID, "$", "empty array"));
            }
            if (root.size() > maxBatch) {
                return new Parsed(List.of(), new Rejection(RejectReason.BATCH_TOO_LARGE, "$",
                        "batch of " + root.size() + " heartbeats is more than " + maxBatch));
            }
            List<Heartbeat> batch = new ArrayList<>(root.size());
            for (int i = 0; i < root.size(); i++) {
                JsonNode element = root.get(i);
                if (element == null || !element.isObject()) {
                    return new Parsed(List.of(), new Rejection(RejectReason.INVALID, "[" + i + "]", "not a JSON object"));
                }
                try {
                    batch.add(StrictJson.heartbeat(element));
                } catch (InvalidEventException e) {
                    // Name the element: [3].hostId
                    String field = e.field() == null || e.field().equals("$") ? "" : "." + e.field();
                    return invalid(new InvalidEventException("[" + i + "]" + field, e.reason(), e));
                }
            }
            return new Parsed(batch, null);
        }
        if (body[first] != '{') {
            return new Parsed(List.of(), new Rejection(RejectReason.MALFORMED, "$", "expected a JSON object or array"));
        }
        return new Parsed(List.of(StrictJson.heartbeat(body)), null);
    }

    private static JsonNode readTree(byte[] body) {
        try {
            return StrictJson.MAPPER.readTree(body);
        } catch (IOException e) {
            throw EventCodec.translate(e);
        }
    }

    private static Parsed invalid(InvalidEventException e) {
        String reason = e.reason() == null ? "invalid" : e.reason();
        RejectReason kind = reason.startsWith("malformed JSON") || reason.startsWith("unreadable")
                || reason.equals("empty body") ? RejectReason.MALFORMED : RejectReason.INVALID;
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
}
