package io.hangcheck.events.kafka;

import io.hangcheck.events.RebootRecord;

/** {@link JsonSerde} for {@link RebootRecord}, nameable in Kafka configuration. */
public class RebootRecordSerde extends JsonSerde<RebootRecord> {
    public RebootRecordSerde() {
        super(RebootRecord.class);
    }
}
