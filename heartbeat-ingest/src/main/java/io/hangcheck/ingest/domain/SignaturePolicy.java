package io.hangcheck.ingest.domain;

import io.hangcheck.events.wire.UdpLine;

import java.util.Map;

/**
 * Decides whether a parsed hc1 datagram's signature is acceptable. The key is the host's own key when one is
 * configured, else the fleet key. Rules:
 * <ol>
 *   <li>a signed line whose host has a key (own or fleet) must verify under that key, else {@code BAD_SIGNATURE};</li>
 *   <li>an unsigned line is refused ({@code UNSIGNED}) when signatures are required, or when the host has its
 *       own key (a host given a key has promised to sign; an unsigned line claiming to be it is a spoof);</li>
 *   <li>otherwise the line is accepted (a signature no key can check is ignored, as when no keys are set).</li>
 * </ol>
 */
public final class SignaturePolicy {

    private final boolean required;
    private final byte[] fleetKey;
    private final Map<String, byte[]> hostKeys;

    public SignaturePolicy(boolean required, byte[] fleetKey, Map<String, byte[]> hostKeys) {
        this.required = required;
        this.fleetKey = fleetKey == null || fleetKey.length == 0 ? null : fleetKey.clone();
        this.hostKeys = Map.copyOf(hostKeys == null ? Map.of() : hostKeys);
        if (required && this.fleetKey == null && this.hostKeys.isEmpty()) {
            throw new IllegalArgumentException("signatures are required but no fleet key or host key is configured");
        }
    }

    /** Null when acceptable, else the reason to drop. */
    public RejectReason check(UdpLine.Parsed parsed) {
        String host = parsed.heartbeat().hostId();
        byte[] own = hostKeys.get(host);
        byte[] key = own != null ? own : fleetKey;
        if (parsed.signed()) {
            if (key == null) {
                return required ? RejectReason.BAD_SIGNATURE : null;
            }
            return UdpLine.verify(parsed, key) ? null : RejectReason.BAD_SIGNATURE;
        }
        return required || own != null ? RejectReason.UNSIGNED : null;
    }
}
