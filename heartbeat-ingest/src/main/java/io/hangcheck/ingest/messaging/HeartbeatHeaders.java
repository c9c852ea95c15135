package io.hangcheck.ingest.messaging;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.EventType;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatCodec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The CloudEvents headers {@link CloudEvents#apply} adds to a heartbeat record, in the same order, with the constant
 * ones built once: {@code ce_id} is {@code host/boot/seq}, {@code ce_time} the receive time.
 */
final class HeartbeatHeaders {

    private final String source;
    private final Header typeHeader;
    private final Header sourceHeader;
    private final Header specVersionHeader;
    private final Header contentTypeHeader;

    HeartbeatHeaders(String source) {
        this.source = source;
        // CloudEvents.attributes is the single definition of the header names and constant values.
        Map<String, String> constant = CloudEvents.attributes("x", EventType.HEARTBEAT, source, Instant.EPOCH);
        this.typeHeader = header(CloudEvents.TYPE, constant.get(CloudEvents.TYPE));
        this.sourceHeader = header(CloudEvents.SOURCE, constant.get(CloudEvents.SOURCE));
        this.specVersionHeader = header(CloudEvents.SPECVERSION, constant.get(CloudEvents.SPECVERSION));
        this.contentTypeHeader = header(CloudEvents.CONTENT_TYPE, constant.get(CloudEvents.CONTENT_TYPE));
    }

    RecordHeaders of(Heartbeat fromHost, Instant receivedAt) {
        String id = fromHost.hostId() + "/" + fromHost.bootId() + "/" + fromHost.seq();
        if (id.length() > 512 || receivedAt == null) {
            // Not reachable with the id limits of a heartbeat; CloudEvents says what is wrong if it ever is.
            RecordHeaders h = new RecordHeaders();
            CloudEvents.apply(h, id, EventType.HEARTBEAT, source, receivedAt);
            return h;
        }
        return new RecordHeaders(new Header[]{
                header(CloudEvents.ID, id),
                typeHeader,
                sourceHeader,
                header(CloudEvents.TIME, HeartbeatCodec.instantText(receivedAt)),
                specVersionHeader,
                contentTypeHeader});
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
