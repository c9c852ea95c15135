package io.hangcheck.ingest.messaging;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.EventType;
import io.hangcheck.events.Heartbeat;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A heartbeat record's headers are {@link CloudEvents#apply}'s, in the same order. */
class HeartbeatHeadersTest {

    @Test
    void theHeadersAreCloudEventsOwn() {
        for (String source : new String[]{"/hangcheck/ingest/ingest-0", "/hangcheck/ingest/ingest \"eu\" \u00e9"}) {
            HeartbeatHeaders headers = new HeartbeatHeaders(source);
            for (String t : new String[]{"2026-11-27T06:00:00Z", "2026-11-27T06:00:00.100Z", "2026-11-27T06:00:00.000100Z",
                    "2026-11-27T06:00:00.123456789Z", "1969-12-31T23:59:59.5Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"}) {
                Instant at = Instant.parse(t);
                Heartbeat fromHost = Heartbeat.fromHost("lab-07", "b1", 9, at, Map.of(), null);
                RecordHeaders want = new RecordHeaders();
                CloudEvents.apply(want, "lab-07/b1/9", EventType.HEARTBEAT, source, at);
                Header[] got = headers.of(fromHost, at).toArray();
                Header[] exp = want.toArray();
                assertThat(got).hasSameSizeAs(exp);
                for (int i = 0; i < exp.length; i++) {
                    assertThat(got[i].key()).isEqualTo(exp[i].key());
                    assertThat(new String(got[i].value(), StandardCharsets.UTF_8)).isEqualTo(new String(exp[i].value(), StandardCharsets.UTF_8));
                }
            }
        }
    }
}
