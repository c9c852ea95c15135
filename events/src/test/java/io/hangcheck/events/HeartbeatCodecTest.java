package io.hangcheck.events;

import io.hangcheck.events.kafka.HeartbeatTopicDeserializer;
import io.hangcheck.events.kafka.HeartbeatTopicRecordSerde;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What the streaming reading takes itself (the records that matter for speed), and examples of what it leaves to
 * databind; {@link HeartbeatCodecPropertiesTest} proves the codec equal to the contract serde.
 */
class HeartbeatCodecTest {
    private static final String TOPIC = "hangcheck.heartbeats.v1";
    /** What ingest writes to the heartbeat topic. */
    private static final String PLAIN = "{\"type\":\"heartbeat\",\"hostId\":\"host-0000042\",\"bootId\":\"boot-42-3f2a9c1e\","
            + "\"seq\":17,\"sentAt\":\"2026-11-27T00:00:17Z\",\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"},"
            + "\"uptimeSeconds\":3617,\"receivedAt\":\"2026-11-27T00:00:17.250Z\",\"transport\":\"udp\",\"via\":\"ingest-0\"}";
    /** What an agent posts. */
    private static final String AGENT = "{\"hostId\":\"lab-07\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"2026-11-27T06:00:00.250Z\","
            + "\"labels\":{\"pool\":\"gpu\"},\"uptimeSeconds\":3600}";

    @Test
    void whatIngestWritesIsStreamed() {
        Heartbeat fast = HeartbeatCodec.streamed(bytes(PLAIN), true);
        assertThat(fast).isNotNull().isEqualTo(EventCodec.fromBytes(bytes(PLAIN), HeartbeatTopicRecord.class));
        assertThat(fast.labels()).containsExactly(Map.entry("os", "linux"), Map.entry("pool", "lab-2"));
        assertThat(fast.receivedAt()).isEqualTo(Instant.parse("2026-11-27T00:00:17.250Z"));
        assertThat(fast.transport()).isEqualTo(Transport.UDP);
        for (String received : new String[]{"2026-11-27T10:11:12.400Z", "2026-11-27T10:11:12.400123Z", "2026-11-27T10:11:12.400123456Z",
                "2026-11-27T10:11:13Z"}) {
            Heartbeat hb = Heartbeat.fromHost("h-1", "b-1", 5, Instant.parse("2026-11-27T10:11:12.345Z"), Map.of("pool", "p", "rack", "r7"), 99L)
                    .stamped(Instant.parse(received), Transport.HTTP, "ingest-a", "10.1.7.0/24");
            assertThat(HeartbeatCodec.streamed(EventCodec.toBytes(hb), true)).isEqualTo(hb);
            assertThat(HeartbeatCodec.readTopicRecord(HeartbeatCodec.write(hb))).isEqualTo(hb);
        }
    }

    @Test
    void agentsBodiesAreStreamed() {
        Heartbeat expected = Heartbeat.fromHost("lab-07", "b1", 1, Instant.parse("2026-11-27T06:00:00.250Z"), Map.of("pool", "gpu"), 3600L);
        assertThat(HeartbeatCodec.streamed(bytes(AGENT), false)).isEqualTo(expected);
        assertThat(HeartbeatCodec.streamed(bytes(AGENT), true)).as("a topic record needs its type").isNull();
        assertThat(HeartbeatCodec.streamedBatch(bytes("  \n" + AGENT), 500)).containsExactly(expected);
        assertThat(HeartbeatCodec.streamedBatch(bytes("[" + AGENT + "," + AGENT + "]"), 500)).containsExactly(expected, expected);
        assertThat(HeartbeatCodec.streamedBatch(bytes("[" + AGENT + "," + AGENT + "]"), 1)).as("too many: databind's refusal").isNull();
        assertThat(HeartbeatCodec.streamed(bytes(AGENT.replace("{\"hostId\"", "{\"future\":{\"x\":[1]},\"hostId\"")), false))
                .as("unknown fields are ignored, as the contract's readers do").isEqualTo(expected);
    }

    /**
     * The fast reading's parser does not look for repeated keys; what it reads refuses them itself (a known field, a
     * label) and an unknown field sends the body to the strict parser: a repeated key anywhere is databind's refusal.
     */
    @Test
    void repeatedKeysAreRefusedAsDatabindRefusesThem() {
        String twiceKnown = AGENT.replace("{\"hostId\"", "{\"seq\":2,\"hostId\"");
        String twiceLabel = AGENT.replace("{\"pool\":\"gpu\"}", "{\"pool\":\"gpu\",\"pool\":\"cpu\"}");
        String twiceUnknown = AGENT.replace("{\"hostId\"", "{\"future\":1,\"future\":2,\"hostId\"");
        String twiceInside = AGENT.replace("{\"hostId\"", "{\"future\":{\"x\":1,\"x\":2},\"hostId\"");
        assertThat(twiceLabel).isNotEqualTo(AGENT);
        for (String json : List.of(twiceKnown, twiceLabel, twiceUnknown, twiceInside)) {
            assertThat(HeartbeatCodec.streamed(bytes(json), false)).as(json).isNull();
            assertThat(HeartbeatCodec.streamedBatch(bytes("[" + AGENT + "," + json + "]"), 5)).as(json).isNull();
            Throwable databind = catchThrowable(() -> EventCodec.fromBytes(bytes(json), Heartbeat.class));
            assertThat(databind).as(json).isInstanceOf(InvalidEventException.class);
            assertThatThrownBy(() -> HeartbeatCodec.readHeartbeat(bytes(json))).as(json)
                    .isInstanceOf(InvalidEventException.class).hasMessage(databind.getMessage());
        }
    }

    /** Decoded labels are sorted and unmodifiable; a record made from them shares them, one made from a caller's map copies it. */
    @Test
    void labelsAreCheckedOnce() {
        Heartbeat hb = HeartbeatCodec.streamed(bytes(AGENT.replace("{\"pool\":\"gpu\"}", "{\"z\":\"1\",\"a\":\"2\"}")), false);
        assertThat(hb.labels()).containsExactly(Map.entry("a", "2"), Map.entry("z", "1"));
        assertThatThrownBy(() -> hb.labels().put("b", "3")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Check.map(hb.labels(), "labels")).isSameAs(hb.labels());
        Map<String, String> mine = new java.util.HashMap<>(Map.of("pool", "gpu"));
        Map<String, String> checked = Check.map(mine, "labels");
        mine.put("pool", "cpu");
        assertThat(checked).containsExactly(Map.entry("pool", "gpu"));
        assertThat(Check.map(checked, "labels")).isSameAs(checked);
        assertThat(checked).isEqualTo(Map.of("pool", "gpu")).hasSameHashCodeAs(Map.of("pool", "gpu"));
    }

    @Test
    void ticksAndEveryRefusalAreDatabinds() {
        Tick tick = new Tick("ingest-0", Instant.parse("2026-11-27T00:00:01Z"), 0, 1, IngestHealth.ok(10, 500));
        byte[] json = EventCodec.toBytes(tick);
        assertThat(HeartbeatCodec.streamed(json, true)).isNull();
        assertThat(HeartbeatCodec.readTopicRecord(json)).isEqualTo(tick);
        assertThatThrownBy(() -> HeartbeatCodec.readHeartbeat(bytes(AGENT.replace("\"seq\":1", "\"seq\":1.5"))))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("seq"));
        assertThatThrownBy(() -> HeartbeatCodec.readBatch(bytes("[" + AGENT + ",{\"hostId\":\"x y\",\"bootId\":\"b\",\"seq\":1,"
                + "\"sentAt\":\"2026-11-27T06:00:00Z\"}]"), 3))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("[1].hostId"));
        assertThatThrownBy(() -> HeartbeatCodec.readBatch(bytes("[" + AGENT + "," + AGENT + "]"), 1))
                .isInstanceOf(HeartbeatCodec.TooManyHeartbeats.class).hasMessage("$: batch of 2 heartbeats is more than 1");
        assertThatThrownBy(() -> HeartbeatCodec.readBatch(bytes(" \uFEFF" + AGENT), 1))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.reason()).isEqualTo("expected a JSON object or array"));
        assertThatThrownBy(() -> HeartbeatCodec.readBatch(null, 1)).hasMessage("$: empty body");
        assertThatThrownBy(() -> HeartbeatCodec.readHeartbeat(null)).hasMessage("$: empty body");
    }

    /** The evaluator's dead letters: the same exception, message and cause as the contract's Kafka serde. */
    @Test
    void theTopicDeserializerIsTheSerde() {
        HeartbeatTopicDeserializer fast = new HeartbeatTopicDeserializer();
        HeartbeatTopicRecordSerde serde = new HeartbeatTopicRecordSerde();
        List<String> cases = new ArrayList<>(List.of("", " ", "null", "[]", "42", "{}", "{", PLAIN + " {}", PLAIN + " x",
                PLAIN.replace("\"type\":\"heartbeat\",", ""), PLAIN.replace("\"type\":\"heartbeat\"", "\"type\":\"nope\""),
                PLAIN.replace("\"seq\":17", "\"seq\":17,\"seq\":18"), PLAIN.replace("\"seq\":17", "\"seq\":\"17\""),
                PLAIN.replace("\"hostId\":\"host-0000042\"", "\"hostId\":\"bad host\""),
                PLAIN.replace("\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"}", "\"labels\":{\"pool\":\"a\",\"pool\":\"b\"}"),
                PLAIN.replace("\"via\":\"ingest-0\"", "\"via\":\"ingest-0\",\"net\":\"rack 12\""),
                PLAIN.replace("\"sentAt\":\"2026-11-27T00:00:17Z\"", "\"sentAt\":\"2026-11-27T00:00:17+01:00\""), PLAIN));
        Random rnd = new Random(11);
        for (int i = 0; i < 500; i++) {
            byte[] b = bytes(PLAIN);
            b[rnd.nextInt(b.length)] = (byte) " {}[]:,\"0a-Z.\\nx".charAt(rnd.nextInt(16));
            cases.add(new String(b, StandardCharsets.UTF_8));
        }
        for (String json : cases) {
            assertThat(outcome(() -> fast.deserialize(TOPIC, bytes(json)))).as(json).isEqualTo(outcome(() -> serde.deserialize(TOPIC, bytes(json))));
        }
        assertThat(fast.deserialize(TOPIC, null)).isNull();
    }

    private static Object outcome(java.util.function.Supplier<?> reading) {
        try {
            return reading.get();
        } catch (SerializationException e) {
            return e.getClass().getName() + ": " + e.getMessage() + " / " + e.getCause().getClass().getName();
        }
    }

    @Test
    void instantsOfEveryPrecisionAreWrittenAndReadAsTheJdkDoes() {
        for (String t : new String[]{"2026-11-27T06:00:00Z", "2026-11-27T06:00:00.100Z", "2026-11-27T06:00:00.000100Z",
                "2026-11-27T06:00:00.000000100Z", "2026-11-27T06:00:00.123456789Z", "2026-11-27T06:01:00Z", "2024-02-29T23:59:59.000001Z",
                "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.500Z", "0000-01-01T00:00:00Z"}) {
            Instant at = Instant.parse(t);
            assertThat(HeartbeatCodec.instantText(at)).isEqualTo(at.toString());
            assertThat(HeartbeatCodec.parseInstant(t)).as(t).isEqualTo(at);
        }
        assertThat(HeartbeatCodec.parseInstant("2026-11-27T06:00:00.5Z")).isEqualTo(Instant.parse("2026-11-27T06:00:00.5Z"));
        assertThat(HeartbeatCodec.instantText(Instant.MAX)).isEqualTo(Instant.MAX.toString());
        for (String t : new String[]{"2026-11-27T06:00:60Z", "2026-11-27T24:00:00Z", "2025-02-29T00:00:00Z", "2026-11-27T06:00:00.Z",
                "2026-11-27T06:00:00.1234567890Z", "2026-11-27 06:00:00Z", "2026-11-27T06:00:00z", "+2026-11-27T06:00:00Z",
                "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-11-27T06:00:00+00:00", "2026-1x-27T00:00:00Z", ""}) {
            assertThat(HeartbeatCodec.parseInstant(t)).as(t).isNull();
        }
    }

    @Property(tries = 2000)
    void timesAreReadAsInstantParseReadsThem(@ForAll("times") String text) {
        Instant quick = HeartbeatCodec.parseInstant(text);
        if (quick != null) {
            assertThat(quick).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Provide
    Arbitrary<String> times() {
        Arbitrary<String> real = Combinators.combine(Arbitraries.longs().between(-62_167_219_200L, 253_402_300_799L),
                Arbitraries.integers().between(0, 999_999_999)).as((s, n) -> Instant.ofEpochSecond(s, n).toString());
        Arbitrary<String> mangled = Combinators.combine(real, Arbitraries.integers().between(0, 29),
                Arbitraries.of('0', '1', '2', '3', '5', '6', '9', ':', '-', '.', 'T', 'Z')).as((t, i, c) ->
                i < t.length() ? t.substring(0, i) + c + t.substring(i + 1) : t);
        return Arbitraries.oneOf(real, mangled);
    }

    @Test
    void aDeadLetterCarriesTheRecordsHeadersAndWhatWasWrong() {
        Headers original = new RecordHeaders().add("ce_id", bytes("h/b/1")).add(DeadLetter.REASON, bytes("stale"));
        Headers h = DeadLetter.headers(original, "invalid: seq: must be >= 0", "java.lang.IllegalArgumentException", TOPIC, 3, 42L, "seq");
        assertThat(text(h, "ce_id")).isEqualTo("h/b/1");
        assertThat(text(h, DeadLetter.REASON)).isEqualTo("invalid: seq: must be >= 0");
        assertThat(h.headers(DeadLetter.REASON)).hasSize(1);
        assertThat(text(h, DeadLetter.CAUSE)).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(text(h, DeadLetter.TOPIC)).isEqualTo(TOPIC);
        assertThat(text(h, DeadLetter.PARTITION)).isEqualTo("3");
        assertThat(text(h, DeadLetter.OFFSET)).isEqualTo("42");
        assertThat(text(h, DeadLetter.FIELD)).isEqualTo("seq");
        assertThat(original.headers(DeadLetter.CAUSE)).as("the record's own headers are left as they were").isEmpty();
        Headers unknown = DeadLetter.headers(null, "boom", "x.Y", TOPIC, null, null, null);
        assertThat(unknown.lastHeader(DeadLetter.PARTITION)).isNull();
        assertThat(unknown.lastHeader(DeadLetter.OFFSET)).isNull();
        assertThat(unknown.lastHeader(DeadLetter.FIELD)).isNull();
        InvalidEventException iee = new InvalidEventException("hostId", "does not match the record key");
        assertThat(DeadLetter.invalid(new SerializationException("x", iee))).isSameAs(iee);
        assertThat(DeadLetter.invalid(new IllegalStateException("x"))).isNull();
    }

    private static String text(Headers h, String name) {
        return new String(h.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
