package io.hangcheck.sockets.domain;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * 128-bit addresses as two longs (network order). IPv4 lives in the IPv4-mapped range {@code ::ffff:0:0/96}
 * and is printed dotted; everything else is printed in RFC 5952 form (lower case, longest zero run as {@code ::}).
 */
public final class Addresses {
    private static final long V4_MAPPED_LO_PREFIX = 0x0000_FFFF_0000_0000L;

    private Addresses() {
    }

    /** The stored form of an IPv4 address given as a network-order int. */
    public static long v4Lo(int networkOrder) {
        return V4_MAPPED_LO_PREFIX | (networkOrder & 0xFFFF_FFFFL);
    }

    public static boolean isV4(long hi, long lo) {
        return hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED_LO_PREFIX;
    }

    public static String format(long hi, long lo) {
        if (isV4(hi, lo)) {
            int v = (int) lo;
            return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
        }
        int[] g = new int[8];
        for (int k = 0; k < 4; k++) {
            g[k] = (int) (hi >>> (48 - 16 * k)) & 0xFFFF;
            g[k + 4] = (int) (lo >>> (48 - 16 * k)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int k = 0; k < 8; ) {
            if (g[k] != 0) {
                k++;
                continue;
            }
            int start = k;
            while (k < 8 && g[k] == 0) {
                k++;
            }
            if (k - start > bestLen) {
                bestLen = k - start;
                bestStart = start;
            }
        }
        StringBuilder b = new StringBuilder(39);
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                b.append("::");
                k += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[k]));
        }
        return b.toString();
    }

    /** The address as bytes: 4 for IPv4 (and v4-mapped), 16 otherwise. */
    public static byte[] bytes(long hi, long lo) {
        if (isV4(hi, lo)) {
            int v = (int) lo;
            return new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        byte[] b = new byte[16];
        for (int k = 0; k < 8; k++) {
            b[k] = (byte) (hi >>> (56 - 8 * k));
            b[k + 8] = (byte) (lo >>> (56 - 8 * k));
        }
        return b;
    }

    public static InetAddress inet(long hi, long lo) {
        try {
            return InetAddress.getByAddress(bytes(hi, lo));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always a valid address", e);
        }
    }

    /** Parses a textual address ({@code 10.0.0.1}, {@code ::1}, {@code ::ffff:10.0.0.1}) into the stored form. */
    public static long[] parse(String text) {
        try {
            byte[] b = InetAddress.getByName(text.startsWith("[") ? text.substring(1, text.length() - 1) : text)
                    .getAddress();
            if (b.length == 4) {
                int v = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
                return new long[]{0, v4Lo(v)};
            }
            long hi = 0;
            long lo = 0;
            for (int k = 0; k < 8; k++) {
                hi = (hi << 8) | (b[k] & 0xFF);
                lo = (lo << 8) | (b[k + 8] & 0xFF);
            }
            return new long[]{hi, lo};
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + text, e);
        }
    }
}
