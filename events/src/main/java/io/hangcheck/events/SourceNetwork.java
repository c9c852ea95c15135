package io.hangcheck.events;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * The source network ingest stamps on a heartbeat ({@code net}): the sender's address cut to its /24 (IPv4) or
 * /64 (IPv6), written as a prefix, {@code 10.1.7.0/24} or {@code 2001:db8:1:2::/64}. It names the path a host's
 * heartbeats take through the lab's network, so the evaluator can tell "a subnet went silent" (a dead switch,
 * a wrong VLAN) from "hosts hung" (docs/design.md, Liveness verdicts).
 *
 * <p>An IPv4-mapped IPv6 address ({@code ::ffff:10.1.7.9}, what a dual-stack socket reports for an IPv4 peer)
 * counts as the IPv4 address it carries.
 */
public final class SourceNetwork {
    /** The longest text of a prefix this class writes (a full IPv6 /64) with room to spare. */
    public static final int MAX = 64;
    /** What a {@code net} on the wire must look like (a host that publishes to Kafka itself may set it). */
    public static final Pattern PATTERN = Pattern.compile("^[0-9A-Fa-f.:]{2,45}/[0-9]{1,3}$");

    private SourceNetwork() {
    }

    /** The /24 or /64 of {@code address}; null for null. */
    public static String of(InetAddress address) {
        if (address == null) {
            return null;
        }
        byte[] a = address.getAddress();
        if (address instanceof Inet6Address && isV4Mapped(a)) {
            a = new byte[]{a[12], a[13], a[14], a[15]};
        }
        if (a.length == 4) {
            return (a[0] & 0xFF) + "." + (a[1] & 0xFF) + "." + (a[2] & 0xFF) + ".0/24";
        }
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 8; i += 2) {
            sb.append(Integer.toHexString(((a[i] & 0xFF) << 8) | (a[i + 1] & 0xFF))).append(':');
        }
        return sb.append(":/64").toString();
    }

    /**
     * The /24 or /64 of an IP address written as text (what an HTTP server reports for its peer); null when the text
     * is not an IP literal (a Unix socket, a name): no name is ever looked up.
     */
    public static String ofLiteral(String ip) {
        if (ip == null || ip.isEmpty() || ip.length() > 45) {
            return null;
        }
        char c = ip.charAt(0);
        boolean literal = ip.indexOf(':') >= 0 ? ip.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == ':' || ch == '.')
                : Character.isDigit(c) && ip.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.');
        if (!literal) {
            return null;
        }
        try {
            return of(InetAddress.getByName(ip)); // a literal: parsed, never resolved
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    private static boolean isV4Mapped(byte[] a) {
        if (a.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    /**
     * Checks a {@code net} read from the wire (null is allowed: not stamped), as {@code Check.matches(net, field,
     * PATTERN, MAX)} does, without a regex engine: it runs for every heartbeat ingest writes and the evaluator reads.
     */
    public static String check(String net, String field) {
        if (net == null) {
            return null;
        }
        Check.text(net, field, MAX);
        if (!matches(net)) {
            throw new InvalidEventException(field, "does not match " + PATTERN.pattern());
        }
        return net;
    }

    /** {@code PATTERN.matcher(s).matches()}: 2 to 45 of {@code [0-9A-Fa-f.:]}, a {@code /}, 1 to 3 digits. */
    static boolean matches(String s) {
        int slash = s.indexOf('/');
        int n = s.length();
        if (slash < 2 || slash > 45 || n - slash - 1 < 1 || n - slash - 1 > 3) {
            return false;
        }
        for (int i = 0; i < slash; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.' || c == ':')) {
                return false;
            }
        }
        for (int i = slash + 1; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
