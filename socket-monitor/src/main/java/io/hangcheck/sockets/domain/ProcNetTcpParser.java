package io.hangcheck.sockets.domain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;

/**
 * Reads {@code /proc/net/tcp} and {@code /proc/net/tcp6} straight from bytes: no regex, no split, no String
 * per line. One parser is meant to be reused scan after scan (it keeps its read buffers); it is not thread-safe.
 * On a machine with more than one core it reads {@code tcp} and {@code tcp6} at the same time, one per thread.
 *
 * <p>The line format is the kernel's ({@code net/ipv4/tcp_ipv4.c get_tcp4_sock}, {@code net/ipv6/tcp_ipv6.c}):
 * <pre>
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm-&gt;when retrnsmt   uid  timeout inode ...
 *    0: 0100007F:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000  1000        0 51234 1 ...
 * </pre>
 * {@code sl} is {@code %4d}, so it grows wider past 9,999 sockets; {@code tcp} lines are padded with trailing
 * spaces to 149 characters, {@code tcp6} lines are not. A fast path reads the fields after {@code sl} at the fixed
 * columns the kernel's widths put them in, eight bytes at a time, and checks every byte it relies on; a line that
 * does not have that layout exactly goes to the general path, which reads fields by position
 * (whitespace-separated) and depends on no width. Addresses are the kernel's in-memory {@code __be32} words
 * printed with {@code %08X}: on a little-endian machine (x86-64, arm64 — every target of this monitor) each
 * 32-bit word appears byte-reversed; IPv6 is four such words.
 *
 * <p>A line the parser cannot read (a wrong field, an unknown state code) is counted in
 * {@link SocketTable#rejected()}, never silently dropped and never fatal to the scan.
 *
 * <p>Cost: nothing is allocated per line or per socket (the rows go into the {@link SocketTable}'s primitive
 * columns); the files are read in chunks of up to 128 KiB into a buffer kept from scan to scan.
 */
public final class ProcNetTcpParser {
    private byte[] buf = new byte[128 * 1024];
    private int len;
    /** The parser and rows of {@code tcp6} when it is read on a second thread; null when sequential. */
    private final ProcNetTcpParser tcp6;
    private final SocketTable tcp6Rows;

    /** A parser that reads {@code tcp6} on a second thread when this machine has more than one core. */
    public ProcNetTcpParser() {
        this(Runtime.getRuntime().availableProcessors() > 1);
    }

    /**
     * @param parallel read and parse {@code tcp6} on a pool thread while this thread reads {@code tcp} (each file
     *                 has its own buffer and rows; the rows are appended in file order, so the table is the same
     *                 either way)
     */
    public ProcNetTcpParser(boolean parallel) {
        this.tcp6 = parallel ? new ProcNetTcpParser(false) : null;
        this.tcp6Rows = parallel ? new SocketTable(1024) : null;
    }

    /**
     * Reads {@code <procRoot>/net/tcp} and {@code <procRoot>/net/tcp6} into {@code table} (cleared first).
     * A missing {@code tcp6} (IPv6 disabled) is not an error; a missing {@code tcp} is.
     *
     * <p>When parallel, {@code tcp6} is handed to the common fork-join pool and {@code tcp} read here; if no pool
     * thread has started the {@code tcp6} task by the time {@code tcp} is done, this thread runs it itself
     * ({@link FutureTask#run} runs a task once, whoever comes first), so a busy or single-threaded pool costs
     * nothing but the hand-off. The scan returns only when both files are read, whatever fails.
     */
    public SocketTable scan(Path procRoot, SocketTable table) throws IOException {
        table.clear();
        if (tcp6 == null) {
            readInto(procRoot.resolve("net/tcp"), table, 4);
            readTcp6(procRoot, table);
            return table;
        }
        tcp6Rows.clear();
        FutureTask<Void> second = new FutureTask<>(() -> {
            tcp6.readTcp6(procRoot, tcp6Rows);
            return null;
        });
        ForkJoinPool.commonPool().execute(second);
        Throwable tcp6Failure;
        try {
            readInto(procRoot.resolve("net/tcp"), table, 4);
        } finally {
            second.run(); // no-op when a pool thread has taken it
            tcp6Failure = awaitUninterruptibly(second);
        }
        if (tcp6Failure instanceof IOException e) {
            throw e;
        }
        if (tcp6Failure != null) {
            throw new IllegalStateException("reading tcp6 failed", tcp6Failure);
        }
        table.append(tcp6Rows);
        return table;
    }

