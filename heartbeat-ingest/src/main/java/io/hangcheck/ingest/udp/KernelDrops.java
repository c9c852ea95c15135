package io.hangcheck.ingest.udp;

import io.hangcheck.ingest.domain.ProcNetUdp;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The kernel's drop count for one UDP socket of this process, from {@code /proc/net/udp{,6}}. The socket is found
 * once, by its local port among this process's socket inodes ({@code /proc/self/fd}). Where there is no
 * {@code /proc} (not Linux), {@link #total()} is empty and nothing is claimed.
 */
final class KernelDrops {

    private static final Logger LOG = Logger.getLogger(KernelDrops.class);
    private static final Path[] TABLES = {Path.of("/proc/net/udp"), Path.of("/proc/net/udp6")};

    private final long inode;

    private KernelDrops(long inode) {
        this.inode = inode;
    }

    /** The socket bound to {@code port} in this process, or null when /proc does not show it. */
    static KernelDrops forPort(int port) {
        Set<Long> own = ownSocketInodes();
        for (Path table : TABLES) {
            OptionalLong inode = ProcNetUdp.inodeOf(read(table), port, own);
            if (inode.isPresent()) {
                return new KernelDrops(inode.getAsLong());
            }
        }
        LOG.warnf("kernel UDP drops of port %d cannot be read (no /proc/net/udp entry of this process): they are not counted", port);
        return null;
    }

    /** Datagrams the kernel dropped on this socket since it was opened, if readable. */
    OptionalLong total() {
        for (Path table : TABLES) {
            OptionalLong drops = ProcNetUdp.drops(read(table), inode);
            if (drops.isPresent()) {
                return drops;
            }
        }
        return OptionalLong.empty();
    }

    private static String read(Path table) {
        try {
            return Files.readString(table);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static Set<Long> ownSocketInodes() {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | RuntimeException gone) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc
        }
        return inodes;
    }
}
