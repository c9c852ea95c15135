package io.hangcheck.sockets.domain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads {@code /proc/net/tcp} and {@code /proc/net/tcp6} straight from bytes: no regex, no split, no String
 * per line. One parser is meant to be reused scan after scan (it keeps its read buffer); it is not thread-safe.
 *
 * <p>The line format is the kernel's ({@code net/ipv4/tcp_ipv4.c get_tcp4_sock}, {@code net/ipv6/tcp_ipv6.c}):
 * <pre>
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm-&gt;when retrnsmt   uid  timeout inode ...
 *    0: 0100007F:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000  1000        0 51234 1 ...
 * </pre>
 * {@code sl} is {@code %4d}, so it grows wider past 9,999 sockets; {@code tcp} lines are padded with trailing
 * spaces to 149 characters, {@code tcp6} lines are not; the parser depends on none of these widths and
 * reads fields by position (whitespace-separated). Addresses are the kernel's in-memory {@code __be32} words
 * printed with {@code %08X}: on a little-endian machine (x86-64, arm64 — every target of this monitor) each
 * 32-bit word appears byte-reversed; IPv6 is four such words.
 *
 * <p>A line the parser cannot read (a wrong field, an unknown state code) is counted in
 * {@link SocketTable#rejected()}, never silently dropped and never fatal to the scan.
 */
public final class ProcNetTcpParser {
    private byte[] buf = new byte[128 * 1024];
    private int len;

    /**
     * Reads {@code <procRoot>/net/tcp} and {@code <procRoot>/net/tcp6} into {@code table} (cleared first).
     * A missing {@code tcp6} (IPv6 disabled) is not an error; a missing {@code tcp} is.
     */
    public SocketTable scan(Path procRoot, SocketTable table) throws IOException {
        table.clear();
        readInto(procRoot.resolve("net/tcp"), table, 4);
        try {
            readInto(procRoot.resolve("net/tcp6"), table, 6);
        } catch (NoSuchFileException e) {
            // IPv6 disabled on this machine: an empty tcp6 table.
        }
        return table;
    }

    /**
     * Reads one file (tcp or tcp6, by {@code family}) and appends its sockets to {@code table}. The file is read
     * in chunks that stay in the CPU cache and each chunk's complete lines are parsed at once (a partial last
     * line moves to the front of the buffer for the next read), so the bytes are parsed while still hot.
     */
    public void readInto(Path file, SocketTable table, int family) throws IOException {
        len = 0;
        boolean header = true;
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                if (len == buf.length) { // one line longer than the buffer: grow (never with kernel output)
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    break;
                }
                len += n;
                int lastNewline = len - 1;
                while (lastNewline >= 0 && buf[lastNewline] != '\n') {
                    lastNewline--;
                }
                if (lastNewline < 0) {
                    continue;
                }
                int from = 0;
                if (header) {
                    while (buf[from] != '\n') {
                        from++;
                    }
                    from++;
                    header = false;
                }
                parseLines(buf, from, lastNewline + 1, table, family);
                int rest = len - lastNewline - 1;
                System.arraycopy(buf, lastNewline + 1, buf, 0, rest);
                len = rest;
            }
        }
        if (len > 0 && !header) {
            parseLines(buf, 0, len, table, family); // a last line without a newline
        }
    }

    /** Parses the text of one file ({@code from} inclusive, {@code to} exclusive), header line included. */
    public static void parse(byte[] b, int from, int to, SocketTable table, int family) {
        int p = from;
        // The first line is the column header.
        while (p < to && b[p] != '\n') {
            p++;
        }
        parseLines(b, p + 1, to, table, family);
    }

    /** Parses whole lines (no header) from {@code from} to {@code to}. */
    private static void parseLines(byte[] b, int from, int to, SocketTable table, int family) {
        int p = from;
        int words = family == 6 ? 4 : 1;
        while (p < to) {
            int next = fastLine(b, p, to, table, family, words);
            if (next >= 0) {
                p = next;
                continue;
            }
            int end = p;
            while (end < to && b[end] != '\n') {
                end++;
            }
            if (!parseLine(b, p, end, table, family) && !blank(b, p, end)) {
                table.reject();
            }
            p = end + 1;
        }
    }

    /** Hex digit values, -1 for anything else. */
    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX[c] = (byte) (c - '0');
        }
        for (int c = 'A'; c <= 'F'; c++) {
            HEX[c] = (byte) (c - 'A' + 10);
            HEX[c + 32] = (byte) (c - 'A' + 10);
        }
    }

    /**
     * The fast path: the kernel prints every field from the local address to {@code retrnsmt} at a fixed width
     * ({@code %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X}), so after {@code sl} the parser jumps straight
     * to each field, checks the separators where they must be, and only scans the variable-width tail (uid,
     * timeout, inode). {@code tcp} lines are padded to 149 characters, so the end of line is usually found
     * without a scan. Returns the start of the next line, or -1 to let the general path read (or reject) this
     * line when anything is not where the fixed layout puts it.
     */
    private static int fastLine(byte[] b, int p, int to, SocketTable table, int family, int words) {
        int lineStart = p;
        while (p < to && b[p] == ' ') {
            p++;
        }
        int digits = p;
        while (p < to && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        int a = words * 8;
        int q = p + 2;
        // the fixed part ends with the space before uid at q + 2a + 53
        if (p == digits || q + 2 * a + 54 > to || b[p] != ':' || b[p + 1] != ' ' || b[q + a] != ':'
                || b[q + a + 5] != ' ' || b[q + 2 * a + 6] != ':' || b[q + 2 * a + 11] != ' '
                || b[q + 2 * a + 14] != ' ' || b[q + 2 * a + 53] != ' ') {
            return -1;
        }
        // the queue and timer fields (38 bytes) must not hold a line end: checked 8 bytes at a time
        int f = q + 2 * a + 15;
        if ((hasNewline(b, f) | hasNewline(b, f + 8) | hasNewline(b, f + 16) | hasNewline(b, f + 24)
                | hasNewline(b, f + 30)) != 0) {
            return -1;
        }
        long lHi;
        long lLo;
        long rHi;
        long rLo;
        if (words == 1) {
            long l = hex8(b, q);
            long r = hex8(b, q + a + 6);
            if ((l | r) < 0) {
                return -1;
            }
            lHi = 0;
            lLo = Addresses.v4Lo(Integer.reverseBytes((int) l));
            rHi = 0;
            rLo = Addresses.v4Lo(Integer.reverseBytes((int) r));
        } else {
            long l0 = hex8(b, q);
            long l1 = hex8(b, q + 8);
            long l2 = hex8(b, q + 16);
            long l3 = hex8(b, q + 24);
            int r = q + a + 6;
            long r0 = hex8(b, r);
            long r1 = hex8(b, r + 8);
            long r2 = hex8(b, r + 16);
            long r3 = hex8(b, r + 24);
            if ((l0 | l1 | l2 | l3 | r0 | r1 | r2 | r3) < 0) {
                return -1;
            }
            lHi = word(l0) << 32 | word(l1);
            lLo = word(l2) << 32 | word(l3);
            rHi = word(r0) << 32 | word(r1);
            rLo = word(r2) << 32 | word(r3);
        }
        int lPort = hex4(b, q + a + 1);
        int rPort = hex4(b, q + 2 * a + 7);
        int st = HEX[b[q + 2 * a + 12] & 0xFF] << 4 | HEX[b[q + 2 * a + 13] & 0xFF];
        if ((lPort | rPort) < 0 || st <= 0 || st >= TcpState.CODES) {
            return -1;
        }
        p = q + 2 * a + 54;
        while (p < to && b[p] == ' ') {
            p++;
        }
        long uid = 0;
        int start = p;
        while (p < to && b[p] >= '0' && b[p] <= '9') {
            uid = uid * 10 + (b[p++] - '0');
        }
        if (p == start || p >= to || b[p] != ' ') {
            return -1;
        }
        while (p < to && b[p] == ' ') {
            p++;
        }
        if (p < to && b[p] == '-') {
            p++;
        }
        start = p;
        while (p < to && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        if (p == start || p >= to || b[p] != ' ') {
            return -1;
        }
        p++;
        long inode = 0;
        start = p;
        while (p < to && b[p] >= '0' && b[p] <= '9') {
            inode = inode * 10 + (b[p++] - '0');
        }
        if (p == start || p - start > 19) {
            return -1;
        }
        table.add(family, st, lHi, lLo, lPort, rHi, rLo, rPort, (int) uid, inode);
        int padded = lineStart + 149;
        if (padded < to && padded >= p && b[padded] == '\n') {
            return padded + 1;
        }
        while (p + 8 <= to && hasNewline(b, p) == 0) { // the tail (tcp6 is not padded): 8 bytes at a time
            p += 8;
        }
        while (p < to && b[p] != '\n') {
            p++;
        }
        return p + 1;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A_0A0A_0A0A_0A0AL;
    private static final long LOW_BITS = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    /** Non-zero when one of the 8 bytes at {@code p} is a newline (the classic "has zero byte" bit trick). */
    private static long hasNewline(byte[] b, int p) {
        long x = (long) LONGS.get(b, p) ^ NEWLINES;
        return (x - LOW_BITS) & ~x & HIGH_BITS;
    }

    private static long hex8(byte[] b, int p) {
        int v = 0;
        int bad = 0;
        for (int i = p; i < p + 8; i++) {
            int d = HEX[b[i] & 0xFF];
            bad |= d;
            v = (v << 4) | (d & 0xF);
        }
        return bad < 0 ? -1 : v & 0xFFFF_FFFFL;
    }

    private static int hex4(byte[] b, int p) {
        int d0 = HEX[b[p] & 0xFF];
        int d1 = HEX[b[p + 1] & 0xFF];
        int d2 = HEX[b[p + 2] & 0xFF];
        int d3 = HEX[b[p + 3] & 0xFF];
        return (d0 | d1 | d2 | d3) < 0 ? -1 : d0 << 12 | d1 << 8 | d2 << 4 | d3;
    }

    private static boolean blank(byte[] b, int p, int end) {
        for (int i = p; i < end; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The general path alone, line by line (tests compare it with the fast path). */
    static void parseGeneral(byte[] b, int from, int to, SocketTable table, int family) {
        int p = from;
        while (p < to && b[p] != '\n') {
            p++;
        }
        p++;
        while (p < to) {
            int end = p;
            while (end < to && b[end] != '\n') {
                end++;
            }
            if (!parseLine(b, p, end, table, family) && !blank(b, p, end)) {
                table.reject();
            }
            p = end + 1;
        }
    }

    /** Parses one socket line; false when it is not one. Field positions are tracked in {@code p}. */
    private static boolean parseLine(byte[] b, int p, int end, SocketTable table, int family) {
        int words = family == 6 ? 4 : 1;
        // sl: decimal, then ':'
        p = skipSpaces(b, p, end);
        int digits = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            p++;
            digits++;
        }
        if (digits == 0 || p >= end || b[p] != ':') {
            return false;
        }
        p = skipSpaces(b, p + 1, end);
        // local address: words x 8 hex digits, ':', 4 hex digits of port
        if (p + words * 8 + 5 > end || b[p + words * 8] != ':') {
            return false;
        }
        long lHi;
        long lLo;
        if (words == 1) {
            long w = hex(b, p, 8);
            if (w < 0) {
                return false;
            }
            lHi = 0;
            lLo = Addresses.v4Lo(Integer.reverseBytes((int) w));
        } else {
            long w0 = hex(b, p, 8);
            long w1 = hex(b, p + 8, 8);
            long w2 = hex(b, p + 16, 8);
            long w3 = hex(b, p + 24, 8);
            if ((w0 | w1 | w2 | w3) < 0) {
                return false;
            }
            lHi = word(w0) << 32 | word(w1);
            lLo = word(w2) << 32 | word(w3);
        }
        p += words * 8 + 1;
        long lPort = hex(b, p, 4);
        if (lPort < 0) {
            return false;
        }
        p = skipSpaces(b, p + 4, end);
        // remote address
        if (p + words * 8 + 5 > end || b[p + words * 8] != ':') {
            return false;
        }
        long rHi;
        long rLo;
        if (words == 1) {
            long w = hex(b, p, 8);
            if (w < 0) {
                return false;
            }
            rHi = 0;
            rLo = Addresses.v4Lo(Integer.reverseBytes((int) w));
        } else {
            long w0 = hex(b, p, 8);
            long w1 = hex(b, p + 8, 8);
            long w2 = hex(b, p + 16, 8);
            long w3 = hex(b, p + 24, 8);
            if ((w0 | w1 | w2 | w3) < 0) {
                return false;
            }
            rHi = word(w0) << 32 | word(w1);
            rLo = word(w2) << 32 | word(w3);
        }
        p += words * 8 + 1;
        long rPort = hex(b, p, 4);
        if (rPort < 0) {
            return false;
        }
        p = skipSpaces(b, p + 4, end);
        // st: 2 hex digits
        if (p + 2 > end) {
            return false;
        }
        long st = hex(b, p, 2);
        if (st <= 0 || st >= TcpState.CODES) {
            return false;
        }
        p += 2;
        // tx_queue:rx_queue, tr:tm->when, retrnsmt
        p = skipField(b, p, end);
        p = skipField(b, p, end);
        p = skipField(b, p, end);
        // uid
        p = skipSpaces(b, p, end);
        long uid = 0;
        int start = p;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            uid = uid * 10 + (b[p++] - '0');
        }
        if (p == start) {
            return false;
        }
        // timeout (may be negative), then inode
        p = skipField(b, p, end);
        p = skipSpaces(b, p, end);
        long inode = 0;
        start = p;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            inode = inode * 10 + (b[p++] - '0');
        }
        if (p == start) {
            return false;
        }
        table.add(family, (int) st, lHi, lLo, (int) lPort, rHi, rLo, (int) rPort, (int) uid, inode);
        return true;
    }

    /** A printed 32-bit word in network order. */
    private static long word(long printed) {
        return Integer.reverseBytes((int) printed) & 0xFFFF_FFFFL;
    }

    private static int skipSpaces(byte[] b, int p, int end) {
        while (p < end && b[p] == ' ') {
            p++;
        }
        return p;
    }

    /** Skips leading spaces and one non-space field. */
    private static int skipField(byte[] b, int p, int end) {
        p = skipSpaces(b, p, end);
        while (p < end && b[p] != ' ') {
            p++;
        }
        return p;
    }

    /** {@code n} hex digits at {@code p} as a non-negative value, or -1 if one is not a hex digit. */
    private static long hex(byte[] b, int p, int n) {
        long v = 0;
        for (int i = p; i < p + n; i++) {
            int c = b[i];
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
