package io.hangcheck.ingest.domain;

import io.hangcheck.events.wire.UdpLine;

/**
 * Decides whether a parsed hc1 datagram's signature is acceptable ({@link Credentials} says which keys speak for
 * which host). Rules:
 * <ol>
 *   <li>a signed line must verify under one of its host's keys (own, derived, or else the fleet key), else
 *       {@code BAD_SIGNATURE}; with signatures required and no key at all for the host, too;</li>
 *   <li>an unsigned line is refused ({@code UNSIGNED}) when signatures are required, or when the host has a key of
 *       its own (a host given a key has promised to sign; an unsigned line claiming to be it is a spoof — D1);</li>
 *   <li>otherwise (insecure mode, no keys) the line is accepted.</li>
 * </ol>
 */
public final class SignaturePolicy {

    private final boolean required;
    private final Credentials credentials;

    public SignaturePolicy(boolean required, Credentials credentials) {
        this.required = required;
        this.credentials = credentials;
        if (required && !credentials.udpKeyed()) {
            throw new IllegalArgumentException("signatures are required but no secret, fleet key or host key is configured");
        }
    }

    /** Null when acceptable, else the reason to drop. */
    public RejectReason check(UdpLine.Parsed parsed) {
        String host = parsed.heartbeat().hostId();
        if (parsed.signed()) {
            if (!credentials.udpKeyed()) {
                return null; // nothing can check it: insecure mode
            }
            return credentials.verifies(parsed) ? null : RejectReason.BAD_SIGNATURE;
        }
        return required || credentials.hostKeyed(host) ? RejectReason.UNSIGNED : null;
    }
}
