package io.hangcheck.events.wire;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.InvalidEventException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UdpLineTest {

    private static final byte[] FLEET_KEY = "fleet-secret".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HOST_KEY = "lab-07-secret".getBytes(StandardCharsets.UTF_8);

    private static final Heartbeat HB = Heartbeat.fromHost("lab-07", "3f2a9c", 42,
            Instant.ofEpochMilli(1764220800123L), Map.of("pool", "gpu", "os", "linux-6.1"), 3600L);

    private static Heartbeat parse(String line) {
        return UdpLine.parse(bytes(line), bytes(line).length).heartbeat();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static InvalidEventException rejection(String line) {
        try {
            UdpLine.parse(bytes(line), bytes(line).length);
        } catch (InvalidEventException e) {
            return e;
        }
        throw new AssertionError("accepted: " + line);
    }

    @Test
    void documentedExampleParses() {
        Heartbeat hb = parse("hc1 host=lab-07 boot=3f2a9c seq=42 sent=1764220800000 up=3600 l.pool=gpu");
        assertThat(hb.hostId()).isEqualTo("lab-07");
        assertThat(hb.bootId()).isEqualTo("3f2a9c");
        assertThat(hb.seq()).isEqualTo(42);
        assertThat(hb.sentAt()).isEqualTo(Instant.parse("2025-11-27T05:20:00Z"));
        assertThat(hb.uptimeSeconds()).isEqualTo(3600L);
        assertThat(hb.labels()).containsExactlyEntriesOf(Map.of("pool", "gpu"));
        assertThat(hb.receivedAt()).isNull();
    }

    @Test
    void formatThenParseGivesTheSameHeartbeat() {
        String line = UdpLine.formatString(HB, null);
        assertThat(line).isEqualTo("hc1 host=lab-07 boot=3f2a9c seq=42 sent=1764220800123 up=3600 l.os=linux-6.1 l.pool=gpu");
        UdpLine.Parsed parsed = UdpLine.parse(bytes(line), line.length());
        assertThat(parsed.heartbeat()).isEqualTo(HB);
        assertThat(parsed.signed()).isFalse();
    }

    @Test
    void minimalLineWithoutOptionalTokens() {
        Heartbeat hb = parse("hc1 seq=0 sent=0 boot=b host=h");
        assertThat(hb.labels()).isEmpty();
        assertThat(hb.uptimeSeconds()).isNull();
    }

    @Test
    void oneTrailingNewlineIsTolerated() {
        assertThat(parse("hc1 host=h boot=b seq=1 sent=2\n").seq()).isEqualTo(1);
        assertThat(parse("hc1 host=h boot=b seq=1 sent=2\r\n").seq()).isEqualTo(1);
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2\n\n").field()).isEqualTo("$");
    }

    @Test
    void signedLineVerifiesWithItsKeyOnly() {
        byte[] line = UdpLine.format(HB, HOST_KEY);
        String text = new String(line, StandardCharsets.US_ASCII);
        assertThat(text).matches(".* sig=[0-9a-f]{64}$");
        UdpLine.Parsed parsed = UdpLine.parse(line, line.length);
        assertThat(parsed.signed()).isTrue();
        assertThat(parsed.heartbeat()).isEqualTo(HB);
        assertThat(new String(parsed.signedBytes(), StandardCharsets.US_ASCII))
                .isEqualTo(text.substring(0, text.indexOf(" sig=")));
        assertThat(UdpLine.verify(parsed, HOST_KEY)).isTrue();
        assertThat(UdpLine.verify(parsed, FLEET_KEY)).isFalse();
        assertThat(UdpLine.verify(parsed, null)).isFalse();
    }

    @Test
    void signatureIsTheHmacOfTheBytesBeforeSig() {
        // Known-answer value computed independently: printf '%s' 'hc1 host=h boot=b seq=1 sent=2' | openssl dgst -sha256 -hmac key
        String body = "hc1 host=h boot=b seq=1 sent=2";
        String sig = UdpLine.sign(bytes(body), body.length(), bytes("key"));
        assertThat(sig).isEqualTo("9dc963fd7af7a5c4bb1d85257c982f97f122966aea276750ee396ae981733fb4");
        UdpLine.Parsed parsed = UdpLine.parse(bytes(body + " sig=" + sig), body.length() + 5 + 64);
        assertThat(UdpLine.verify(parsed, bytes("key"))).isTrue();
    }

    @Test
    void changedFieldUnderAnOldSignatureFailsVerification() {
        String signed = UdpLine.formatString(HB, HOST_KEY);
        String replayed = signed.replace("seq=42", "seq=43");
        UdpLine.Parsed parsed = UdpLine.parse(bytes(replayed), replayed.length());
        assertThat(parsed.heartbeat().seq()).isEqualTo(43);
        assertThat(UdpLine.verify(parsed, HOST_KEY)).isFalse();
    }

    @Test
    void unsignedLineNeverVerifies() {
        String line = UdpLine.formatString(HB, null);
        assertThat(UdpLine.verify(UdpLine.parse(bytes(line), line.length()), HOST_KEY)).isFalse();
    }

    @Test
    void eachMalformationNamesItsToken() {
        assertThat(rejection("").field()).isEqualTo("$");
        assertThat(rejection("hc2 host=h boot=b seq=1 sent=2").field()).isEqualTo("version");
        assertThat(rejection("host=h boot=b seq=1 sent=2").field()).isEqualTo("version");
        assertThat(rejection("hc1 boot=b seq=1 sent=2").field()).isEqualTo("host");
        assertThat(rejection("hc1 host=h seq=1 sent=2").field()).isEqualTo("boot");
        assertThat(rejection("hc1 host=h boot=b sent=2").field()).isEqualTo("seq");
        assertThat(rejection("hc1 host=h boot=b seq=1").field()).isEqualTo("sent");
        assertThat(rejection("hc1 host=h boot=b seq=-1 sent=2").field()).isEqualTo("seq");
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2x").field()).isEqualTo("sent");
        assertThat(rejection("hc1 host=h boot=b seq=1234567890123456789 sent=2").field()).isEqualTo("seq");
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2 up=").field()).isEqualTo("up");
        assertThat(rejection("hc1 host=-h boot=b seq=1 sent=2").field()).isEqualTo("host");
        assertThat(rejection("hc1 host=h boot=b! seq=1 sent=2").field()).isEqualTo("boot");
        assertThat(rejection("hc1 host=h host=h boot=b seq=1 sent=2").field()).isEqualTo("host");
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2 color=red").field()).isEqualTo("color");
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2 l.pool=a b").field()).isEqualTo("$");
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2 l.pool=a,b").field()).isEqualTo("l.pool");
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2 l.pool=a=b").field()).isEqualTo("l.pool");
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2 l.=x").field()).isEqualTo("l.");
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2 l.Pool=x").field()).isEqualTo("l.*");
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2 l.pool=x l.pool=y").field()).isEqualTo("l.pool");
        assertThat(rejection("hc1 host=h  boot=b seq=1 sent=2").field()).isEqualTo("$");
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2 ").field()).isEqualTo("$");
        assertThat(rejection("hc1 host=h boot=b seq=1 sent=2 sig=ABC").field()).isEqualTo("sig");
        assertThat(rejection("hc1 host=h boot=b seq=1 sig=" + "a".repeat(64) + " sent=2").field()).isEqualTo("sig");
        assertThat(rejection("hc1 host=h\tboot=b seq=1 sent=2").field()).isEqualTo("$");
        assertThat(rejection("hc1 host=hé boot=b seq=1 sent=2").field()).isEqualTo("$");
    }

    @Test
    void tooManyLabelsIsRejected() {
        StringBuilder sb = new StringBuilder("hc1 host=h boot=b seq=1 sent=2");
        for (int i = 0; i < Heartbeat.LABELS_MAX + 1; i++) {
            sb.append(" l.k").append(i).append("=v");
        }
        assertThat(rejection(sb.toString()).field()).isEqualTo("l.*");
    }

    @Test
    void oversizedDatagramIsRejectedBeforeParsing() {
        byte[] big = new byte[UdpLine.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'a');
        assertThatThrownBy(() -> UdpLine.parse(big, big.length))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("longer than 1024");
        assertThatThrownBy(() -> UdpLine.parse(new byte[4], 5)).isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> UdpLine.parse(null, 3)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void parsesOnlyTheGivenLengthOfAReusedBuffer() {
        byte[] buffer = new byte[UdpLine.MAX_BYTES];
        java.util.Arrays.fill(buffer, (byte) 'x');
        byte[] line = UdpLine.format(HB, null);
        System.arraycopy(line, 0, buffer, 0, line.length);
        assertThat(UdpLine.parse(buffer, line.length).heartbeat()).isEqualTo(HB);
    }

    @Test
    void labelValueOutsideTheLineAlphabetCannotBeFormatted() {
        Heartbeat spaced = Heartbeat.fromHost("h", "b", 1, Instant.EPOCH, Map.of("pool", "a b"), null);
        assertThatThrownBy(() -> UdpLine.format(spaced, null))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("l.pool"));
    }

    @Test
    void lineOverTheLimitCannotBeFormatted() {
        Map<String, String> labels = new java.util.HashMap<>();
        for (int i = 0; i < 16; i++) {
            labels.put("k" + i, "v".repeat(128));
        }
        Heartbeat fat = Heartbeat.fromHost("h", "b", 1, Instant.EPOCH, labels, null);
        assertThatThrownBy(() -> UdpLine.format(fat, null)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("longer than 1024");
    }
}
