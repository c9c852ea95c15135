package io.hangcheck.sockets.domain;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes a fake proc root whose {@code net/tcp} and {@code net/tcp6} are printed as the kernel prints them. */
final class ProcFixture {
    private final Path root;
    private final List<String> tcp4 = new ArrayList<>();
    private final List<String> tcp6 = new ArrayList<>();

    ProcFixture(Path root) {
        this.root = root;
    }

    ProcFixture add(String local, int lport, String remote, int rport, TcpState st, long inode) {
        byte[] l = bytes(local);
        byte[] r = bytes(remote);
        if (l.length == 4) {
            tcp4.add(String.format("%4d: %s:%04X %s:%04X %02X 00000000:00000000 00:00000000 00000000  1000        0 %d 1 "
                    + "ffff888123456780 20 4 30 10 -1", tcp4.size(), hex(l), lport, hex(r), rport, st.code(), inode));
        } else {
            tcp6.add(String.format("%4d: %s:%04X %s:%04X %02X 00000000:00000000 00:00000000 00000000  1000        0 %d 1 "
                    + "ffff888123456780 20 4 30 10 -1", tcp6.size(), hex(l), lport, hex(r), rport, st.code(), inode));
        }
        return this;
    }

    /** Adds {@code n} sockets from one peer in one state (ports 40000+). */
    ProcFixture many(int n, String peer, TcpState st, boolean owned) {
        for (int i = 0; i < n; i++) {
            add("10.0.0.1", 8080, peer, 40000 + i, st, owned ? 500000 + i : 0);
        }
        return this;
    }

    ProcFixture clear() {
        tcp4.clear();
        tcp6.clear();
        return this;
    }

    Path write() throws IOException {
        Files.createDirectories(root.resolve("net"));
        StringBuilder b = new StringBuilder(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        tcp4.forEach(l -> b.append(l).append('\n'));
        Files.writeString(root.resolve("net/tcp"), b, StandardCharsets.US_ASCII);
        StringBuilder b6 = new StringBuilder("  sl  local_address                         remote_address       "
                + "                 st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        tcp6.forEach(l -> b6.append(l).append('\n'));
        Files.writeString(root.resolve("net/tcp6"), b6, StandardCharsets.US_ASCII);
        return root;
    }

    private static byte[] bytes(String addr) {
        try {
            byte[] b = InetAddress.getByName(addr).getAddress();
            if (addr.contains(":") && b.length == 4) { // Java folds ::ffff:a.b.c.d to IPv4: keep it IPv6
                byte[] m = new byte[16];
                m[10] = (byte) 0xFF;
                m[11] = (byte) 0xFF;
                System.arraycopy(b, 0, m, 12, 4);
                return m;
            }
            return b;
        } catch (IOException e) {
            throw new IllegalArgumentException(addr, e);
        }
    }

    /** The kernel's print of an address: each 32-bit word as a little-endian host int, %08X. */
    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b.length; i += 4) {
            s.append(String.format("%08X", buf.getInt(i)));
        }
        return s.toString();
    }
}
