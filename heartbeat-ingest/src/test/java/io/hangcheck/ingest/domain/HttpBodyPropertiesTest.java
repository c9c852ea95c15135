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
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP JSON path over wide input: it never throws, valid heartbeats always pass, a refusal always names a field. */
class HttpBodyPropertiesTest {

    @Property(tries = 200)
    void validHeartbeatsAndBatchesAlwaysPass(@ForAll("batches") List<Heartbeat> batch, @ForAll boolean asArray) {
        String json = asArray || batch.size() > 1 ? EventCodec.toJson(batch) : EventCodec.toJson(batch.get(0));
        HttpBody.Parsed p = HttpBody.parse(json.getBytes(StandardCharsets.UTF_8), 500);
        assertThat(p.ok()).as(json).isTrue();
        assertThat(p.heartbeats()).isEqualTo(batch);
    }

    @Property(tries = 500)
    void randomBytesNeverThrow(@ForAll @Size(max = 600) byte[] body) {
        HttpBody.Parsed p = HttpBody.parse(body, 500);
        if (!p.ok()) {
            assertThat(p.rejection().field()).isNotBlank();
            assertThat(p.rejection().reason().status()).isIn(400, 413);
        }
    }

    @Property(tries = 500)
    void mutatedValidBodiesNeverThrow(@ForAll("batches") List<Heartbeat> batch,
                                      @ForAll @IntRange(min = 0, max = 5000) int position, @ForAll("jsonish") char replacement,
                                      @ForAll boolean delete) {
        String json = EventCodec.toJson(batch);
        int at = position % json.length();
        String mutated = delete ? json.substring(0, at) + json.substring(at + 1)
                : json.substring(0, at) + replacement + json.substring(at + 1);
        HttpBody.Parsed p = HttpBody.parse(mutated.getBytes(StandardCharsets.UTF_8), 500);
        if (p.ok()) {
            assertThat(p.heartbeats()).hasSize(batch.size());
        } else {
            assertThat(p.rejection().field()).isNotBlank();
            assertThat(p.rejection().detail()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<Character> jsonish() {
        return Arbitraries.of('{', '}', '[', ']', '"', ':', ',', '-', '0', '9', 'x', ' ', '\\', 'n', 'e', '.');
    }

    @Provide
    Arbitrary<List<Heartbeat>> batches() {
        Arbitrary<String> hostId = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("._-").ofMaxLength(30).map(s -> "h" + s);
        Arbitrary<String> bootId = Arbitraries.strings().alpha().numeric().withChars("._:-").ofMaxLength(30).map(s -> "B" + s);
        Arbitrary<Long> seq = Arbitraries.longs().between(0, Heartbeat.SEQ_MAX);
        Arbitrary<Instant> sent = Arbitraries.longs().between(0, 4_102_444_800_000L).map(Instant::ofEpochMilli);
        Arbitrary<Map<String, String>> labels = Arbitraries.maps(
                Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(10).map(s -> "k" + s),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(128)).ofMaxSize(Heartbeat.LABELS_MAX); // EventCodec (NON_EMPTY) drops ""
        Arbitrary<Long> up = Arbitraries.longs().between(0, Heartbeat.UPTIME_MAX_SECONDS).injectNull(0.3);
        Arbitrary<Heartbeat> hb = Combinators.combine(hostId, bootId, seq, sent, labels, up).as(Heartbeat::fromHost);
        return hb.list().ofMinSize(1).ofMaxSize(5);
    }
}
