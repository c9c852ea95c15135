package io.hangcheck.sockets.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class SystemLimitsTest {
    @TempDir
    Path dir;

    @Test
    void readsFinTimeoutPortRangeAndOpenFilesLimit() throws Exception {
        Files.createDirectories(dir.resolve("sys/net/ipv4"));
        Files.writeString(dir.resolve("sys/net/ipv4/tcp_fin_timeout"), "30\n");
        Files.writeString(dir.resolve("sys/net/ipv4/ip_local_port_range"), "10000\t10999\n");
        Files.writeString(dir.resolve("sys/net/ipv4/tcp_max_orphans"), "131072\n");
        Files.createDirectories(dir.resolve("4242"));
        Files.writeString(dir.resolve("4242/limits"), """
                Limit                     Soft Limit           Hard Limit           Units
                Max processes             63443                63443                processes
                Max open files            4096                 524288               files
                Max locked memory         8388608              8388608              bytes
                """);

        assertThat(SystemLimits.finTimeoutSeconds(dir.resolve("sys")).value()).isEqualTo(30);
        assertThat(SystemLimits.ephemeralPorts(dir.resolve("sys")).value()).isEqualTo(1000);
        assertThat(SystemLimits.maxOrphans(dir.resolve("sys")).value()).isEqualTo(131072);
        assertThat(SystemLimits.openFilesLimit(dir, 4242)).isEqualTo(OptionalInt.of(4096));
    }

    @Test
    void missingFilesFallBackToKernelDefaultsAndSaySo() {
        SystemLimits.Limit fin = SystemLimits.finTimeoutSeconds(dir.resolve("nope"));
        assertThat(fin.value()).isEqualTo(60);
        assertThat(fin.source()).startsWith("kernel default");
        assertThat(SystemLimits.ephemeralPorts(dir.resolve("nope")).value()).isEqualTo(28232);
        assertThat(SystemLimits.maxOrphans(dir.resolve("nope"))).extracting(SystemLimits.Limit::value)
                .isEqualTo(SystemLimits.ASSUMED_MAX_ORPHANS);
        assertThat(SystemLimits.maxOrphans(dir.resolve("nope")).source()).startsWith("assumed");
        assertThat(SystemLimits.openFilesLimit(dir, 1)).isEmpty();
        assertThat(SystemLimits.parseOpenFiles("Max open files            unlimited            unlimited            files\n"))
                .isEmpty();
    }

    @Test
    void thisMachinesOwnValuesAreRead() {
        assertThat(SystemLimits.finTimeoutSeconds(Path.of("/proc/sys")).source()).isEqualTo("/proc/sys/net/ipv4/tcp_fin_timeout");
        assertThat(SystemLimits.openFilesLimit(Path.of("/proc"), (int) ProcessHandle.current().pid())).isPresent();
    }

    @Test
    void readsThisMachinesSysctlsWhole() throws Exception {
        // a proc file reports size 0; reading its first byte alone once turned 60 into 6 on this kind of kernel
        for (String name : new String[]{"tcp_fin_timeout", "tcp_max_orphans"}) {
            Process cat = new ProcessBuilder("cat", "/proc/sys/net/ipv4/" + name).start();
            int expected = Integer.parseInt(new String(cat.getInputStream().readAllBytes()).trim());
            assertThat(cat.waitFor()).isZero();
            SystemLimits.Limit read = name.equals("tcp_fin_timeout") ? SystemLimits.finTimeoutSeconds(Path.of("/proc/sys"))
                    : SystemLimits.maxOrphans(Path.of("/proc/sys"));
            assertThat(read.value()).as(name).isEqualTo(expected);
        }
    }
}
