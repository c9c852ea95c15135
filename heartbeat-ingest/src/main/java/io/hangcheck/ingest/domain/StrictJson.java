package io.hangcheck.ingest.domain;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.InvalidEventException;

import java.io.IOException;

/**
 * The contract's JSON mapper, stricter where a host's input must not be silently changed: a fractional
 * number for {@code seq} or {@code uptimeSeconds} is refused rather than truncated. Failures are
 * {@link InvalidEventException}s naming the field (via {@link EventCodec#translate}).
 */
public final class StrictJson {

    static final ObjectMapper MAPPER = EventCodec.newMapper()
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private StrictJson() {
    }

    public static Heartbeat heartbeat(byte[] json) {
        if (json == null || json.length == 0) {
            throw new InvalidEventException("$", "empty body");
        }
        try {
            Heartbeat hb = MAPPER.readValue(json, Heartbeat.class);
            if (hb == null) {
                throw new InvalidEventException("$", "null document");
            }
            return hb;
        } catch (IOException e) {
            throw EventCodec.translate(e);
        }
    }

    static Heartbeat heartbeat(JsonNode node) {
        try {
            return MAPPER.treeToValue(node, Heartbeat.class);
        } catch (IOException | IllegalArgumentException e) {
            throw EventCodec.translate(e);
        }
    }
}
