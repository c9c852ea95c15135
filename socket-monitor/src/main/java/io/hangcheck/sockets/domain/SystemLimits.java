package io.hangcheck.sockets.domain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The kernel and process limits the monitor reads to default its budgets and explain its alerts. Every read
 * falls back to the kernel default when the file is missing or unreadable (a container without the host's
 * {@code /proc/sys}), and says so through {@link #source()}.
 */
public final class SystemLimits {
    /** Kernel default of {@code net.ipv4.tcp_fin_timeout}. */
    public static final int DEFAULT_FIN_TIMEOUT_SECONDS = 60;
    /** Kernel default of {@code net.ipv4.ip_local_port_range}. */
    public static final int DEFAULT_PORT_LOW = 32768;
    public static final int DEFAULT_PORT_HIGH = 60999;

    /**
     * Assumed {@code net.ipv4.tcp_max_orphans} when unreadable: the kernel sizes it from memory at boot (half the
     * established-hash size; 4096 or more on any machine with a few hundred MB), so the low end is taken.
     */
    public static final int ASSUMED_MAX_ORPHANS = 4096;

    private SystemLimits() {
    }

    /** {@code net/ipv4/tcp_fin_timeout} under a sysctl root (e.g. {@code /proc/sys}). */
    public static Limit finTimeoutSeconds(Path sysRoot) {
        return integer(sysRoot.resolve("net/ipv4/tcp_fin_timeout"), DEFAULT_FIN_TIMEOUT_SECONDS, "kernel default");
    }

    /** {@code net/ipv4/tcp_max_orphans}: the kernel-wide budget of orphaned sockets (no descriptor left). */
    public static Limit maxOrphans(Path sysRoot) {
        return integer(sysRoot.resolve("net/ipv4/tcp_max_orphans"), ASSUMED_MAX_ORPHANS, "assumed");
    }

    /** A one-number sysctl file, or the fallback named by {@code what} when it cannot be read. */
    private static Limit integer(Path f, int fallback, String what) {
        try {
            return new Limit(Integer.parseInt(read(f).trim()), f.toString());
        } catch (IOException | RuntimeException e) {
            return new Limit(fallback, what + " (" + f + " unreadable)");
        }
    }

    /** The number of ephemeral ports, from {@code net/ipv4/ip_local_port_range} ("low high"). */
    public static Limit ephemeralPorts(Path sysRoot) {
        Path f = sysRoot.resolve("net/ipv4/ip_local_port_range");
        try {
            String[] parts = read(f).trim().split("\\s+");
            int low = Integer.parseInt(parts[0]);
            int high = Integer.parseInt(parts[1]);
            if (high < low) {
                throw new IllegalArgumentException("high < low");
            }
            return new Limit(high - low + 1, f.toString());
        } catch (IOException | RuntimeException e) {
            return new Limit(DEFAULT_PORT_HIGH - DEFAULT_PORT_LOW + 1, "kernel default (" + f + " unreadable)");
        }
    }

    /**
     * The soft open-files limit ({@code RLIMIT_NOFILE}) of a process, from {@code <procRoot>/<pid>/limits}:
     * every socket the process holds is a descriptor, so this bounds its sockets. Empty when unlimited or
     * unreadable.
     */
    public static OptionalInt openFilesLimit(Path procRoot, int pid) {
        try {
            return parseOpenFiles(read(procRoot.resolve(Integer.toString(pid)).resolve("limits")));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** The soft "Max open files" of a {@code limits} file's text. */
    public static OptionalInt parseOpenFiles(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                if (parts[0].equals("unlimited")) {
                    return OptionalInt.empty();
                }
                long v = Long.parseLong(parts[0]);
                return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, v));
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The file's text, asked for in one large read: {@code /proc} files report size 0, and
     * {@code Files.readAllBytes} then reads one byte first — on some kernels a sysctl file read from offset 1 ends
     * there ({@code tcp_fin_timeout} 60 was read as "6", {@code tcp_max_orphans} 131072 as "1").
     */
    private static String read(Path f) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(f)) {
            return new String(in.readNBytes(1 << 16), StandardCharsets.US_ASCII);
        }
    }

    /** A value and where it came from (a file, or the kernel default when the file could not be read). */
    public record Limit(int value, String source) {
    }
}
