package io.hangcheck.events.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The derivation agrees with what `./lab credentials` and the shell agents compute with openssl. */
class HostCredentialsTest {

    private static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);

    @Test
    void derivedCredentialsMatchOpensslsHmac() {
        // printf 'hangcheck-http-v1:lab-07' | openssl dgst -sha256 -hmac s3cret -r
        assertThat(HostCredentials.httpToken(SECRET, "lab-07"))
                .isEqualTo("ff54b5870121c697b1aec91100a18d0c891d3649309327dbbd79484a9c0ec10d");
        assertThat(HexFormat.of().formatHex(HostCredentials.udpKey(SECRET, "lab-07")))
                .isEqualTo("3eec24e649c2cfc089816a5d97db30491a92e886fcde5fe3877a0281fe67aa29");
    }

    @Test
    void poolCredentialsMatchOpensslsHmacAndDifferFromAHostsOfTheSameName() {
        // printf 'hangcheck-http-pool-v1:nightly' | openssl dgst -sha256 -hmac s3cret -r
        assertThat(HostCredentials.poolHttpToken(SECRET, "nightly"))
                .isEqualTo("6b40e5d1c5ddccf5cf593699f9604498ea1ca51ac0f8e75b6deefaec666aa464");
        assertThat(HexFormat.of().formatHex(HostCredentials.poolUdpKey(SECRET, "nightly")))
                .isEqualTo("e03e5b39403fe4e66c5cd91b7cbd5242f6d7ac41f00acee04b791bd044f6b617");
        assertThat(HostCredentials.poolHttpToken(SECRET, "nightly")).isNotEqualTo(HostCredentials.httpToken(SECRET, "nightly"));
        assertThat(HostCredentials.poolUdpKey(SECRET, "nightly")).isNotEqualTo(HostCredentials.udpKey(SECRET, "nightly"));
    }

    @Test
    void eachHostGetsItsOwn() {
        assertThat(HostCredentials.httpToken(SECRET, "lab-07")).isNotEqualTo(HostCredentials.httpToken(SECRET, "lab-08"));
        assertThat(HostCredentials.udpKey(SECRET, "lab-07")).isNotEqualTo(HostCredentials.udpKey(SECRET, "lab-08"));
    }
}
