package io.hangcheck.events.wire;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * How a host's heartbeat credentials are derived from a lab secret, so ingest, {@code ./lab}, the simulator and the
 * agents agree without a per-host table:
 * <ul>
 *   <li>HTTP bearer token: {@code hex(HMAC-SHA256(secret, "hangcheck-http-v1:" + hostId))} — speaks for that host only;</li>
 *   <li>UDP HMAC key: {@code HMAC-SHA256(secret, "hangcheck-udp-v1:" + hostId)} (32 bytes; agents take it as {@code hex:…}).</li>
 * </ul>
 * One host's credentials forge no other host's heartbeats. Shell: {@code printf 'hangcheck-http-v1:%s' "$host" |
 * openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1}.
 *
 * <p>A <em>pool</em>'s credentials (one token and one key for many hosts, so a lab need not provision a secret per
 * machine) are derived the same way from the pool's name, under other purposes ({@code "hangcheck-http-pool-v1:"},
 * {@code "hangcheck-udp-pool-v1:"}); ingest binds each pool name to the host ids it may speak for. A pool credential
 * forges the hosts of its pool, no other.
 */
public final class HostCredentials {

    public static final String HTTP_PURPOSE = "hangcheck-http-v1:";
    public static final String UDP_PURPOSE = "hangcheck-udp-v1:";
    public static final String POOL_HTTP_PURPOSE = "hangcheck-http-pool-v1:";
    public static final String POOL_UDP_PURPOSE = "hangcheck-udp-pool-v1:";

    private HostCredentials() {
    }

    public static String httpToken(byte[] secret, String hostId) {
        return HexFormat.of().formatHex(hmac(secret, HTTP_PURPOSE + hostId));
    }

    public static byte[] udpKey(byte[] secret, String hostId) {
        return hmac(secret, UDP_PURPOSE + hostId);
    }

    /** The HTTP bearer token of the pool {@code pool}: speaks for the hosts ingest binds to that pool. */
    public static String poolHttpToken(byte[] secret, String pool) {
        return HexFormat.of().formatHex(hmac(secret, POOL_HTTP_PURPOSE + pool));
    }

    /** The UDP HMAC key of the pool {@code pool}. */
    public static byte[] poolUdpKey(byte[] secret, String pool) {
        return hmac(secret, POOL_UDP_PURPOSE + pool);
    }

    private static byte[] hmac(byte[] secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
