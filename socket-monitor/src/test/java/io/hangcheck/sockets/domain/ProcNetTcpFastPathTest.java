package io.hangcheck.sockets.domain;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The parser's fixed-column fast path: its eight-bytes-at-a-time decoding, that it reads every line the kernel
 * prints, and that on any other line it either reads what the general path reads or leaves the line to it — so a
 * malformed line is read or counted as rejected exactly as the general path decides, never skipped, never a crash.
 */
class ProcNetTcpFastPathTest {

    private static final String HEADER4 =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
    private static final String HEADER6 = "  sl  local_address                         remote_address"
            + "                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    /** Lines as get_tcp4_sock / get_timewait4_sock print them (tcp padded to 149), and a few odd but valid ones. */
    private static final List<String> LINES4 = List.of(
            pad("   0: 0100007F:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000  1000        0 51234 1 "
                    + "ffff888123456780 20 4 30 10 -1"),
            pad("   1: 0100007F:1F90 0500000A:C350 06 00000000:00000000 03:00001234 00000000     0        0 0 3 "
                    + "0000000000000000"),
            pad("12345: 00000000:0016 00000000:0000 0A 00000000:00000080 00:00000000 00000000     0        0 987654321 1"
                    + " ffff888123456780 100 0 0 10 0"),
            "   3: 0100007F:1F90 0100007F:A2C4 08 00000000:00000000 01:0000001E 00000003 4294967294       -1 "
                    + "18446744073709551 1 ffff888123456780 20 4 30 10 -1");
    private static final List<String> LINES6 = List.of(
            "   0: 00000000000000000000000001000000:1F90 0000000000000000FFFF00000100007F:A2C4 01 00000000:00000000 "
                    + "00:00000000 00000000   106        0 2002 1 ffff888123456780 20 4 30 10 -1",
            "   1: B80D0120000000000000000001000000:01BB B80D01200100000000000000CDAB0000:EE48 06 00000000:00000000 "
                    + "03:00000BB8 00000000     0        0 0 3 0000000000000000",
            "99999: 000080FE000000000200010004000300:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 "
                    + "00:00000000 00000000     0        0 4572 1 0000000067fdc4ef 100 0 0 10 0");

    private static String pad(String line) {
        return String.format("%-149s", line);
    }

    @Test
    void hexDigitsAreDecodedEightAtATimeIntoNetworkOrder() {
        assertThat(ProcNetTcpParser.networkWord(ProcNetTcpParser.nibbles(load("0100007F")))).isEqualTo(0x7F00_0001L);
        assertThat(ProcNetTcpParser.networkWord(ProcNetTcpParser.nibbles(load("FCFDFEFF")))).isEqualTo(0xFFFE_FDFCL);
        assertThat(ProcNetTcpParser.networkWord(ProcNetTcpParser.nibbles(load("00000000")))).isZero();
        assertThat(ProcNetTcpParser.port(ProcNetTcpParser.nibbles(load(":1F90 01")))).isEqualTo(8080);
        assertThat(ProcNetTcpParser.port(ProcNetTcpParser.nibbles(load(":FFFF 0A")))).isEqualTo(65535);
        assertThat(ProcNetTcpParser.hexBytes(load("0123456789ABCDEF".substring(0, 8)))).isEqualTo(0x8080_8080_8080_8080L);
        assertThat(ProcNetTcpParser.hexBytes(load("89ABCDEF"))).isEqualTo(0x8080_8080_8080_8080L);
        // lower case, the bytes around the digit and letter ranges, a space, a newline: not the kernel's %X
        for (char c : new char[]{'a', 'f', 'G', '/', ':', '@', ' ', '\n', '\0'}) {
            assertThat(ProcNetTcpParser.hexBytes(load("0000" + c + "000")))
                    .as("'%s'", c).isEqualTo(0x8080_8000_8080_8080L);
        }
    }

