package io.hangcheck.events;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever bytes arrive, decoding either yields a valid record or an InvalidEventException naming a field. */
class CodecPropertiesTest {

    private static final String VALID = "{\"hostId\":\"h1\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\",\"labels\":{\"pool\":\"p\"}}";

    @Property(tries = 2000)
    void randomBytesNeverEscapeAsAnythingButInvalidEvent(@ForAll byte[] bytes) {
        decodeOrNamedFailure(bytes);
    }

    @Property(tries = 3000)
    void mutatedHeartbeatsNeverEscape(@ForAll("mutations") String json) {
        decodeOrNamedFailure(json.getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> mutations() {
        return Arbitraries.integers().between(0, VALID.length() - 1).flatMap(pos ->
                Arbitraries.chars().map(c -> VALID.substring(0, pos) + c + VALID.substring(pos + 1)));
    }

    private static void decodeOrNamedFailure(byte[] bytes) {
        try {
            HeartbeatTopicRecord r = EventCodec.fromBytes(bytes, HeartbeatTopicRecord.class);
            assertThat(r).isNotNull();
        } catch (InvalidEventException e) {
            assertThat(e.field()).isNotBlank();
        }
        try {
            Heartbeat h = EventCodec.fromBytes(bytes, Heartbeat.class);
            assertThat(h.hostId()).matches(Heartbeat.HOST_ID_PATTERN);
        } catch (InvalidEventException e) {
            assertThat(e.field()).isNotBlank();
        }
    }
}
