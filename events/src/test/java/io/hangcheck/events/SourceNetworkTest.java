package io.hangcheck.events;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceNetworkTest {

    @Test
    void ipv4IsCutToItsSlash24() throws Exception {
        assertThat(SourceNetwork.of(InetAddress.getByName("10.1.7.93"))).isEqualTo("10.1.7.0/24");
        assertThat(SourceNetwork.of(InetAddress.getByName("192.168.255.1"))).isEqualTo("192.168.255.0/24");
    }

    @Test
    void anIpv4MappedIpv6AddressCountsAsItsIpv4() throws Exception {
        assertThat(SourceNetwork.of(InetAddress.getByName("::ffff:10.1.7.93"))).isEqualTo("10.1.7.0/24");
    }

    @Test
    void ipv6IsCutToItsSlash64() throws Exception {
        assertThat(SourceNetwork.of(InetAddress.getByName("2001:db8:1:2:aa:bb:cc:dd"))).isEqualTo("2001:db8:1:2::/64");
        assertThat(SourceNetwork.of(InetAddress.getByName("::1"))).isEqualTo("0:0:0:0::/64");
        assertThat(SourceNetwork.of(null)).isNull();
    }

    @Test
    void anAddressAsTextIsParsedNeverLookedUp() {
        assertThat(SourceNetwork.ofLiteral("10.1.7.93")).isEqualTo("10.1.7.0/24");
        assertThat(SourceNetwork.ofLiteral("2001:db8:1:2::7")).isEqualTo("2001:db8:1:2::/64");
        assertThat(SourceNetwork.ofLiteral("::ffff:10.1.7.93")).isEqualTo("10.1.7.0/24");
        assertThat(SourceNetwork.ofLiteral("ingest.example")).isNull();
        assertThat(SourceNetwork.ofLiteral("")).isNull();
        assertThat(SourceNetwork.ofLiteral(null)).isNull();
    }

    @Test
    void netRoundTripsOnAHeartbeatAndAHeartbeatWithoutOneStaysWithout() {
        Instant t = Instant.parse("2026-11-27T05:50:01Z");
        Heartbeat hb = Heartbeat.fromHost("h1", "b1", 1, t, Map.of(), null).stamped(t, Transport.UDP, "ingest-0", "10.1.7.0/24");
        assertThat(EventCodec.toJson(hb)).endsWith("\"via\":\"ingest-0\",\"net\":\"10.1.7.0/24\"}");
        assertThat(EventCodec.fromBytes(EventCodec.toBytes(hb), Heartbeat.class)).isEqualTo(hb);
        Heartbeat without = Heartbeat.fromHost("h1", "b1", 1, t, Map.of(), null).stamped(t, Transport.HTTP, "ingest-0");
        assertThat(without.net()).isNull();
        assertThat(EventCodec.toJson(without)).doesNotContain("net");
    }

    @Test
    void aMalformedNetIsRefusedNamingTheField() {
        String json = "{\"hostId\":\"h1\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:01Z\",\"net\":\"rack 12\"}";
        assertThatThrownBy(() -> EventCodec.fromJson(json, Heartbeat.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("net"));
    }

    /** The check without a regex engine says what the pattern says, in the same words. */
    @Property(tries = 3000)
    void theCheckIsThePattern(@ForAll("nets") String text) {
        assertThat(outcome(() -> SourceNetwork.check(text, "net")))
                .isEqualTo(outcome(() -> Check.matches(text, "net", SourceNetwork.PATTERN, SourceNetwork.MAX)));
    }

    @Provide
    Arbitrary<String> nets() {
        Arbitrary<String> near = Arbitraries.strings().withChars("0123456789abcdefABCDEFgG.:/ \n\u00e9")
                .ofMaxLength(70);
        return Arbitraries.oneOf(near, Arbitraries.of("10.1.7.0/24", "2001:db8:1:2::/64", "0:0:0:0::/64",
                "a/1", "ab/1", "ab/1234", "ab/", "/24", "10.1.7.0/24\n", " 10.1.7.0/24", "1".repeat(45) + "/1", "1".repeat(46) + "/1"));
    }

    private static Object outcome(java.util.function.Supplier<String> check) {
        try {
            return check.get();
        } catch (InvalidEventException e) {
            return e.getMessage();
        }
    }
}
