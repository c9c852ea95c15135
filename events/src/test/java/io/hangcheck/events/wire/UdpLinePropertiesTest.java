package io.hangcheck.events.wire;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.InvalidEventException;
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
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The parser's promises over wide input: valid lines always pass, nothing but InvalidEventException escapes. */
class UdpLinePropertiesTest {

    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);

    @Property(tries = 500)
    void validHeartbeatsRoundTrip(@ForAll("heartbeats") Heartbeat hb, @ForAll boolean signed) {
        byte[] line = UdpLine.format(hb, signed ? KEY : null);
        UdpLine.Parsed parsed = UdpLine.parse(line, line.length);
        assertThat(parsed.heartbeat()).isEqualTo(hb);
        assertThat(parsed.signed()).isEqualTo(signed);
        assertThat(UdpLine.verify(parsed, KEY)).isEqualTo(signed);
    }

    @Property(tries = 1000)
    void randomBytesNeverThrowAnythingElse(@ForAll @Size(max = 1100) byte[] bytes) {
        parseQuietly(bytes, bytes.length);
    }

    @Property(tries = 1000)
    void randomPrintableLinesNeverThrowAnythingElse(@ForAll("hc1ish") String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        parseQuietly(bytes, bytes.length);
    }

    @Property(tries = 1000)
    void mutatedValidLinesNeverThrowAnythingElse(@ForAll("heartbeats") Heartbeat hb, @ForAll boolean signed,
                                                  @ForAll @IntRange(min = 0, max = 2000) int position,
                                                  @ForAll byte replacement, @ForAll("mutation") int kind) {
        byte[] line = UdpLine.format(hb, signed ? KEY : null);
        byte[] mutated = mutate(line, position % line.length, replacement, kind);
        UdpLine.Parsed parsed = parseQuietly(mutated, mutated.length);
        if (parsed != null && signed && !Arrays.equals(mutated, line) && UdpLine.verify(parsed, KEY)) {
            // A mutation that still verifies must not have changed the heartbeat it carries.
            assertThat(parsed.heartbeat()).isEqualTo(hb);
        }
    }

    private static byte[] mutate(byte[] line, int at, byte b, int kind) {
        return switch (kind) {
            case 0 -> { // replace one byte
                byte[] copy = line.clone();
                copy[at] = b;
                yield copy;
            }
            case 1 -> { // delete one byte
                byte[] copy = new byte[line.length - 1];
                System.arraycopy(line, 0, copy, 0, at);
                System.arraycopy(line, at + 1, copy, at, line.length - at - 1);
                yield copy;
            }
            case 2 -> { // insert one byte
                byte[] copy = new byte[line.length + 1];
                System.arraycopy(line, 0, copy, 0, at);
                copy[at] = b;
                System.arraycopy(line, at, copy, at + 1, line.length - at);
                yield copy;
            }
            default -> Arrays.copyOf(line, at); // truncate
        };
    }

    private static UdpLine.Parsed parseQuietly(byte[] bytes, int length) {
        try {
            return UdpLine.parse(bytes, length);
        } catch (InvalidEventException e) {
            assertThat(e.field()).isNotBlank();
            return null;
        }
    }

    @Provide
    Arbitrary<Integer> mutation() {
        return Arbitraries.integers().between(0, 3);
    }

    @Provide
    Arbitrary<String> hc1ish() {
        Arbitrary<String> token = Arbitraries.of("host=", "boot=", "seq=", "sent=", "up=", "l.pool=", "sig=", "=", " ", "hc1",
                "lab-1", "0", "99999999999999999999", "-1", "a".repeat(64), "é", "\n", "\t", "x");
        return token.list().ofMaxSize(30).map(l -> "hc1 " + String.join("", l));
    }

    @Provide
    Arbitrary<Heartbeat> heartbeats() {
        Arbitrary<String> hostId = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("._-")
                .ofMinLength(0).ofMaxLength(40).map(s -> "h" + s);
        Arbitrary<String> bootId = Arbitraries.strings().alpha().numeric().withChars("._:-")
                .ofMaxLength(40).map(s -> "B" + s);
        Arbitrary<Long> seq = Arbitraries.longs().between(0, Heartbeat.SEQ_MAX);
        Arbitrary<Long> sent = Arbitraries.longs().between(0, 4_102_444_800_000L);
        Arbitrary<Long> up = Arbitraries.longs().between(0, Heartbeat.UPTIME_MAX_SECONDS).injectNull(0.3);
        Arbitrary<Map<String, String>> labels = Arbitraries.maps(
                Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("_.-").ofMaxLength(20).map(s -> "k" + s),
                Arbitraries.strings().alpha().numeric().withChars("._:/-").ofMinLength(1).ofMaxLength(40))
                .ofMaxSize(Heartbeat.LABELS_MAX);
        return Combinators.combine(hostId, bootId, seq, sent, labels, up)
                .as((h, b, s, t, l, u) -> Heartbeat.fromHost(h, b, s, Instant.ofEpochMilli(t), l, u));
    }
}