    @Test
    void decimalFieldsAreReadAtTheirPrintedWidths() {
        assertThat(ProcNetTcpParser.decimal8(load("12345678") & 0x0F0F_0F0F_0F0F_0F0FL)).isEqualTo(12_345_678L);
        assertThat(ProcNetTcpParser.decimal8(load("00000001") & 0x0F0F_0F0F_0F0F_0F0FL)).isEqualTo(1L);
        assertThat(ProcNetTcpParser.rightAligned(load(" 1000 xx"), 5)).isEqualTo(1000);
        assertThat(ProcNetTcpParser.rightAligned(load("    0 xx"), 5)).isZero();
        assertThat(ProcNetTcpParser.rightAligned(load("65534 xx"), 5)).isEqualTo(65534);
        assertThat(ProcNetTcpParser.rightAligned(load("     xxx"), 5)).as("no digit").isEqualTo(-1);
        assertThat(ProcNetTcpParser.rightAligned(load(" 10 0 xx"), 5)).as("a space after a digit").isEqualTo(-1);
        assertThat(ProcNetTcpParser.rightAligned(load("  1x0 xx"), 5)).isEqualTo(-1);
        assertThat(ProcNetTcpParser.rightAligned(load("  -10 xx"), 5)).as("uid is unsigned").isEqualTo(-1);
        assertThat(ProcNetTcpParser.timeout8(load("       0"))).isTrue();
        assertThat(ProcNetTcpParser.timeout8(load("      -1"))).isTrue();
        assertThat(ProcNetTcpParser.timeout8(load("-1234567"))).isTrue();
        assertThat(ProcNetTcpParser.timeout8(load("        "))).isFalse();
        assertThat(ProcNetTcpParser.timeout8(load("      1-"))).isFalse();
        assertThat(ProcNetTcpParser.timeout8(load("       -"))).isFalse();
        assertThat(ProcNetTcpParser.timeout8(load("  12 345"))).isFalse();
        assertThat(ProcNetTcpParser.spaceBytes(load(" !\u001f @  a"))).isEqualTo(0x0080_8000_8000_0080L);
    }

    @Test
    void theFastPathReadsEveryLineTheKernelPrintsAsTheGeneralPathDoes(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        ProcFixture f = new ProcFixture(dir);
        java.util.Random rnd = new java.util.Random(7);
        TcpState[] states = TcpState.values();
        for (int i = 0; i < 3000; i++) {
            int kind = rnd.nextInt(3);
            String a = kind == 0 ? "10.1." + rnd.nextInt(256) + "." + rnd.nextInt(256)
                    : kind == 1 ? "::ffff:192.168.0." + rnd.nextInt(256) : "2001:db8::" + Integer.toHexString(rnd.nextInt(65536));
            f.add(a, rnd.nextInt(65536), a, rnd.nextInt(65536), states[rnd.nextInt(states.length)],
                    rnd.nextBoolean() ? 0 : rnd.nextLong() >>> (1 + rnd.nextInt(63)));
        }
        f.write();
        List<byte[]> files = new ArrayList<>();
        files.add(Files.readAllBytes(dir.resolve("net/tcp")));
        files.add(Files.readAllBytes(dir.resolve("net/tcp6")));
        files.add(text(HEADER4, LINES4.subList(0, 3)));
        files.add(text(HEADER6, LINES6));
        for (int k = 0; k < files.size(); k++) {
            byte[] b = files.get(k);
            int family = k % 2 == 0 ? 4 : 6;
            int body = indexOf(b, '\n') + 1;
            SocketTable fast = new SocketTable();
            SocketTable general = new SocketTable();

            int declined = ProcNetTcpParser.parseFastOnly(b, body, b.length, fast, family);
            ProcNetTcpParser.parseGeneral(b, 0, b.length, general, family);

            assertThat(declined).as("file %d", k).isZero();
            assertThat(general.rejected()).isZero();
            assertSame(fast, general);
        }
    }

    @Test
    void uidsThatChangeFromLineToLineAreEachReadAgain() {
        List<String> lines = new ArrayList<>();
        int[] uids = {0, 1000, 1000, 106, 0, 65534, 99999, 1, 1000};
        for (int i = 0; i < uids.length; i++) {
            lines.add(pad(String.format("%4d: 0100007F:1F90 0100007F:%04X 01 00000000:00000000 00:00000000 00000000 %5d"
                    + "        0 %d 1 ffff888123456780 20 4 30 10 -1", i, 40000 + i, uids[i], 7000 + i)));
        }
        byte[] b = text(HEADER4, lines);
        SocketTable fast = new SocketTable();

        int declined = ProcNetTcpParser.parseFastOnly(b, indexOf(b, '\n') + 1, b.length, fast, 4);

        assertThat(declined).isZero();
        for (int i = 0; i < uids.length; i++) {
            assertThat(fast.uid(i)).as("line %d", i).isEqualTo(uids[i]);
            assertThat(fast.inode(i)).isEqualTo(7000 + i);
        }
    }