    private void readTcp6(Path procRoot, SocketTable table) throws IOException {
        try {
            readInto(procRoot.resolve("net/tcp6"), table, 6);
        } catch (NoSuchFileException e) {
            // IPv6 disabled on this machine: an empty tcp6 table.
        }
    }

    /**
     * Waits for the task even when interrupted (its buffer and rows are reused by the next scan, so it must not
     * outlive this one); the interrupt is kept for the caller. Returns the task's failure or null.
     */
    private static Throwable awaitUninterruptibly(FutureTask<Void> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    task.get();
                    return null;
                } catch (ExecutionException e) {
                    return e.getCause();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
        long[] ids = newScratch();
        int p = from;
        while (p < to) {
            p = family == 6 ? fastLines6(b, p, to, table, ids) : fastLines4(b, p, to, table, ids);
            if (p >= to) {
                break;
            }
            p = generalLine(b, p, to, table, family);
        }
    }

    /**
     * The fast path's scratch, one per chunk (nothing per line): [0] uid and [1] inode of the line being read,
     * [2] the last uid field's five bytes and [3] its value, [4] the last {@code tcp} local address's eight bytes
     * and [5] its value — most lines repeat the line before's uid and local address, which are then not decoded
     * again. The remembered bytes start as a valid pair ("00000000" is 0.0.0.0); -1 is no five-byte uid field.
     */
    private static long[] newScratch() {
        return new long[]{0, 0, -1, 0, 0x3030_3030_3030_3030L, Addresses.v4Lo(0)};
    }

    /*
     * The fast path. The kernel prints every field from the local address to the uid at a fixed width
     * (tcp4_seq_show / get_tcp4_sock and get_timewait4_sock in net/ipv4/tcp_ipv4.c, tcp6_seq_show / get_tcp6_sock
     * in net/ipv6/tcp_ipv6.c):
     *
     *   "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu ..."   (tcp6: 4 x %08X per address)
     *
     * so after sl (whose width grows past 9,999 sockets) each field sits at a fixed offset q + k from the local
     * address. The fast path reads the addresses, ports, state and separators with eight-byte loads and decodes
     * them eight bytes at a time (SWAR: no table lookup, no branch per byte), checks that the queue and timer
     * fields are printable with their separators in place, and reads uid, timeout and inode where %5u and %8d put them when they fit those widths.
     * A tcp line's end is taken at column 149 (its padding) once the bytes before it are checked to hold no line
     * end. Anything not where the layout puts it (lower-case hex, a wider uid, a cut line, garbage) stops the fast
     * path at that line and the general path reads it field by field, or rejects it: the two agree on every line
     * the fast path takes (ProcNetTcpFastPathTest damages lines byte by byte and compares them).
     */

    /**
     * Reads {@code tcp} lines from {@code p} while they have the kernel's layout; returns the start of the first
     * line left to the general path, or {@code to} (or past it) when every line was read.
     */
    private static int fastLines4(byte[] b, int p, int to, SocketTable table, long[] ids) {
        while (p < to) {
            int q = afterSl(b, p, to);
            if (q < 0 || q + 70 > to) {
                return p;
            }
            long x0 = (long) LONGS.get(b, q); // local address
            long x1 = (long) LONGS.get(b, q + 8); // ':' local port ' ' and 2 bytes of the remote address
            long x2 = (long) LONGS.get(b, q + 14); // remote address
            long x3 = (long) LONGS.get(b, q + 22); // ':' remote port ' ' state
            long local;
            if (x0 == ids[4]) { // the local address of the line before: already checked and decoded
                local = ids[5];
            } else {
                if (((x0 & HIGH_BITS) | hexBytes(x0) ^ HIGH_BITS) != 0) {
                    return p;
                }
                local = Addresses.v4Lo((int) networkWord(nibbles(x0)));
                ids[4] = x0;
                ids[5] = local;
            }
            long v3 = nibbles(x3);
            int st = state(v3);
            int end = st < 0 ? -1 : afterChecks(b, q, x2 & HIGH_BITS | hexBytes(x2) ^ HIGH_BITS, x1, x3, 30, to, ids);
            if (end < 0) {
                return p;
            }
            table.add(4, st, 0, local, port(nibbles(x1)),
                    0, Addresses.v4Lo((int) networkWord(nibbles(x2))), port(v3), (int) ids[0], ids[1]);
            int padded = p + 149;
            if (padded < to && b[padded] == '\n' && printable64(b, padded - 64)) {
                p = padded + 1;
                continue;
            }
            p = lineEnd(b, end, to);
        }
        return p;
    }

