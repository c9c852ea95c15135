package io.hangcheck.agent.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;

import java.util.List;

/** The HTTP body for {@code POST /v1/heartbeats}: one heartbeat as an object, several as an array (the contract's JSON). */
public final class HeartbeatJson {
    public static final String PATH = "/v1/heartbeats";
    public static final String CONTENT_TYPE = "application/json";

    private HeartbeatJson() {
    }

    public static byte[] one(Heartbeat heartbeat) {
        return EventCodec.toBytes(heartbeat);
    }

    public static byte[] batch(List<Heartbeat> heartbeats) {
        try {
            return EventCodec.mapper().writerFor(EventCodec.mapper().getTypeFactory()
                    .constructCollectionType(List.class, Heartbeat.class)).writeValueAsBytes(heartbeats);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise heartbeats", e);
        }
    }
}
