package io.hangcheck.evaluator.messaging;

import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatTopicRecord;
import io.hangcheck.events.IngestHealth;
import io.hangcheck.events.Tick;
import io.hangcheck.events.Transport;
import io.hangcheck.events.kafka.HeartbeatTopicRecordSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming decoder must give exactly what the contract's serde gives: the same record for every input the
 * serde accepts, and the serde's own error (so the same dead-letter reason) for every input it refuses.
 */
class HeartbeatTopicDecoderTest {
    private static final String TOPIC = "hangcheck.heartbeats.v1";
    private static final String PLAIN = "{\"type\":\"heartbeat\",\"hostId\":\"host-0000042\",\"bootId\":\"boot-42-3f2a9c1e\","
            + "\"seq\":17,\"sentAt\":\"2026-11-27T00:00:17Z\",\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"},"
            + "\"uptimeSeconds\":3617,\"receivedAt\":\"2026-11-27T00:00:17.250Z\",\"transport\":\"udp\",\"via\":\"ingest-0\"}";

    private final HeartbeatTopicDecoder decoder = new HeartbeatTopicDecoder();
    private final HeartbeatTopicRecordSerde serde = new HeartbeatTopicRecordSerde();

    @Test
    void plainHeartbeatTakesTheFastPathAndEqualsTheSerdesRecord() {
        Heartbeat fast = decoder.plainHeartbeat(bytes(PLAIN));
        assertThat(fast).isNotNull().isEqualTo(serde.deserialize(TOPIC, bytes(PLAIN)));
        assertThat(fast.labels()).containsExactly(Map.entry("os", "linux"), Map.entry("pool", "lab-2"));
        assertThat(fast.receivedAt()).isEqualTo(Instant.parse("2026-11-27T00:00:17.250Z"));
        assertThat(fast.transport()).isEqualTo(Transport.UDP);
    }

    @Test
    void whatIngestWritesTakesTheFastPath() {
        Heartbeat hb = Heartbeat.fromHost("h-1", "b-1", 5, Instant.parse("2026-11-27T10:11:12.345Z"),
                Map.of("pool", "p"), 99L).stamped(Instant.parse("2026-11-27T10:11:12.400Z"), Transport.HTTP, "ingest-a");
        byte[] json = EventCodec.toBytes((HeartbeatTopicRecord) hb);
        assertThat(decoder.plainHeartbeat(json)).isEqualTo(hb);
        Heartbeat bare = Heartbeat.fromHost("h-2", "b-2", 0, Instant.parse("2026-11-27T10:11:12Z"), Map.of(), null)
                .stamped(Instant.parse("2026-11-27T10:11:13Z"), Transport.KAFKA, "ingest-b");
        assertThat(decoder.plainHeartbeat(EventCodec.toBytes((HeartbeatTopicRecord) bare))).isEqualTo(bare);
        Heartbeat withNet = Heartbeat.fromHost("h-3", "b-3", 1, Instant.parse("2026-11-27T10:11:12Z"), Map.of(), null)
                .stamped(Instant.parse("2026-11-27T10:11:13Z"), Transport.UDP, "ingest-b", "10.1.7.0/24");
        assertThat(decoder.plainHeartbeat(EventCodec.toBytes((HeartbeatTopicRecord) withNet))).isEqualTo(withNet)
                .extracting(Heartbeat::net).isEqualTo("10.1.7.0/24");
    }

    @Test
    void ticksAreLeftToTheSerde() {
        Tick tick = new Tick("ingest-0", Instant.parse("2026-11-27T00:00:01Z"), 0, 1, IngestHealth.ok(10, 500));
        byte[] json = EventCodec.toBytes(tick);
        assertThat(decoder.plainHeartbeat(json)).isNull();
        assertThat(decoder.decode(TOPIC, json)).isEqualTo(serde.deserialize(TOPIC, json));
    }

    @Test
    void fastInstantAgreesWithInstantParse() {
        List<String> texts = new ArrayList<>(List.of("2026-11-27T00:00:00Z", "2026-11-27T23:59:59.9Z",
                "2026-11-27T23:59:59.99Z", "2026-11-27T23:59:59.999Z", "2024-02-29T12:00:00Z", "1970-01-01T00:00:00Z",
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"));
        for (String bad : List.of("2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
                "2026-11-31T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T00:60:00Z", "2026-11-27T00:00:60Z",
                "2026-11-27T00:00:00.Z", "2026-11-27T00:00:00.1234Z", "2026-11-27 00:00:00Z", "2026-11-27T00:00:00",
                "2026-11-27T00:00:00+01:00", "2026-11-27t00:00:00z", "+2026-11-27T00:00:00Z", "2026-1x-27T00:00:00Z",
                "2026-11-27T00:00:00.12xZ", "2026-11-27T00:00:00.123456789Z", "")) {
            texts.add(bad);
        }
        for (String s : texts) {
            long fast = HeartbeatTopicDecoder.utcInstantMillis(s);
            if (fast != HeartbeatTopicDecoder.NOT_PLAIN) {
                assertThat(Instant.ofEpochMilli(fast)).as(s).isEqualTo(Instant.parse(s));
            }
        }
        assertThat(HeartbeatTopicDecoder.utcInstantMillis("2026-11-27T00:00:00Z")).isNotEqualTo(HeartbeatTopicDecoder.NOT_PLAIN);
        assertThat(HeartbeatTopicDecoder.utcInstantMillis("2026-02-29T00:00:00Z")).isEqualTo(HeartbeatTopicDecoder.NOT_PLAIN);
    }

    @Test
    void malformedAndUnusualRecordsGetTheSerdesVerdict() {
        List<String> cases = new ArrayList<>(List.of(
                "", " ", "null", "[]", "42", "\"x\"", "{}", "{", PLAIN + " {}", PLAIN + " x", PLAIN.replace("}", ""),
                PLAIN.replace("\"type\":\"heartbeat\",", ""),
                PLAIN.replace("\"type\":\"heartbeat\"", "\"type\":\"nope\""),
                PLAIN.replace("\"type\":\"heartbeat\"", "\"type\":null"),
                PLAIN.replace("\"type\":\"heartbeat\"", "\"type\":\"tick\""),
                PLAIN.replace("\"type\":\"heartbeat\",", "") + "",
                PLAIN.replace("\"hostId\":\"host-0000042\"", "\"hostId\":\"bad host\""),
                PLAIN.replace("\"hostId\":\"host-0000042\"", "\"hostId\":null"),
                PLAIN.replace("\"hostId\":\"host-0000042\"", "\"hostId\":42"),
                PLAIN.replace("\"hostId\":\"host-0000042\",", ""),
                PLAIN.replace("\"hostId\":\"host-0000042\"", "\"hostId\":\"" + "h".repeat(129) + "\""),
                PLAIN.replace("\"bootId\":\"boot-42-3f2a9c1e\"", "\"bootId\":\"\""),
                PLAIN.replace("\"bootId\":\"boot-42-3f2a9c1e\"", "\"bootId\":{\"a\":1}"),
                PLAIN.replace("\"seq\":17", "\"seq\":-1"),
                PLAIN.replace("\"seq\":17", "\"seq\":17.5"),
                PLAIN.replace("\"seq\":17", "\"seq\":17.0"),
                PLAIN.replace("\"seq\":17", "\"seq\":\"17\""),
                PLAIN.replace("\"seq\":17", "\"seq\":null"),
                PLAIN.replace("\"seq\":17", "\"seq\":99999999999999999999999"),
                PLAIN.replace("\"seq\":17,", ""),
                PLAIN.replace("\"seq\":17", "\"seq\":17,\"seq\":18"),
                PLAIN.replace("\"sentAt\":\"2026-11-27T00:00:17Z\"", "\"sentAt\":\"yesterday\""),
                PLAIN.replace("\"sentAt\":\"2026-11-27T00:00:17Z\"", "\"sentAt\":1764201617000"),
                PLAIN.replace("\"sentAt\":\"2026-11-27T00:00:17Z\"", "\"sentAt\":null"),
                PLAIN.replace("\"sentAt\":\"2026-11-27T00:00:17Z\"", "\"sentAt\":\"2026-11-27T00:00:17+01:00\""),
                PLAIN.replace("\"sentAt\":\"2026-11-27T00:00:17Z\"", "\"sentAt\":\"2026-11-27T00:00:17.123456Z\""),
                PLAIN.replace("\"sentAt\":\"2026-11-27T00:00:17Z\"", "\"sentAt\":\"2026-02-30T00:00:17Z\""),
                PLAIN.replace("\"sentAt\":\"2026-11-27T00:00:17Z\",", ""),
                PLAIN.replace("\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"}", "\"labels\":null"),
                PLAIN.replace("\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"}", "\"labels\":{}"),
                PLAIN.replace("\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"}", "\"labels\":[]"),
                PLAIN.replace("\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"}", "\"labels\":{\"Pool\":\"x\"}"),
                PLAIN.replace("\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"}", "\"labels\":{\"pool\":\"\"}"),
                PLAIN.replace("\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"}", "\"labels\":{\"pool\":null}"),
                PLAIN.replace("\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"}", "\"labels\":{\"pool\":7}"),
                PLAIN.replace("\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"}", "\"labels\":{\"pool\":{\"x\":\"y\"}}"),
                PLAIN.replace("\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"}", "\"labels\":{\"pool\":\"a\",\"pool\":\"b\"}"),
                PLAIN.replace("\"labels\":{\"pool\":\"lab-2\",\"os\":\"linux\"}", "\"labels\":{\"pool\":\"" + "v".repeat(129) + "\"}"),
                PLAIN.replace("\"uptimeSeconds\":3617", "\"uptimeSeconds\":-5"),
                PLAIN.replace("\"uptimeSeconds\":3617", "\"uptimeSeconds\":null"),
                PLAIN.replace("\"uptimeSeconds\":3617", "\"uptimeSeconds\":1.5"),
                PLAIN.replace("\"uptimeSeconds\":3617", "\"uptimeSeconds\":\"3617\""),
                PLAIN.replace("\"transport\":\"udp\"", "\"transport\":\"UDP\""),
                PLAIN.replace("\"transport\":\"udp\"", "\"transport\":\"pigeon\""),
                PLAIN.replace("\"transport\":\"udp\"", "\"transport\":1"),
                PLAIN.replace("\"transport\":\"udp\"", "\"transport\":null"),
                PLAIN.replace("\"via\":\"ingest-0\"", "\"via\":\"  \""),
                PLAIN.replace("\"via\":\"ingest-0\"", "\"via\":null"),
                PLAIN.replace("\"via\":\"ingest-0\"", "\"via\":true"),
                PLAIN.replace("\"via\":\"ingest-0\"", "\"via\":\"ingest-0\",\"extra\":{\"deep\":[1,2,{\"x\":null}]}"),
                PLAIN.replace("\"via\":\"ingest-0\"", "\"via\":\"ingest-0\",\"extra\":[1,"),
                PLAIN.replace("\"via\":\"ingest-0\"", "\"via\":\"ingest-0\",\"net\":\"10.1.7.0/24\""),
                PLAIN.replace("\"via\":\"ingest-0\"", "\"via\":\"ingest-0\",\"net\":\"rack 12\""),
                PLAIN.replace("\"via\":\"ingest-0\"", "\"via\":\"ingest-0\",\"net\":7"),
                PLAIN.replace("\"via\":\"ingest-0\"", "\"via\":\"ingest-0\",\"net\":null"),
                PLAIN.replace("{\"type\"", "{ \"future\" : 1 , \"type\"")));
        Random rnd = new Random(11);
        for (int i = 0; i < 2000; i++) { // random single-byte damage to the plain record
            byte[] b = bytes(PLAIN);
            b[rnd.nextInt(b.length)] = (byte) " {}[]:,\"0a-Z.\\nx".charAt(rnd.nextInt(16));
            cases.add(new String(b, StandardCharsets.UTF_8));
        }
        int fast = 0;
        for (String json : cases) {
            byte[] value = bytes(json);
            Object expected;
            try {
                expected = serde.deserialize(TOPIC, value);
            } catch (SerializationException e) {
                expected = e.getClass().getName() + ": " + e.getMessage();
            }
            Object actual;
            try {
                actual = decoder.decode(TOPIC, value);
            } catch (SerializationException e) {
                actual = e.getClass().getName() + ": " + e.getMessage();
            }
            assertThat(actual).as(json).isEqualTo(expected);
            if (decoder.plainHeartbeat(value) != null) {
                fast++;
                assertThat(expected).as(json).isInstanceOf(Heartbeat.class);
            }
        }
        assertThat(fast).as("some cases are plain heartbeats").isPositive();
        assertThat(decoder.decode(TOPIC, null)).isNull();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
