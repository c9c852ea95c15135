package io.hangcheck.ingest.domain;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.wire.UdpLine;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignaturePolicyTest {

    static final byte[] FLEET = "fleet".getBytes(StandardCharsets.UTF_8);
    static final byte[] OWN = "own".getBytes(StandardCharsets.UTF_8);

    private static UdpLine.Parsed line(String host, byte[] key) {
        byte[] b = UdpLine.format(Heartbeat.fromHost(host, "b", 1, Instant.EPOCH, Map.of(), null), key);
        return UdpLine.parse(b, b.length);
    }

    @Test
    void withoutKeysAnythingWellFormedIsTaken() {
        SignaturePolicy open = new SignaturePolicy(false, null, Map.of());
        assertThat(open.check(line("h", null))).isNull();
        assertThat(open.check(line("h", FLEET))).isNull();
    }

    @Test
    void aSignatureThatCanBeCheckedMustMatch() {
        SignaturePolicy p = new SignaturePolicy(false, FLEET, Map.of("keyed", OWN));
        assertThat(p.check(line("h", FLEET))).isNull();
        assertThat(p.check(line("h", OWN))).isEqualTo(RejectReason.BAD_SIGNATURE);
        assertThat(p.check(line("keyed", OWN))).isNull();
        assertThat(p.check(line("keyed", FLEET))).isEqualTo(RejectReason.BAD_SIGNATURE);
    }

    @Test
    void unsignedIsRefusedWhenRequiredOrWhenTheHostHasItsOwnKey() {
        assertThat(new SignaturePolicy(false, FLEET, Map.of("keyed", OWN)).check(line("h", null))).isNull();
        assertThat(new SignaturePolicy(false, FLEET, Map.of("keyed", OWN)).check(line("keyed", null))).isEqualTo(RejectReason.UNSIGNED);
        assertThat(new SignaturePolicy(true, FLEET, Map.of()).check(line("h", null))).isEqualTo(RejectReason.UNSIGNED);
    }

    @Test
    void requiringSignaturesWithoutAnyKeyIsAConfigurationError() {
        assertThatThrownBy(() -> new SignaturePolicy(true, null, Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
