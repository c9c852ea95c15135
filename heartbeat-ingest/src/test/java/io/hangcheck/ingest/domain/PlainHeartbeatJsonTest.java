package io.hangcheck.ingest.domain;

import io.hangcheck.events.EventCodec;
import io.hangcheck.events.Heartbeat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The quick reading accepts agents' bodies, and whatever it accepts, the full reading accepts with the same result. */
class PlainHeartbeatJsonTest {

    private static final String HB = "{\"hostId\":\"lab-07\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"2026-11-27T06:00:00.250Z\","
            + "\"labels\":{\"pool\":\"gpu\"},\"uptimeSeconds\":3600}";

    @Test
    void agentsBodiesAreReadQuickly() {
        assertThat(PlainHeartbeatJson.read(bytes(HB), 500)).singleElement()
                .isEqualTo(Heartbeat.fromHost("lab-07", "b1", 1, Instant.parse("2026-11-27T06:00:00.250Z"), Map.of("pool", "gpu"), 3600L));
        assertThat(PlainHeartbeatJson.read(bytes("[" + HB + "," + HB + "]"), 500)).hasSize(2);
        Heartbeat hb = Heartbeat.fromHost("lab-07", "b1", 1, Instant.parse("2026-11-27T06:00:00Z"), Map.of(), null);
        assertThat(PlainHeartbeatJson.read(EventCodec.toBytes(hb), 500)).containsExactly(hb); // with "type":"heartbeat"
    }

    @Test
    void everythingElseGoesTheFullWay() {
        for (String body : new String[]{
                "\uFEFF" + HB, HB + " x", "[" + HB + "] 1", "[]", "[" + HB + "," + HB + "]",
                HB.replace("\"seq\":1", "\"seq\":\"1\""), HB.replace("\"seq\":1", "\"seq\":1.0"), HB.replace("\"seq\":1", "\"seq\":null"),
                HB.replace("\"seq\":1", "\"seq\":-1"), HB.replace("\"seq\":1", "\"seq\":99999999999999999999"),
                HB.replace("\"seq\":1,", ""), HB.replace("06:00:00.250Z", "06:00:00+00:00"), HB.replace("06:00:00.250Z", "06:00Z"),
                HB.replace("\"sentAt\":\"2026-11-27T06:00:00.250Z\"", "\"sentAt\":1764223200"),
                HB.replace("2026-11-27", "2026-13-27"), HB.replace("\"pool\":\"gpu\"", "\"pool\":\"gpu\",\"pool\":\"cpu\""),
                HB.replace("\"pool\":\"gpu\"", "\"pool\":1"), HB.replace("\"pool\":\"gpu\"", "\"pool\":\"\""),
                HB.replace("{\"hostId\"", "{\"type\":\"tick\",\"hostId\""), HB.replace("{\"hostId\"", "{\"via\":\"x\",\"hostId\""),
                HB.replace("{\"hostId\":\"lab-07\"", "{\"hostId\":\"lab-07\",\"hostId\":\"lab-08\""),
                HB.replace("lab-07", "lab 07"), "[" + HB + ",null]", "[" + HB + ",[]]"}) {
            assertThat(PlainHeartbeatJson.read(bytes(body), 1)).as(body).isNull();
        }
    }

    @Property(tries = 500)
    void whatTheQuickReadingAcceptsTheFullReadingAcceptsTheSame(@ForAll("batches") List<Heartbeat> batch,
            @ForAll @IntRange(min = 0, max = 5000) int position, @ForAll("jsonish") char replacement, @ForAll boolean delete,
            @ForAll boolean mutate) {
        String json = batch.size() == 1 && delete ? EventCodec.toJson(batch.get(0)) : EventCodec.toJson(batch);
        if (mutate) {
            int at = position % json.length();
            json = delete ? json.substring(0, at) + json.substring(at + 1) : json.substring(0, at) + replacement + json.substring(at + 1);
        } else {
            assertThat(PlainHeartbeatJson.read(bytes(json), 500)).as(json).isNotNull();
        }
        List<Heartbeat> quick = PlainHeartbeatJson.read(bytes(json), 500);
        HttpBody.Parsed full = HttpBody.parse(bytes(json), 500, false);
        if (quick != null) {
            assertThat(full.ok()).as(json).isTrue();
            assertThat(quick).as(json).isEqualTo(full.heartbeats());
        }
        assertThat(HttpBody.parse(bytes(json), 500)).as(json).isEqualTo(full);
    }

    @Property(tries = 2000)
    void timesAreReadAsInstantParseReadsThem(@ForAll("times") String text) {
        Instant quick = PlainHeartbeatJson.utcInstant(text);
        if (quick != null) {
            assertThat(quick).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void timesOfEveryPrecision() {
        for (String t : new String[]{"2026-11-27T06:00:00Z", "2026-11-27T06:00:00.5Z", "2026-11-27T06:00:00.123456789Z",
                "2024-02-29T23:59:59.000001Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"}) {
            assertThat(PlainHeartbeatJson.utcInstant(t)).as(t).isEqualTo(Instant.parse(t));
        }
        for (String t : new String[]{"2026-11-27T06:00:60Z", "2026-11-27T24:00:00Z", "2025-02-29T00:00:00Z", "2026-11-27T06:00:00.Z",
                "2026-11-27T06:00:00.1234567890Z", "2026-11-27 06:00:00Z", "2026-11-27T06:00:00z", "+2026-11-27T06:00:00Z"}) {
            assertThat(PlainHeartbeatJson.utcInstant(t)).as(t).isNull();
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

    @Provide
    Arbitrary<Character> jsonish() {
        return Arbitraries.of('{', '}', '[', ']', '"', ':', ',', '-', '0', '9', 'x', ' ', '\\', 'n', 'e', '.', 'Z', 'T', '+');
    }

    @Provide
    Arbitrary<List<Heartbeat>> batches() {
        Arbitrary<String> hostId = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("._-").ofMaxLength(30).map(s -> "h" + s);
        Arbitrary<String> bootId = Arbitraries.strings().alpha().numeric().withChars("._:-").ofMaxLength(30).map(s -> "B" + s);
        Arbitrary<Long> seq = Arbitraries.longs().between(0, Heartbeat.SEQ_MAX);
        Arbitrary<Instant> sent = Combinators.combine(Arbitraries.longs().between(0, 4_102_444_800L), Arbitraries.integers().between(0, 999_999_999)
                .edgeCases(c -> c.add(0))).as(Instant::ofEpochSecond);
        Arbitrary<Map<String, String>> labels = Arbitraries.maps(
                Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(10).map(s -> "k" + s),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(128)).ofMaxSize(Heartbeat.LABELS_MAX);
        Arbitrary<Long> up = Arbitraries.longs().between(0, Heartbeat.UPTIME_MAX_SECONDS).injectNull(0.3);
        return Combinators.combine(hostId, bootId, seq, sent, labels, up).as(Heartbeat::fromHost).list().ofMinSize(1).ofMaxSize(5);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
