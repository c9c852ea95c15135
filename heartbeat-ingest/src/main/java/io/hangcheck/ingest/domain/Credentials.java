package io.hangcheck.ingest.domain;

import io.hangcheck.events.wire.HostCredentials;
import io.hangcheck.events.wire.UdpLine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who may speak for which host. Each host's HTTP token and UDP key are derived from a lab secret
 * ({@link HostCredentials}), so a host's credential speaks for that host alone, ingest keeps no per-host table, and one leaked host credential forges no
 * other host (D1). Rotation: ingest accepts every secret of its list (new first, old second) while agents move to
 * the new one; then the old one is removed. Explicit per-host UDP keys (two during rotation) and fleet-wide tokens
 * and keys (for relays that speak for many hosts) are accepted as before. A <em>pool</em> (a name bound to a host-id
 * pattern) has one token and one key, derived from the lab secrets under the pool's name, that speak for the hosts
 * whose id matches its pattern and for no other. Plain logic; comparisons in constant time.
 */
public final class Credentials {

    /** A pool: the hosts its credentials speak for, and its token and key under each lab secret. */
    public record Pool(String name, Pattern hosts, List<byte[]> tokens, List<byte[]> keys) {
        public static Pool derive(String name, Pattern hosts, List<byte[]> secrets) {
            List<byte[]> tokens = new ArrayList<>();
            List<byte[]> keys = new ArrayList<>();
            for (byte[] secret : secrets) {
                tokens.add(HostCredentials.poolHttpToken(secret, name).getBytes(StandardCharsets.US_ASCII));
                keys.add(HostCredentials.poolUdpKey(secret, name));
            }
            return new Pool(name, hosts, List.copyOf(tokens), List.copyOf(keys));
        }

        boolean covers(String hostId) {
            return hosts.matcher(hostId).matches();
        }
    }

    private final List<byte[]> secrets;
    private final List<byte[]> fleetTokens;
    private final byte[] fleetKey;
    private final Map<String, List<byte[]>> hostKeys;
    private final List<Pool> pools;

    public Credentials(List<byte[]> secrets, List<byte[]> fleetTokens, byte[] fleetKey, Map<String, List<byte[]>> hostKeys) {
        this(secrets, fleetTokens, fleetKey, hostKeys, List.of());
    }

    public Credentials(List<byte[]> secrets, List<byte[]> fleetTokens, byte[] fleetKey, Map<String, List<byte[]>> hostKeys,
                       List<Pool> pools) {
        this.pools = List.copyOf(pools);
        this.secrets = List.copyOf(secrets);
        this.fleetTokens = List.copyOf(fleetTokens);
        this.fleetKey = fleetKey == null || fleetKey.length == 0 ? null : fleetKey.clone();
        this.hostKeys = Map.copyOf(hostKeys);
    }

    /** The host's HTTP token under {@code secret} (what {@code ./lab credentials} hands to agents). */
    public static String httpToken(byte[] secret, String hostId) {
        return HostCredentials.httpToken(secret, hostId);
    }

    /** The host's UDP HMAC key under {@code secret}. */
    public static byte[] udpKey(byte[] secret, String hostId) {
        return HostCredentials.udpKey(secret, hostId);
    }

    /** Whether HTTP needs a token at all (any credential configured). */
    public boolean httpAuthenticated() {
        return !secrets.isEmpty() || !fleetTokens.isEmpty();
    }

    /** Whether any UDP key is configured (without one, signatures cannot be required). */
    public boolean udpKeyed() {
        return !secrets.isEmpty() || fleetKey != null || !hostKeys.isEmpty();
    }

    /** True when {@code token} may speak for {@code hostId}: the host's own token, its pool's, or a fleet token. */
    public boolean mayPost(byte[] token, String hostId) {
        boolean ok = false;
        for (byte[] fleet : fleetTokens) {
            ok |= MessageDigest.isEqual(fleet, token);
        }
        for (Pool pool : pools) {
            if (pool.covers(hostId)) {
                for (byte[] t : pool.tokens()) {
                    ok |= MessageDigest.isEqual(t, token);
                }
            }
        }
        for (byte[] secret : secrets) {
            ok |= MessageDigest.isEqual(httpToken(secret, hostId).getBytes(StandardCharsets.US_ASCII), token);
        }
        return ok;
    }

    /**
     * The pool whose token this is, whatever the hosts: a valid pool token posting for a host outside its pool is
     * refused as such (403 naming the host), not as an unknown token.
     */
    public String poolOf(byte[] token) {
        String found = null;
        for (Pool pool : pools) {
            for (byte[] t : pool.tokens()) {
                if (MessageDigest.isEqual(t, token)) {
                    found = pool.name();
                }
            }
        }
        return found;
    }

    /** Whether the host has a key of its own (explicit or derived): then it must always sign. */
    public boolean hostKeyed(String hostId) {
        return !secrets.isEmpty() || hostKeys.containsKey(hostId);
    }

    /** True when the signed line verifies under one of the keys that speak for its host. */
    public boolean verifies(UdpLine.Parsed parsed) {
        String host = parsed.heartbeat().hostId();
        List<byte[]> keys = new ArrayList<>(hostKeys.getOrDefault(host, List.of()));
        for (byte[] secret : secrets) {
            keys.add(udpKey(secret, host));
        }
        for (Pool pool : pools) {
            if (pool.covers(host)) {
                keys.addAll(pool.keys());
            }
        }
        if (keys.isEmpty() && fleetKey != null) {
            keys.add(fleetKey); // the fleet key speaks only for hosts without a key of their own
        }
        for (byte[] key : keys) {
            if (UdpLine.verify(parsed, key)) {
                return true;
            }
        }
        return false;
    }
}
