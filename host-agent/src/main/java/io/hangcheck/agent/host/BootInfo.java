package io.hangcheck.agent.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * This boot of this host: an id that changes on every boot, and the uptime.
 *
 * <p>Linux gives both directly ({@code /proc/sys/kernel/random/boot_id}, {@code /proc/uptime}). Elsewhere the boot
 * id is derived from the boot instant: the start time of the oldest process still running (on Windows and macOS a
 * process started at boot), truncated to {@link #BOOT_INSTANT_GRANULARITY} and hashed with the host name, so every
 * agent run within one boot computes the same id. If no process start time is visible, the agent's own start time
 * is used, and the log says so: each agent restart then looks like a reboot (a REBOOTED event, never a hang).
 */
public final class BootInfo {
    public static final Duration BOOT_INSTANT_GRANULARITY = Duration.ofSeconds(10);
    private static final Pattern UUID_LIKE = Pattern.compile("^[0-9a-fA-F-]{8,64}$");

    /** Where the boot id came from, for the start-up log line. */
    public enum Source { PROC_BOOT_ID, OLDEST_PROCESS, AGENT_START }

    private final String bootId;
    private final Source source;
    private final Instant bootInstant;
    private final Path procUptime;
    private final Clock clock;

    BootInfo(String bootId, Source source, Instant bootInstant, Path procUptime, Clock clock) {
        this.bootId = bootId;
        this.source = source;
        this.bootInstant = bootInstant;
        this.procUptime = procUptime;
        this.clock = clock;
    }

    /** Reads this machine's boot. */
    public static BootInfo detect(String hostId, Clock clock) {
        return detect(hostId, clock, Path.of("/proc"), oldestProcessStart());
    }

    /** For tests: a proc root that may not exist and a given oldest-process start time. */
    static BootInfo detect(String hostId, Clock clock, Path procRoot, Optional<Instant> oldestProcessStart) {
        Path bootIdFile = procRoot.resolve("sys/kernel/random/boot_id");
        Path uptimeFile = procRoot.resolve("uptime");
        Path uptime = Files.isReadable(uptimeFile) ? uptimeFile : null;
        try {
            if (Files.isReadable(bootIdFile)) {
                String id = Files.readString(bootIdFile, StandardCharsets.US_ASCII).trim();
                if (UUID_LIKE.matcher(id).matches()) {
                    Instant boot = uptime == null ? oldestProcessStart.orElse(clock.instant()) : null;
                    return new BootInfo(id, Source.PROC_BOOT_ID, boot, uptime, clock);
                }
            }
        } catch (IOException e) {
            // fall through to a derived id
        }
        if (oldestProcessStart.isPresent()) {
            Instant boot = oldestProcessStart.get();
            return new BootInfo(derive(hostId, boot), Source.OLDEST_PROCESS, boot, uptime, clock);
        }
        Instant now = clock.instant();
        return new BootInfo(derive(hostId, now), Source.AGENT_START, now, uptime, clock);
    }

    /** {@code d-} + 32 hex chars of SHA-256(host id, boot instant truncated to the granularity). */
    public static String derive(String hostId, Instant bootInstant) {
        long slot = bootInstant.getEpochSecond() / BOOT_INSTANT_GRANULARITY.toSeconds();
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((hostId + "|" + slot).getBytes(StandardCharsets.UTF_8));
            return "d-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static Optional<Instant> oldestProcessStart() {
        try {
            return ProcessHandle.allProcesses()
                    .map(p -> p.info().startInstant())
                    .flatMap(Optional::stream)
                    .min(Instant::compareTo);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public String bootId() {
        return bootId;
    }

    public Source source() {
        return source;
    }

    /** Seconds since boot, or null if unknown. */
    public Long uptimeSeconds() {
        if (procUptime != null) {
            try {
                String first = Files.readString(procUptime, StandardCharsets.US_ASCII).trim().split("\\s+")[0];
                return (long) Double.parseDouble(first);
            } catch (IOException | RuntimeException e) {
                // fall back to the boot instant
            }
        }
        if (bootInstant == null) {
            return null;
        }
        long s = ChronoUnit.SECONDS.between(bootInstant, clock.instant());
        return s < 0 ? null : s;
    }

    @Override
    public String toString() {
        return "boot " + bootId + " (" + source.name().toLowerCase() + ")";
    }
}
