package io.hangcheck.events.kafka;

import io.hangcheck.events.SocketSnapshot;

/** {@link JsonSerde} for {@link SocketSnapshot}, nameable in Kafka configuration. */
public class SocketSnapshotSerde extends JsonSerde<SocketSnapshot> {
    public SocketSnapshotSerde() {
        super(SocketSnapshot.class);
    }
}
