package io.hangcheck.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a heartbeat reached ingest. */
public enum Transport {
    @JsonProperty("http") HTTP,
    @JsonProperty("udp") UDP,
    @JsonProperty("kafka") KAFKA
}