    /** {@link #fastLines4} for {@code tcp6} lines (four words per address, no padding). */
    private static int fastLines6(byte[] b, int p, int to, SocketTable table, long[] ids) {
        while (p < to) {
            int q = afterSl(b, p, to);
            if (q < 0 || q + 118 > to) {
                return p;
            }
            long l0 = (long) LONGS.get(b, q); // local address, four words
            long l1 = (long) LONGS.get(b, q + 8);
            long l2 = (long) LONGS.get(b, q + 16);
            long l3 = (long) LONGS.get(b, q + 24);
            long x1 = (long) LONGS.get(b, q + 32); // ':' local port ' ' and 2 bytes of the remote address
            long r0 = (long) LONGS.get(b, q + 38); // remote address
            long r1 = (long) LONGS.get(b, q + 46);
            long r2 = (long) LONGS.get(b, q + 54);
            long r3 = (long) LONGS.get(b, q + 62);
            long x3 = (long) LONGS.get(b, q + 70); // ':' remote port ' ' state
            long addresses = (l0 | l1 | l2 | l3 | r0 | r1 | r2 | r3) & HIGH_BITS
                    | (hexBytes(l0) & hexBytes(l1) & hexBytes(l2) & hexBytes(l3)
                    & hexBytes(r0) & hexBytes(r1) & hexBytes(r2) & hexBytes(r3)) ^ HIGH_BITS;
            long v3 = nibbles(x3);
            int st = state(v3);
            int end = st < 0 ? -1 : afterChecks(b, q, addresses, x1, x3, 78, to, ids);
            if (end < 0) {
                return p;
            }
            table.add(6, st,
                    networkWord(nibbles(l0)) << 32 | networkWord(nibbles(l1)),
                    networkWord(nibbles(l2)) << 32 | networkWord(nibbles(l3)), port(nibbles(x1)),
                    networkWord(nibbles(r0)) << 32 | networkWord(nibbles(r1)),
                    networkWord(nibbles(r2)) << 32 | networkWord(nibbles(r3)), port(v3), (int) ids[0], ids[1]);
            p = lineEnd(b, end, to);
        }
        return p;
    }

    /**
     * The checks both layouts share, after the addresses: the state code in the nibbles {@code v3} of the word
     * {@code ':' remote port ' ' state}, or -1 when it is no state the monitor knows.
     */
    private static int state(long v3) {
        int st = (int) (v3 >>> 44 & 0xF0 | v3 >>> 56 & 0xF);
        return st == 0 || st >= TcpState.CODES ? -1 : st;
    }

    /**
     * The checks of a fast line both layouts share, then its ids: {@code addressesBad} is non-zero when the
     * addresses' words failed their checks, {@code x1} is the word {@code ':' local port ' '} (and two bytes of the
     * remote address), {@code x3} the word {@code ':' remote port ' ' state}, {@code queuesAt} the column of the
     * queues after {@code q}. Checks the ports, the separators, the queues and the timers, then reads the uid and
     * inode into {@code ids}; returns the end of the inode, or -1 when the line does not have the kernel's layout.
     */
    private static int afterChecks(byte[] b, int q, long addressesBad, long x1, long x3, int queuesAt, int to,
                                   long[] ids) {
        long bad = addressesBad
                | (x1 | x3) & HIGH_BITS
                | hexBytes(x1) & PORT_HEX ^ PORT_HEX
                | hexBytes(x3) & PORT_STATE_HEX ^ PORT_STATE_HEX
                | x1 & SEPARATOR_MASK ^ SEPARATORS
                | x3 & SEPARATOR_MASK ^ SEPARATORS
                | queueAndTimers(b, q + queuesAt);
        return bad != 0 ? -1 : ids(b, q + queuesAt + 40, to, ids);
    }

