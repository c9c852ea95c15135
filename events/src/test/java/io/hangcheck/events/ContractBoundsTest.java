package io.hangcheck.events;

import io.hangcheck.events.wire.UdpLine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every number and time of a heartbeat is bounded in the contract itself, so no reader meets a value that
 * overflows its arithmetic (D2: {@code sentAt} -1000000000-01-01; D6: an uptime of 146 million years).
 */
class ContractBoundsTest {

    private static final Instant T0 = Instant.parse("2026-11-27T05:50:00Z");
    private static final String D2_SENT_AT = "-1000000000-01-01T00:00:00Z";

    private static String json(String seq, String sentAt, String up) {
        return "{\"hostId\":\"h1\",\"bootId\":\"b1\",\"seq\":" + seq + ",\"sentAt\":\"" + sentAt + "\""
                + (up == null ? "" : ",\"uptimeSeconds\":" + up) + "}";
    }

    private static void refused(String json, String field) {
        assertThatThrownBy(() -> EventCodec.fromJson(json, Heartbeat.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void theLargestBoundedValuesAreAccepted() {
        Heartbeat hb = EventCodec.fromJson(json("9007199254740992", "9999-12-31T23:59:59Z", "316224000"), Heartbeat.class);
        assertThat(hb.seq()).isEqualTo(Heartbeat.SEQ_MAX);
        assertThat(hb.uptimeSeconds()).isEqualTo(Heartbeat.UPTIME_MAX_SECONDS);
        assertThat(EventCodec.fromJson(json("0", "0000-01-01T00:00:00Z", "0"), Heartbeat.class).sentAt())
                .isEqualTo(Heartbeat.INSTANT_MIN);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "9007199254740993|2026-11-27T05:50:00Z|1|seq",
            "999999999999999999|2026-11-27T05:50:00Z|1|seq",
            "1|2026-11-27T05:50:00Z|316224001|uptimeSeconds",
            "1|2026-11-27T05:50:00Z|13835058055282164|uptimeSeconds",
            "1|" + D2_SENT_AT + "|1|sentAt",
            "1|+10000-01-01T00:00:00Z|1|sentAt",
    })
    void valuesPastTheirBoundsAreRefusedNamingTheField(String seq, String sentAt, String up, String field) {
        refused(json(seq, sentAt, up), field);
    }

    @Test
    void aStampedHeartbeatsSentAtIsWithinAYearOfItsReceiveTime() {
        Heartbeat ok = Heartbeat.fromHost("h1", "b1", 1, T0.minus(Heartbeat.SENT_AT_WINDOW), Map.of(), null);
        assertThat(ok.stamped(T0, Transport.HTTP, "i").sentAt()).isEqualTo(T0.minus(Heartbeat.SENT_AT_WINDOW));
        Heartbeat far = Heartbeat.fromHost("h1", "b1", 1, T0.plus(Heartbeat.SENT_AT_WINDOW).plus(Duration.ofMillis(1)), Map.of(), null);
        assertThatThrownBy(() -> far.stamped(T0, Transport.HTTP, "i"))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("sentAt"));
        // and on the topic: a stamped record with such a sentAt is not decoded
        String record = "{\"type\":\"heartbeat\",\"hostId\":\"h1\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"2020-01-01T00:00:00Z\","
                + "\"receivedAt\":\"2026-11-27T05:50:00Z\",\"transport\":\"http\",\"via\":\"i\"}";
        assertThatThrownBy(() -> EventCodec.fromJson(record, HeartbeatTopicRecord.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("sentAt"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"hostId\":\"h1\",\"bootId\":\"b1\",\"seq\":1,\"seq\":2,\"sentAt\":\"2026-11-27T05:50:00Z\"}|seq",
            "{\"hostId\":\"h1\",\"hostId\":\"h2\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\"}|hostId",
            "{\"hostId\":\"h1\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\",\"labels\":{\"pool\":\"a\",\"pool\":\"b\"}}|labels.pool",
    })
    void aKeyGivenTwiceIsRefusedNamingIt(String json, String field) {
        refused(json, field);
    }

    @Test
    void theUdpCodecRefusesTheSameValues() {
        assertUdpRefused("hc1 host=h boot=b seq=9007199254740993 sent=1764220800000", "seq");
        assertUdpRefused("hc1 host=h boot=b seq=1 sent=999999999999999999", "sent");
        assertUdpRefused("hc1 host=h boot=b seq=1 sent=1764220800000 up=999999999999", "up");
        // D1's forged line: its seq is past 2^53
        assertUdpRefused("hc1 host=lab-07 boot=3f2a9c seq=999999999999999999 sent=1", "seq");
    }

    private static void assertUdpRefused(String line, String field) {
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> UdpLine.parse(b, b.length))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo(field));
    }
}
