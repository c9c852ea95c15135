package io.hangcheck.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What {@link Topics#HEARTBEATS} carries: host heartbeats and ingest ticks, told apart by the JSON
 * property {@code type} (and by the {@code ce_type} header).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Heartbeat.class, name = "heartbeat"),
        @JsonSubTypes.Type(value = Tick.class, name = "tick")
})
public sealed interface HeartbeatTopicRecord permits Heartbeat, Tick {
}
