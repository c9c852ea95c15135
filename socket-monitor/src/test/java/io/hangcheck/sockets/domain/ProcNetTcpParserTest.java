package io.hangcheck.sockets.domain;

import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ProcNetTcpParserTest {

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(ProcNetTcpParserTest.class.getResource("/fixtures/" + name + "/net/tcp").toURI())
                .getParent().getParent();
    }

    @Test
    void everyStateCodeOfIpv4IsReadWithAddressesPortsUidAndInode() throws Exception {
        SocketTable t = new ProcNetTcpParser().scan(fixture("basic"), new SocketTable());

        assertThat(t.size()).isEqualTo(12 + 5);
        assertThat(t.rejected()).isZero();
        Set<TcpState> seen = EnumSet.noneOf(TcpState.class);
        for (int i = 0; i < 12; i++) {
            seen.add(t.state(i));
            assertThat(t.family(i)).isEqualTo(4);
        }
        assertThat(seen).containsExactlyInAnyOrder(TcpState.values());

        assertThat(t.socket(0)).isEqualTo(new SocketTable.TcpSocket(4, TcpState.LISTEN, "0.0.0.0", 8080, "0.0.0.0", 0,
                1000, 1001));
        assertThat(t.socket(1)).isEqualTo(new SocketTable.TcpSocket(4, TcpState.ESTABLISHED, "127.0.0.1", 8080,
                "10.1.2.3", 50000, 1000, 1002));
        assertThat(t.socket(2)).isEqualTo(new SocketTable.TcpSocket(4, TcpState.SYN_SENT, "192.168.7.20", 41000,
                "10.1.2.3", 5432, 1000, 1003));
        // TIME_WAIT lines have another layout (get_timewait4_sock): uid 0, inode 0
        assertThat(t.socket(6)).isEqualTo(new SocketTable.TcpSocket(4, TcpState.TIME_WAIT, "127.0.0.1", 8080,
                "10.1.2.5", 50004, 0, 0));
        assertThat(t.socket(8).remoteAddress()).isEqualTo("255.254.253.252");
        assertThat(t.socket(8).remotePort()).isEqualTo(65535);
        assertThat(t.state(11)).isEqualTo(TcpState.NEW_SYN_RECV);
    }

    @Test
    void ipv6AndV4MappedAddressesAreReadWordByWord() throws Exception {
        SocketTable t = new ProcNetTcpParser().scan(fixture("basic"), new SocketTable());

        assertThat(t.socket(12)).isEqualTo(new SocketTable.TcpSocket(6, TcpState.LISTEN, "::", 5432, "::", 0, 106, 2001));
        assertThat(t.socket(13)).isEqualTo(new SocketTable.TcpSocket(6, TcpState.ESTABLISHED, "::1", 5432, "::1", 40000,
                106, 2002));
        assertThat(t.socket(14)).isEqualTo(new SocketTable.TcpSocket(6, TcpState.CLOSE_WAIT, "2001:db8::1", 443,
                "2001:db8:0:1::abcd", 61000, 0, 2003));
        // v4-mapped: the same peer as the IPv4 10.1.2.3 of the tcp file
        assertThat(t.socket(15)).isEqualTo(new SocketTable.TcpSocket(6, TcpState.FIN_WAIT2, "127.0.0.1", 5432,
                "10.1.2.3", 50010, 106, 0));
        assertThat(t.remoteHi(15)).isEqualTo(t.remoteHi(1));
        assertThat(t.remoteLo(15)).isEqualTo(t.remoteLo(1));
        assertThat(t.socket(16)).isEqualTo(new SocketTable.TcpSocket(6, TcpState.TIME_WAIT, "fe80::1:2:3:4", 22,
                "fe80::aaaa:bbbb:cccc:dddd", 1, 0, 0));
    }

    @Test
    void oddWidthsLowerCaseHexHugeNumbersAreReadAndBrokenLinesCountedNotDropped() throws Exception {
        SocketTable t = new ProcNetTcpParser().scan(fixture("odd"), new SocketTable());

        assertThat(t.size()).isEqualTo(4);
        assertThat(t.rejected()).as("the garbage line; the blank line is not a socket").isEqualTo(1);
        assertThat(t.socket(2)).isEqualTo(new SocketTable.TcpSocket(4, TcpState.ESTABLISHED, "10.0.0.1", 80,
                "10.9.9.9", 1026, 1000, 3003));
        assertThat(t.socket(3).state()).isEqualTo(TcpState.CLOSE_WAIT);
        assertThat(t.socket(3).remoteAddress()).isEqualTo("10.9.9.8");
        assertThat(Integer.toUnsignedLong(t.uid(3))).isEqualTo(4294967294L);
        assertThat(t.inode(3)).isEqualTo(18446744073709551L);
    }

    @Test
    void aMissingTcp6IsAnEmptyTableNotAnError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("net"));
        java.nio.file.Files.copy(fixture("basic").resolve("net/tcp"), dir.resolve("net/tcp"));

        SocketTable t = new ProcNetTcpParser().scan(dir, new SocketTable());

        assertThat(t.size()).isEqualTo(12);
    }

    @Test
    void crLfUnknownStateAndTruncatedLinesAreRejectedOneByOne() {
        String text = "  sl  local_address rem_address   st\n"
                + "   0: 0100007F:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000  1000        0 7 1\r\n"
                + "   1: 0100007F:1F90 0100007F:A2C4 0D 00000000:00000000 00:00000000 00000000  1000        0 7 1\n"
                + "   2: 0100007F:1F90 0100007F:A2\n"
                + "   3: 0100007G:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000  1000        0 7 1\n"
                + "   4: 0100007F:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000  1000        0 8 1";
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        SocketTable t = new SocketTable();

        ProcNetTcpParser.parse(b, 0, b.length, t, 4);

        assertThat(t.size()).isEqualTo(2);
        assertThat(t.rejected()).isEqualTo(3);
        assertThat(t.inode(1)).as("last line without newline").isEqualTo(8);
        assertThat(t.remotePort(0)).isEqualTo(0xA2C4);
    }

    @Test
    void aTableLargerThanTheReadBufferIsReadWhole(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        ProcFixture f = new ProcFixture(dir);
        for (int i = 0; i < 20_000; i++) { // ~2.4 MB, twice the initial buffer
            f.add("10.0.0.1", 8080, "10.7.0." + (i % 250 + 1), 1024 + i % 60000, TcpState.ESTABLISHED, i + 1);
        }
        f.write();
        ProcNetTcpParser parser = new ProcNetTcpParser();
        SocketTable t = new SocketTable(16);

        parser.scan(dir, t);
        parser.scan(dir, t); // reused buffers and table give the same answer

        assertThat(t.size()).isEqualTo(20_000);
        assertThat(t.inode(19_999)).isEqualTo(20_000);
        assertThat(t.rejected()).isZero();
    }

    @Test
    void readingTcp6OnASecondThreadGivesTheSameTableRowForRow(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        ProcFixture f = new ProcFixture(dir);
        for (int i = 0; i < 30_000; i++) { // both files larger than a read buffer
            String peer = i % 3 == 0 ? "2001:db8::" + Integer.toHexString(i % 500 + 1) : "10.7." + (i % 200) + ".1";
            f.add(i % 3 == 0 ? "2001:db8::1" : "10.0.0.1", 8080, peer, 1024 + i % 60000,
                    TcpState.values()[i % TcpState.values().length], i + 1);
        }
        f.write();
        ProcNetTcpParser parallel = new ProcNetTcpParser(true);
        SocketTable a = new SocketTable(16);
        SocketTable b = new ProcNetTcpParser(false).scan(dir, new SocketTable(16));

        for (int round = 0; round < 3; round++) { // buffers, rows and the pool task reused scan after scan
            parallel.scan(dir, a);
            assertThat(a.size()).isEqualTo(b.size()).isEqualTo(30_000);
            assertThat(a.rejected()).isEqualTo(b.rejected());
            for (int i = 0; i < b.size(); i++) {
                assertThat(a.socket(i)).as("row %d", i).isEqualTo(b.socket(i));
            }
        }
        assertThat(a.family(0)).isEqualTo(4);
        assertThat(a.family(a.size() - 1)).as("tcp rows first, then tcp6, as one thread reads them").isEqualTo(6);
    }

    @Test
    void aParallelScanCountsRejectedLinesOfBothFilesAndToleratesAMissingTcp6(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("net"));
        String header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
        String line = "   0: 0100007F:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000  1000        0 7 1\n";
        java.nio.file.Files.writeString(dir.resolve("net/tcp"), header + line + "garbage\n");
        ProcNetTcpParser parser = new ProcNetTcpParser(true);

        SocketTable t = parser.scan(dir, new SocketTable());
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.rejected()).isEqualTo(1);

        java.nio.file.Files.writeString(dir.resolve("net/tcp6"), header + "more garbage\n");
        parser.scan(dir, t);
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.rejected()).as("one bad line in each file").isEqualTo(2);
    }

    @Test
    void aMissingTcpFailsTheParallelScanAfterTcp6IsRead(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        ProcFixture f = new ProcFixture(dir);
        f.add("2001:db8::1", 8080, "2001:db8::2", 4000, TcpState.ESTABLISHED, 1);
        f.write();
        java.nio.file.Files.delete(dir.resolve("net/tcp"));
        ProcNetTcpParser parser = new ProcNetTcpParser(true);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parser.scan(dir, new SocketTable()))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        // the parser is still usable: the failed scan waited for its tcp6 task before returning
        f.add("10.0.0.1", 8080, "10.0.0.2", 4000, TcpState.ESTABLISHED, 2);
        f.write();
        assertThat(parser.scan(dir, new SocketTable()).size()).isEqualTo(2);
    }

    @Test
    void theFixedWidthFastPathAndTheGeneralPathReadEveryFixtureAlike() throws Exception {
        for (String name : new String[]{"basic", "odd"}) {
            for (String file : new String[]{"net/tcp", "net/tcp6"}) {
                byte[] b = java.nio.file.Files.readAllBytes(fixture(name).resolve(file));
                int family = file.endsWith("6") ? 6 : 4;
                SocketTable fast = new SocketTable();
                SocketTable general = new SocketTable();

                ProcNetTcpParser.parse(b, 0, b.length, fast, family);
                ProcNetTcpParser.parseGeneral(b, 0, b.length, general, family);

                assertThat(fast.size()).as(name + "/" + file).isEqualTo(general.size());
                assertThat(fast.rejected()).isEqualTo(general.rejected());
                for (int i = 0; i < fast.size(); i++) {
                    assertThat(fast.socket(i)).isEqualTo(general.socket(i));
                }
            }
        }
    }

    @Test
    void aLineCutInsideItsFixedFieldsIsRejectedWithoutReadingIntoTheNextLine() {
        String text = "header\n"
                + "   0: 0100007F:1F90 0100007F:A2C4 01 00000000:000\n"
                + "   1: 0100007F:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000  1000        0 8 1\n";
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        SocketTable t = new SocketTable();

        ProcNetTcpParser.parse(b, 0, b.length, t, 4);

        assertThat(t.size()).isEqualTo(1);
        assertThat(t.rejected()).isEqualTo(1);
        assertThat(t.inode(0)).isEqualTo(8);
    }

    @Test
    void aFileWhoseLastLineHasNoNewlineIsReadWhole(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("net"));
        java.nio.file.Files.writeString(dir.resolve("net/tcp"), "header\n"
                + "   0: 0100007F:1F90 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000  1000        0 7 1\n"
                + "   1: 0100007F:1F90 0100007F:A2C5 06 00000000:00000000 03:00001234 00000000     0        0 0 3 0");

        SocketTable t = new ProcNetTcpParser().scan(dir, new SocketTable());

        assertThat(t.size()).isEqualTo(2);
        assertThat(t.state(1)).isEqualTo(TcpState.TIME_WAIT);
    }

    @Test
    void randomSocketsOfEveryFamilyAndStateRoundTripThroughTheKernelFormat(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        java.util.Random rnd = new java.util.Random(20261127);
        ProcFixture f = new ProcFixture(dir);
        java.util.List<SocketTable.TcpSocket> v4 = new java.util.ArrayList<>();
        java.util.List<SocketTable.TcpSocket> v6 = new java.util.ArrayList<>();
        TcpState[] states = TcpState.values();
        for (int i = 0; i < 5000; i++) {
            int kind = rnd.nextInt(3);
            String local = address(rnd, kind);
            String remote = address(rnd, kind);
            int lport = rnd.nextInt(65536);
            int rport = rnd.nextInt(65536);
            TcpState st = states[rnd.nextInt(states.length)];
            long inode = rnd.nextInt(3) == 0 ? 0 : (rnd.nextLong() >>> 20);
            f.add(local, lport, remote, rport, st, inode);
            // what the parser must give back: v4-mapped addresses print as IPv4
            SocketTable.TcpSocket expected = new SocketTable.TcpSocket(kind == 0 ? 4 : 6, st, canonical(local), lport,
                    canonical(remote), rport, 1000, inode);
            (kind == 0 ? v4 : v6).add(expected);
        }
        f.write();

        SocketTable t = new ProcNetTcpParser().scan(dir, new SocketTable());

        java.util.List<SocketTable.TcpSocket> got = new java.util.ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            got.add(t.socket(i));
        }
        java.util.List<SocketTable.TcpSocket> expected = new java.util.ArrayList<>(v4);
        expected.addAll(v6);
        assertThat(t.rejected()).isZero();
        assertThat(got).containsExactlyElementsOf(expected);
    }

    private static String address(java.util.Random rnd, int kind) {
        if (kind == 0) {
            return rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256);
        }
        if (kind == 1) {
            return "::ffff:" + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256);
        }
        StringBuilder b = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            b.append(g == 0 ? "" : ":").append(Integer.toHexString(rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(65536)));
        }
        return b.toString();
    }

    private static String canonical(String text) throws Exception {
        byte[] b = java.net.InetAddress.getByName(text).getAddress();
        if (b.length == 4) {
            return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
        }
        // RFC 5952 via the JDK: Inet6Address prints the full form; compress the longest run of zero groups
        String full = java.net.InetAddress.getByAddress(b).getHostAddress();
        String[] g = full.split(":");
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (!g[i].equals("0")) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && g[i].equals("0")) {
                i++;
            }
            if (i - start > bestLen) {
                bestLen = i - start;
                bestStart = start;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, 8));
        return head + "::" + tail;
    }
}
