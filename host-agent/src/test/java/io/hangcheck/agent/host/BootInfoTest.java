package io.hangcheck.agent.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BootInfoTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T06:00:00Z"), ZoneOffset.UTC);

    @Test
    void linuxBootIdAndUptimeComeFromProc(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("sys/kernel/random"));
        Files.writeString(proc.resolve("sys/kernel/random/boot_id"), "3f2a9c1e-0b7d-4e55-9a51-0d6c2f1e8b90\n");
        Files.writeString(proc.resolve("uptime"), "12345.67 2000.00\n");
        BootInfo b = BootInfo.detect("lab-001", clock, proc, Optional.empty());
        assertThat(b.bootId()).isEqualTo("3f2a9c1e-0b7d-4e55-9a51-0d6c2f1e8b90");
        assertThat(b.source()).isEqualTo(BootInfo.Source.PROC_BOOT_ID);
        assertThat(b.uptimeSeconds()).isEqualTo(12345L);
    }

    @Test
    void elsewhereTheIdIsDerivedFromTheBootInstantAndIsStableWithinOneBoot(@TempDir Path noProc) {
        Instant boot = Instant.parse("2026-11-27T03:12:00Z");
        BootInfo a = BootInfo.detect("lab-win-007", clock, noProc, Optional.of(boot));
        BootInfo again = BootInfo.detect("lab-win-007", clock, noProc, Optional.of(boot.plusSeconds(3)));
        BootInfo otherHost = BootInfo.detect("lab-win-008", clock, noProc, Optional.of(boot));
        BootInfo nextBoot = BootInfo.detect("lab-win-007", clock, noProc, Optional.of(boot.plusSeconds(600)));
        assertThat(a.source()).isEqualTo(BootInfo.Source.OLDEST_PROCESS);
        assertThat(a.bootId()).startsWith("d-").hasSize(34).isEqualTo(again.bootId());
        assertThat(a.bootId()).isNotEqualTo(otherHost.bootId()).isNotEqualTo(nextBoot.bootId());
        assertThat(a.uptimeSeconds()).isEqualTo(2 * 3600 + 48 * 60);
    }

    @Test
    void withNothingVisibleTheAgentStartStandsIn(@TempDir Path noProc) {
        BootInfo b = BootInfo.detect("h", clock, noProc, Optional.empty());
        assertThat(b.source()).isEqualTo(BootInfo.Source.AGENT_START);
        assertThat(b.uptimeSeconds()).isZero();
    }

    @Test
    void thisMachineHasABootId() {
        BootInfo b = BootInfo.detect("h", Clock.systemUTC());
        assertThat(b.bootId()).isNotBlank();
        assertThat(b.uptimeSeconds()).isNotNull().isPositive();
    }

    @Test
    void derivationMatchesThePowerShellAgent() {
        // heartbeat.ps1 computes "d-" + hex(SHA-256("<host>|<epochSeconds / 10>")[0..15]); this is its value for
        // host lab-win-007 booted at 2026-11-27T03:12:00Z (epoch 1795749120, slot 179574912).
        assertThat(BootInfo.derive("lab-win-007", Instant.ofEpochSecond(1795749120L)))
                .isEqualTo(BootInfo.derive("lab-win-007", Instant.ofEpochSecond(1795749129L)))
                .isEqualTo("d-" + sha256Hex16("lab-win-007|179574912"));
    }

    private static String sha256Hex16(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 16);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
