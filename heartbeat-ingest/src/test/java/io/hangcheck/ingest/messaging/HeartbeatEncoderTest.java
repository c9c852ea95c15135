package io.hangcheck.ingest.messaging;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.EventType;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.Transport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written record is the codec's record, byte for byte, headers included. */
class HeartbeatEncoderTest {

    private static final String VIA = "ingest-0";
    private static final String SOURCE = "/hangcheck/ingest/" + VIA;

    @Property(tries = 2000)
    void valueAndHeadersAreTheCodecs(@ForAll("heartbeats") Heartbeat fromHost, @ForAll("skews") long skewMillis,
                                     @ForAll Transport transport) {
        assertSame(new HeartbeatEncoder(VIA, SOURCE), fromHost, receivedAt(fromHost, skewMillis), transport, VIA, SOURCE);
    }

    @Property(tries = 300)
    void anInstanceIdJsonEscapesIsWrittenByTheCodec(@ForAll("heartbeats") Heartbeat fromHost, @ForAll("skews") long skewMillis) {
        String via = "ingest \"eu\" \u00e9";
        assertSame(new HeartbeatEncoder(via, "/hangcheck/ingest/" + via), fromHost, receivedAt(fromHost, skewMillis), Transport.UDP, via,
                "/hangcheck/ingest/" + via);
    }

    @Property(tries = 500)
    void theSourceNetworkIsTheCodecsToo(@ForAll("heartbeats") Heartbeat fromHost, @ForAll("nets") String net,
                                        @ForAll Transport transport) {
        HeartbeatEncoder encoder = new HeartbeatEncoder(VIA, SOURCE);
        Instant at = fromHost.sentAt();
        byte[] expected = EventCodec.toBytes(fromHost.stamped(at, transport, VIA, net));
        assertThat(new String(encoder.value(fromHost, at, transport, net), StandardCharsets.UTF_8))
                .isEqualTo(new String(expected, StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> nets() {
        return Arbitraries.of("10.1.7.0/24", "192.168.255.0/24", "2001:db8:1:2::/64", "0:0:0:0::/64");
    }

    @Test
    void instantsOfEveryPrecisionAndTheSameSecondTwice() {
        HeartbeatEncoder encoder = new HeartbeatEncoder(VIA, SOURCE);
        for (String t : new String[]{"2026-11-27T06:00:00Z", "2026-11-27T06:00:00.100Z", "2026-11-27T06:00:00.000100Z",
                "2026-11-27T06:00:00.000000100Z", "2026-11-27T06:00:00.123456789Z", "2026-11-27T06:01:00Z",
                "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.5Z", "0000-01-01T00:00:00Z"}) {
            Instant at = Instant.parse(t);
            assertSame(encoder, Heartbeat.fromHost("lab-07", "b1", 0, at, Map.of(), 0L), at, Transport.HTTP, VIA, SOURCE);
            assertSame(encoder, Heartbeat.fromHost("lab-07", "b1", 0, at, Map.of("pool", "gpu"), null), at, Transport.KAFKA, VIA, SOURCE);
        }
    }

    private static void assertSame(HeartbeatEncoder encoder, Heartbeat fromHost, Instant receivedAt, Transport transport,
                                   String via, String source) {
        Heartbeat stamped = fromHost.stamped(receivedAt, transport, via);
        byte[] expected = EventCodec.toBytes(stamped);
        assertThat(new String(encoder.value(fromHost, receivedAt, transport), StandardCharsets.UTF_8))
                .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(encoder.value(fromHost, receivedAt, transport)).isEqualTo(expected);
        RecordHeaders want = new RecordHeaders();
        CloudEvents.apply(want, stamped.hostId() + "/" + stamped.bootId() + "/" + stamped.seq(), EventType.HEARTBEAT,
                source, receivedAt);
        Header[] got = encoder.headers(fromHost, receivedAt).toArray();
        Header[] exp = want.toArray();
        assertThat(got).hasSameSizeAs(exp);
        for (int i = 0; i < exp.length; i++) {
            assertThat(got[i].key()).isEqualTo(exp[i].key());
            assertThat(new String(got[i].value(), StandardCharsets.UTF_8)).isEqualTo(new String(exp[i].value(), StandardCharsets.UTF_8));
        }
    }

    /** Ingest's receive time: within the contract's window of the host's clock, and within the contract's years. */
    private static Instant receivedAt(Heartbeat fromHost, long skewMillis) {
        Instant at = fromHost.sentAt().plusMillis(skewMillis);
        return at.isBefore(Heartbeat.INSTANT_MIN) || at.isAfter(Heartbeat.INSTANT_MAX) ? fromHost.sentAt() : at;
    }

    @Provide
    Arbitrary<Long> skews() {
        long window = Heartbeat.SENT_AT_WINDOW.toMillis();
        return Arbitraries.oneOf(Arbitraries.longs().between(-window, window), Arbitraries.of(0L, -window, window));
    }

    @Provide
    Arbitrary<Instant> instants() {
        Arbitrary<Long> seconds = Arbitraries.oneOf(Arbitraries.longs().between(1_700_000_000L, 1_800_000_000L),
                Arbitraries.longs().between(Heartbeat.INSTANT_MIN.getEpochSecond(), Heartbeat.INSTANT_MAX.getEpochSecond()));
        Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999).map(n -> n * 1_000_000),
                Arbitraries.integers().between(0, 999_999).map(n -> n * 1000), Arbitraries.integers().between(0, 999_999_999));
        return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
    }

    @Provide
    Arbitrary<Heartbeat> heartbeats() {
        Arbitrary<String> hostId = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("._-").ofMaxLength(40).map(s -> "h" + s);
        Arbitrary<String> bootId = Arbitraries.strings().alpha().numeric().withChars("._:-").ofMaxLength(40).map(s -> "B" + s);
        Arbitrary<Long> seq = Arbitraries.oneOf(Arbitraries.longs().between(0, Heartbeat.SEQ_MAX), Arbitraries.of(0L, 9L, 10L, Heartbeat.SEQ_MAX));
        Arbitrary<String> plainValue = Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(128);
        Arbitrary<String> anyValue = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(128);
        Arbitrary<Map<String, String>> labels = Arbitraries.maps(
                Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("_.-").ofMaxLength(20).map(s -> "k" + s),
                Arbitraries.oneOf(plainValue, plainValue, anyValue)).ofMaxSize(Heartbeat.LABELS_MAX);
        Arbitrary<Long> up = Arbitraries.oneOf(Arbitraries.longs().between(0, Heartbeat.UPTIME_MAX_SECONDS), Arbitraries.just(0L)).injectNull(0.3);
        return Combinators.combine(hostId, bootId, seq, instants(), labels, up).as(Heartbeat::fromHost);
    }
}