    /** Past {@code "%4d: "} (spaces, at least one digit, colon, space): the local address, or -1. */
    private static int afterSl(byte[] b, int p, int to) {
        while (p < to && b[p] == ' ') {
            p++;
        }
        int digits = p;
        while (p < to && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        if (p == digits || p + 1 >= to || b[p] != ':' || b[p + 1] != ' ') {
            return -1;
        }
        return p + 2;
    }

    /**
     * Non-zero unless the 40 bytes from {@code s} are {@code " %08X:%08X %02X:%08lX %08X "}: the queue, timer and
     * retransmit fields between the state and the uid, each digit a hex digit and each separator in its place (so
     * that a line cut short, or with a field wider than the kernel's width, is never read by column). The fields'
     * values are not used.
     */
    private static long queueAndTimers(byte[] b, int s) {
        long y0 = (long) LONGS.get(b, s); // ' ' tx_queue[0..6]
        long y1 = (long) LONGS.get(b, s + 8); // tx_queue[7] ':' rx_queue[0..5]
        long y2 = (long) LONGS.get(b, s + 16); // rx_queue[6..7] ' ' tr ':' tm->when[0..1]
        long y3 = (long) LONGS.get(b, s + 24); // tm->when[2..7] ' ' retrnsmt[0]
        long y4 = (long) LONGS.get(b, s + 32); // retrnsmt[1..7] ' '
        return (y0 | y1 | y2 | y3 | y4) & HIGH_BITS
                | (y0 + PRINTABLE) & 0x8080_8080_8080_8000L ^ 0x8080_8080_8080_8000L
                | (y1 + PRINTABLE) & 0x8080_8080_8080_0080L ^ 0x8080_8080_8080_0080L
                | (y2 + PRINTABLE) & 0x8080_0080_8000_8080L ^ 0x8080_0080_8000_8080L
                | (y3 + PRINTABLE) & 0x8000_8080_8080_8080L ^ 0x8000_8080_8080_8080L
                | (y4 + PRINTABLE) & 0x0080_8080_8080_8080L ^ 0x0080_8080_8080_8080L
                | y0 & 0xFFL ^ 0x20L
                | y1 & 0xFF00L ^ 0x3A00L
                | y2 & 0x0000_FF00_00FF_0000L ^ 0x0000_3A00_0020_0000L
                | y3 & 0x00FF_0000_0000_0000L ^ 0x0020_0000_0000_0000L
                | y4 & 0xFF00_0000_0000_0000L ^ 0x2000_0000_0000_0000L;
    }

    /**
     * Reads {@code "%5u %8d %lu"} (uid, timeout, inode) from {@code u} into {@code out[0]} and {@code out[1]};
     * returns the position after the inode, or -1. The usual widths are read with three eight-byte loads; a uid
     * wider than 5 digits or a timeout wider than 8 is scanned for. {@code out[2]} and {@code out[3]} remember the
     * last uid field read and its value (most sockets belong to a few users): a line with the same five bytes
     * reuses the value.
     */
    private static int ids(byte[] b, int u, int to, long[] out) {
        if (u + 23 <= to) {
            long x = (long) LONGS.get(b, u); // uid (5 bytes), ' ', 2 bytes of timeout
            long y = (long) LONGS.get(b, u + 6); // timeout
            long z = (long) LONGS.get(b, u + 15); // the inode's first 8 bytes
            if (((x | y | z) & HIGH_BITS) == 0 && (x >>> 40 & 0xFF) == ' ' && b[u + 14] == ' ') {
                long uidBytes = x & 0xFF_FFFF_FFFFL;
                long uid = uidBytes == out[2] ? out[3] : rightAligned(x, 5); // most lines repeat the last uid
                if (uid >= 0 && (y == TIMEOUT_ZERO || timeout8(y))) {
                    out[2] = uidBytes;
                    out[3] = uid;
                    long notDigit = ~digitBytes(z) & HIGH_BITS;
                    if (notDigit != 0) {
                        int n = Long.numberOfTrailingZeros(notDigit) >>> 3;
                        if (n == 0) {
                            return -1;
                        }
                        out[0] = uid;
                        out[1] = decimal8((z & NIBBLES) << (64 - 8 * n));
                        return u + 15 + n;
                    }
                    // an inode of 8 digits or more: the rest byte by byte
                    long inode = decimal8(z & NIBBLES);
                    int p = u + 23;
                    while (p < to && b[p] >= '0' && b[p] <= '9') {
                        inode = inode * 10 + (b[p++] - '0');
                    }
                    if (p - u - 15 > 19) {
                        return -1;
                    }
                    out[0] = uid;
                    out[1] = inode;
                    return p;
                }
            }
        }
        return idsScanned(b, u, to, out);
    }

    /** {@link #ids} for any widths: fields found by the spaces between them. */
    private static int idsScanned(byte[] b, int p, int to, long[] out) {
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
        out[0] = uid;
        out[1] = inode;
        return p;
    }

    /**
     * Whether the 64 bytes from {@code w} are all printable ASCII (0x20-0x7F): no line end among them. Eight loads
     * and no branch per byte or per load.
     */
    private static boolean printable64(byte[] b, int w) {
        long x0 = (long) LONGS.get(b, w);
        long x1 = (long) LONGS.get(b, w + 8);
        long x2 = (long) LONGS.get(b, w + 16);
        long x3 = (long) LONGS.get(b, w + 24);
        long x4 = (long) LONGS.get(b, w + 32);
        long x5 = (long) LONGS.get(b, w + 40);
        long x6 = (long) LONGS.get(b, w + 48);
        long x7 = (long) LONGS.get(b, w + 56);
        long atLeastSpace = (x0 + ABOVE_CONTROL) & (x1 + ABOVE_CONTROL) & (x2 + ABOVE_CONTROL) & (x3 + ABOVE_CONTROL)
                & (x4 + ABOVE_CONTROL) & (x5 + ABOVE_CONTROL) & (x6 + ABOVE_CONTROL) & (x7 + ABOVE_CONTROL);
        return ((x0 | x1 | x2 | x3 | x4 | x5 | x6 | x7) & HIGH_BITS) == 0 && (atLeastSpace & HIGH_BITS) == HIGH_BITS;
    }

    /** The start of the line after the one whose fields end at {@code p}: the next newline, 8 bytes at a time. */
    private static int lineEnd(byte[] b, int p, int to) {
        while (p + 8 <= to) {
            long nl = newlineBytes((long) LONGS.get(b, p));
            if (nl != 0) {
                return p + (Long.numberOfTrailingZeros(nl) >>> 3) + 1;
            }
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
    private static final long SEVEN_BITS = 0x7F7F_7F7F_7F7F_7F7FL;
    private static final long NIBBLES = 0x0F0F_0F0F_0F0F_0F0FL;
    private static final long SPACES = 0x2020_2020_2020_2020L;
    /** Added to a byte below 0x80, sets its bit 7 when the byte is above a space: no space, newline or control. */
    private static final long PRINTABLE = 0x5F5F_5F5F_5F5F_5F5FL;
    /** Added to a byte below 0x80, sets its bit 7 when the byte is a space or above: no newline or control. */
    private static final long ABOVE_CONTROL = 0x6060_6060_6060_6060L;
    /** {@code "       0"}: the timeout column as it nearly always reads. */
    private static final long TIMEOUT_ZERO = 0x3020_2020_2020_2020L;
    /** In {@code ":PPPP ??"} (a colon, a port, a space): the bytes of the port. */
    private static final long PORT_HEX = 0x0000_0080_8080_8000L;
    /** In {@code ":PPPP SS"} (a colon, a port, a space, the state): the bytes of the port and of the state. */
    private static final long PORT_STATE_HEX = 0x8080_0080_8080_8000L;
    /** The colon (byte 0) and the space (byte 5) around a port. */
    private static final long SEPARATOR_MASK = 0x0000_FF00_0000_00FFL;
    private static final long SEPARATORS = 0x0000_2000_0000_003AL;

    /*
     * Eight bytes at a time ("SWAR"): a long holds eight characters, the first in its lowest byte (little-endian
     * loads), and each test below sets bit 7 of the bytes that pass. The tests that add a constant to every byte
     * are exact only when no byte is 0x80 or more (no carry crosses a byte): callers reject such input first.
     */

    /** Non-zero when one of the 8 bytes is a newline (the lowest set bit marks the first one exactly). */
    private static long newlineBytes(long x) {
        long y = x ^ NEWLINES;
        return (y - LOW_BITS) & ~y & HIGH_BITS;
    }

    /** Bit 7 set in each byte that is 0-9 or A-F (the kernel's {@code %X}). */
    static long hexBytes(long x) {
        return ((x + 0x5050_5050_5050_5050L) & ~(x + 0x4646_4646_4646_4646L)
                | (x + 0x3F3F_3F3F_3F3F_3F3FL) & ~(x + 0x3939_3939_3939_3939L)) & HIGH_BITS;
    }

    /** Bit 7 set in each byte that is 0-9. */
    static long digitBytes(long x) {
        return (x + 0x5050_5050_5050_5050L) & ~(x + 0x4646_4646_4646_4646L) & HIGH_BITS;
    }

    /** Bit 7 set in each byte that is a space, exactly (any byte values). */
    static long spaceBytes(long x) {
        long y = x ^ SPACES;
        return ~((y & SEVEN_BITS) + SEVEN_BITS | y | SEVEN_BITS);
    }

    /** Each hex digit's value (0-15) in place of the digit; meaningful for the bytes {@link #hexBytes} passes. */
    static long nibbles(long x) {
        return (x & NIBBLES) + 9 * ((x >>> 6) & LOW_BITS);
    }

    /**
     * The 32-bit word that eight hex digits (as {@link #nibbles}) print with {@code %08X}, byte-swapped: the
     * kernel prints a {@code __be32} as a host integer, so on a little-endian machine the printed pairs are the
     * address bytes in reverse; this returns the word in network order ({@code 0100007F} gives 127.0.0.1).
     */
    static long networkWord(long v) {
        v = (v << 4 | v >>> 8) & 0x00FF_00FF_00FF_00FFL; // byte 2j of the word: the j-th printed pair
        v = (v | v >>> 8) & 0x0000_FFFF_0000_FFFFL;
        return (v | v >>> 16) & 0xFFFF_FFFFL;
    }

    /** The port of {@code ":PPPP"} given as {@link #nibbles} (bytes 1-4, the first the most significant). */
    static int port(long v) {
        long w = v >>> 8;
        w = (w << 4 | w >>> 8) & 0x00FF_00FFL;
        return (int) ((w & 0xFF) << 8 | w >>> 16 & 0xFF);
    }

    /** The value of eight decimal digits, one per byte (value in the low nibble), the first the most significant. */
    static long decimal8(long d) {
        d = (d * 10 + (d >>> 8)) & 0x00FF_00FF_00FF_00FFL;
        d = (d * 100 + (d >>> 16)) & 0x0000_FFFF_0000_FFFFL;
        return (d * 10000 + (d >>> 32)) & 0xFFFF_FFFFL;
    }

    /** Bit 7 of bytes 0 .. k-1 (0 &lt;= k &lt; 8): the bytes of a k-byte field. */
    private static long field(int k) {
        return HIGH_BITS & ((1L << (8 * k)) - 1);
    }

    /**
     * A right-aligned decimal field of {@code width} bytes (1-7) at the start of {@code x}, as {@code %5u} prints
     * it: spaces, then digits to the end of the field, at least one. Its value, or -1 when the bytes are not that.
     */
    static long rightAligned(long x, int width) {
        long f = field(width);
        long sp = spaceBytes(x) & f;
        int spaces = Long.bitCount(sp);
        if (spaces == width || sp != field(spaces) || (sp | digitBytes(x) & f) != f) {
            return -1;
        }
        return decimal8((x & NIBBLES) << (64 - 8 * width));
    }

    /** Whether 8 bytes are a {@code %8d}: spaces, an optional minus sign, digits to the end, at least one. */
    static boolean timeout8(long y) {
        long sp = spaceBytes(y);
        int spaces = Long.bitCount(sp);
        if (spaces == 8 || sp != field(spaces)) {
            return false;
        }
        long rest = HIGH_BITS & ~sp & ~digitBytes(y);
        return rest == 0 || spaces < 7 && rest == 0x80L << (8 * spaces) && (y >>> (8 * spaces) & 0xFF) == '-';
    }

    private static boolean blank(byte[] b, int p, int end) {
        for (int i = p; i < end; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * The fast path alone over whole lines (no header): the lines it reads go into {@code table}; returns how many
     * it left to the general path (tests check that it reads every line the kernel prints).
     */
    static int parseFastOnly(byte[] b, int from, int to, SocketTable table, int family) {
        long[] ids = newScratch();
        int declined = 0;
        int p = from;
        while (p < to) {
            p = family == 6 ? fastLines6(b, p, to, table, ids) : fastLines4(b, p, to, table, ids);
            if (p < to) {
                declined++;
                while (p < to && b[p] != '\n') {
                    p++;
                }
                p++;
            }
        }
        return declined;
    }

    /** The general path alone, line by line (tests compare it with the fast path). */
    static void parseGeneral(byte[] b, int from, int to, SocketTable table, int family) {
        int p = from;
        while (p < to && b[p] != '\n') {
            p++;
        }
        p++;
        while (p < to) {
            p = generalLine(b, p, to, table, family);
        }
    }

    /**
     * The general path for the line at {@code p}: a socket line goes into {@code table}, a blank one is passed over,
     * any other is counted as rejected. Returns the start of the next line.
     */
    private static int generalLine(byte[] b, int p, int to, SocketTable table, int family) {
        int end = p;
        while (end < to && b[end] != '\n') {
            end++;
        }
        if (!parseLine(b, p, end, table, family) && !blank(b, p, end)) {
            table.reject();
        }
        return end + 1;
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
        // local, then remote address: words x 8 hex digits, ':', 4 hex digits of port
        long[] local = new long[3];
        long[] remote = new long[3];
        p = endpoint(b, p, end, words, local);
        if (p < 0) {
            return false;
        }
        p = endpoint(b, p, end, words, remote);
        if (p < 0) {
            return false;
        }
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
        table.add(family, (int) st, local[0], local[1], (int) local[2], remote[0], remote[1], (int) remote[2], (int) uid, inode);
        return true;
    }

    /**
     * One address and port as the kernel prints it ({@code words} 32-bit words of hex, ':', 4 hex digits) at
     * {@code p}: into {@code out} as {high, low, port}; returns where the next field starts, or -1 when it is not one.
     */
    private static int endpoint(byte[] b, int p, int end, int words, long[] out) {
        if (p + words * 8 + 5 > end || b[p + words * 8] != ':') {
            return -1;
        }
        if (words == 1) {
            long w = hex(b, p, 8);
            if (w < 0) {
                return -1;
            }
            out[0] = 0;
            out[1] = Addresses.v4Lo(Integer.reverseBytes((int) w));
        } else {
            long w0 = hex(b, p, 8);
            long w1 = hex(b, p + 8, 8);
            long w2 = hex(b, p + 16, 8);
            long w3 = hex(b, p + 24, 8);
            if ((w0 | w1 | w2 | w3) < 0) {
                return -1;
            }
            out[0] = word(w0) << 32 | word(w1);
            out[1] = word(w2) << 32 | word(w3);
        }
        p += words * 8 + 1;
        long port = hex(b, p, 4);
        if (port < 0) {
            return -1;
        }
        out[2] = port;
        return skipSpaces(b, p + 4, end);
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
