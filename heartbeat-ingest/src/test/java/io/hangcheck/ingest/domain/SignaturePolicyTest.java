package io.hangcheck.ingest.domain;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.wire.UdpLine;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignaturePolicyTest {

    static final byte[] FLEET = "fleet".getBytes(StandardCharsets.UTF_8);
    static final byte[] OWN = "own".getBytes(StandardCharsets.UTF_8);

    static final byte[] NEW_SECRET = "lab-secret-2".getBytes(StandardCharsets.UTF_8);
    static final byte[] OLD_SECRET = "lab-secret-1".getBytes(StandardCharsets.UTF_8);

    private static SignaturePolicy policy(boolean required, byte[] fleet, Map<String, byte[]> own) {
        Map<String, List<byte[]>> keys = new java.util.HashMap<>();
        own.forEach((h, k) -> keys.put(h, List.of(k)));
        return new SignaturePolicy(required, new Credentials(List.of(), List.of(), fleet, keys));
    }

    private static UdpLine.Parsed line(String host, byte[] key) {
        byte[] b = UdpLine.format(Heartbeat.fromHost(host, "b", 1, Instant.EPOCH, Map.of(), null), key);
        return UdpLine.parse(b, b.length);
    }

    @Test
    void withoutKeysAnythingWellFormedIsTaken() {
        SignaturePolicy open = policy(false, null, Map.of());
        assertThat(open.check(line("h", null))).isNull();
        assertThat(open.check(line("h", FLEET))).isNull();
    }

    @Test
    void aSignatureThatCanBeCheckedMustMatch() {
        SignaturePolicy p = policy(false, FLEET, Map.of("keyed", OWN));
        assertThat(p.check(line("h", FLEET))).isNull();
        assertThat(p.check(line("h", OWN))).isEqualTo(RejectReason.BAD_SIGNATURE);
        assertThat(p.check(line("keyed", OWN))).isNull();
        assertThat(p.check(line("keyed", FLEET))).isEqualTo(RejectReason.BAD_SIGNATURE);
    }

    @Test
    void unsignedIsRefusedWhenRequiredOrWhenTheHostHasItsOwnKey() {
        assertThat(policy(false, FLEET, Map.of("keyed", OWN)).check(line("h", null))).isNull();
        assertThat(policy(false, FLEET, Map.of("keyed", OWN)).check(line("keyed", null))).isEqualTo(RejectReason.UNSIGNED);
        assertThat(policy(true, FLEET, Map.of()).check(line("h", null))).isEqualTo(RejectReason.UNSIGNED);
    }

    @Test
    void requiringSignaturesWithoutAnyKeyIsAConfigurationError() {
        assertThatThrownBy(() -> policy(true, null, Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void derivedKeysSpeakForTheirHostOnlyAndBothSecretsWorkDuringRotation() {
        SignaturePolicy p = new SignaturePolicy(true, new Credentials(List.of(NEW_SECRET, OLD_SECRET), List.of(), null, Map.of()));
        assertThat(p.check(line("lab-07", Credentials.udpKey(NEW_SECRET, "lab-07")))).isNull();
        assertThat(p.check(line("lab-07", Credentials.udpKey(OLD_SECRET, "lab-07")))).as("old secret, mid-rotation").isNull();
        assertThat(p.check(line("lab-07", Credentials.udpKey(NEW_SECRET, "lab-08")))).as("another host's key").isEqualTo(RejectReason.BAD_SIGNATURE);
        assertThat(p.check(line("lab-07", "lab-secret-3".getBytes(StandardCharsets.UTF_8)))).isEqualTo(RejectReason.BAD_SIGNATURE);
        assertThat(p.check(line("lab-07", null))).isEqualTo(RejectReason.UNSIGNED);
        // after rotation the old secret's keys are refused
        SignaturePolicy after = new SignaturePolicy(true, new Credentials(List.of(NEW_SECRET), List.of(), null, Map.of()));
        assertThat(after.check(line("lab-07", Credentials.udpKey(OLD_SECRET, "lab-07")))).isEqualTo(RejectReason.BAD_SIGNATURE);
    }

    @Test
    void d1sForgedUnsignedLineIsRefused() {
        SignaturePolicy p = new SignaturePolicy(true, new Credentials(List.of(NEW_SECRET), List.of(), null, Map.of()));
        byte[] d1 = "hc1 host=lab-07 boot=3f2a9c seq=9007199254740992 sent=1764220800000".getBytes(StandardCharsets.US_ASCII);
        assertThat(p.check(UdpLine.parse(d1, d1.length))).isEqualTo(RejectReason.UNSIGNED);
    }

    @Test
    void anHttpTokenSpeaksForItsHostOnlyAndAFleetTokenForAll() {
        Credentials c = new Credentials(List.of(NEW_SECRET, OLD_SECRET), List.of("relay".getBytes(StandardCharsets.UTF_8)), null, Map.of());
        byte[] own = Credentials.httpToken(NEW_SECRET, "lab-07").getBytes(StandardCharsets.US_ASCII);
        assertThat(c.mayPost(own, "lab-07")).isTrue();
        assertThat(c.mayPost(own, "lab-08")).isFalse();
        assertThat(c.mayPost(Credentials.httpToken(OLD_SECRET, "lab-08").getBytes(StandardCharsets.US_ASCII), "lab-08")).isTrue();
        assertThat(c.mayPost("relay".getBytes(StandardCharsets.UTF_8), "lab-08")).isTrue();
        assertThat(c.mayPost("nope".getBytes(StandardCharsets.UTF_8), "lab-07")).isFalse();
    }
}
