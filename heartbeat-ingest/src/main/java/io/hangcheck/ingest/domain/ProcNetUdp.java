package io.hangcheck.ingest.domain;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads the kernel's UDP socket table ({@code /proc/net/udp}, {@code /proc/net/udp6}): one line per socket,
 * {@code sl local_address rem_address st tx_queue:rx_queue tr tm->when retrnsmt uid timeout inode ref pointer drops}.
 * The last column counts datagrams the kernel dropped for that socket (receive buffer full): drops no
 * application counter can see, because the application never received them. Plain text in, numbers out.
 */
public final class ProcNetUdp {

    private static final int INODE = 9;

    private ProcNetUdp() {
    }

    /** The drops of the socket with {@code inode}, if the table lists it. */
    public static OptionalLong drops(String table, long inode) {
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > INODE + 1 && number(f[INODE]) == inode) {
                long drops = number(f[f.length - 1]);
                return drops < 0 ? OptionalLong.empty() : OptionalLong.of(drops);
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The inode of the socket bound to local {@code port} that is one of {@code ownInodes} (this process's sockets,
     * so another process on the same port is never mistaken for ours), if any.
     */
    public static OptionalLong inodeOf(String table, int port, Set<Long> ownInodes) {
        String hexPort = ":" + String.format(Locale.ROOT, "%04X", port);
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > INODE + 1 && f[1].toUpperCase(Locale.ROOT).endsWith(hexPort)) {
                long inode = number(f[INODE]);
                if (ownInodes.contains(inode)) {
                    return OptionalLong.of(inode);
                }
            }
        }
        return OptionalLong.empty();
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