    @Test
    void aLineOutsideTheKernelLayoutIsLeftToTheGeneralPath() {
        // a uid wider than %5u and an inode of 17 digits: read by scanning; lower-case hex: by the general path
        byte[] b = text(HEADER4, List.of(LINES4.get(3), LINES4.get(0).replace("0100007F:1F90", "0100007f:1f90")));
        SocketTable fast = new SocketTable();

        int declined = ProcNetTcpParser.parseFastOnly(b, indexOf(b, '\n') + 1, b.length, fast, 4);
        SocketTable all = new SocketTable();
        ProcNetTcpParser.parse(b, 0, b.length, all, 4);

        assertThat(declined).isEqualTo(1);
        assertThat(Integer.toUnsignedLong(fast.uid(0))).isEqualTo(4294967294L);
        assertThat(fast.inode(0)).isEqualTo(18446744073709551L);
        assertThat(all.size()).isEqualTo(2);
        assertThat(all.rejected()).isZero();
        assertThat(all.socket(1)).isEqualTo(new SocketTable.TcpSocket(4, TcpState.ESTABLISHED, "127.0.0.1", 8080,
                "127.0.0.1", 0xA2C4, 1000, 51234));
    }

    /**
     * Every byte of every kind of line replaced by each of a set of troublesome bytes, deleted, or the line cut
     * there: the parser never throws, reads exactly what the general path reads (so a broken line is counted as
     * rejected, or read as the general path reads it), and the well-formed line after it is always read.
     */
    @Test
    void everyOneByteDamageToALineIsReadOrRejectedAsTheGeneralPathDecidesAndTheNextLineIsKept() {
        byte[] damage = {'G', 'a', '\n', ' ', ':', '-', '0', '9', 'F', '\r', '\t', 0, (byte) 0x80, (byte) 0xFF};
        int cases = 0;
        for (int family : new int[]{4, 6}) {
            List<String> lines = family == 4 ? LINES4 : LINES6;
            String header = family == 4 ? HEADER4 : HEADER6;
            String good = lines.get(0);
            for (String line : lines) {
                byte[] l = line.getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < l.length; i++) {
                    for (byte d : damage) {
                        byte[] m = l.clone();
                        m[i] = d;
                        check(header, m, good, family);
                        cases++;
                    }
                    byte[] deleted = new byte[l.length - 1];
                    System.arraycopy(l, 0, deleted, 0, i);
                    System.arraycopy(l, i + 1, deleted, i, l.length - i - 1);
                    check(header, deleted, good, family);
                    check(header, java.util.Arrays.copyOf(l, i), good, family);
                    cases += 2;
                }
            }
        }
        assertThat(cases).isGreaterThan(10_000);
    }

    private static void check(String header, byte[] line, String good, int family) {
        byte[] h = (header + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] g = ("\n" + good + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[h.length + line.length + g.length];
        System.arraycopy(h, 0, b, 0, h.length);
        System.arraycopy(line, 0, b, h.length, line.length);
        System.arraycopy(g, 0, b, h.length + line.length, g.length);
        SocketTable parsed = new SocketTable();
        SocketTable general = new SocketTable();
        String what = new String(line, StandardCharsets.ISO_8859_1);

        assertThatCode(() -> ProcNetTcpParser.parse(b, 0, b.length, parsed, family)).as(what).doesNotThrowAnyException();
        ProcNetTcpParser.parseGeneral(b, 0, b.length, general, family);

        assertThat(parsed.rejected()).as(what).isEqualTo(general.rejected());
        assertSame(parsed, general);
        assertThat(parsed.size()).as(what).isPositive();
        assertThat(parsed.socket(parsed.size() - 1).inode()).as(what).isEqualTo(family == 4 ? 51234 : 2002);
    }

    private static void assertSame(SocketTable a, SocketTable b) {
        assertThat(a.size()).isEqualTo(b.size());
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.socket(i)).as("row %d", i).isEqualTo(b.socket(i));
            assertThat(a.localHi(i)).isEqualTo(b.localHi(i));
            assertThat(a.localLo(i)).isEqualTo(b.localLo(i));
            assertThat(a.remoteHi(i)).isEqualTo(b.remoteHi(i));
            assertThat(a.remoteLo(i)).isEqualTo(b.remoteLo(i));
        }
    }

    private static byte[] text(String header, List<String> lines) {
        return (header + "\n" + String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] b, char c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Eight characters as the parser loads them: the first in the lowest byte. */
    private static long load(String eight) {
        return ByteBuffer.wrap(eight.getBytes(StandardCharsets.ISO_8859_1)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
