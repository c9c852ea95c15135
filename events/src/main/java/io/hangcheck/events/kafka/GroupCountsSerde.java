package io.hangcheck.events.kafka;

import io.hangcheck.events.GroupCounts;

/** {@link JsonSerde} for {@link GroupCounts}, nameable in Kafka configuration. */
public class GroupCountsSerde extends JsonSerde<GroupCounts> {
    public GroupCountsSerde() {
        super(GroupCounts.class);
    }
}
