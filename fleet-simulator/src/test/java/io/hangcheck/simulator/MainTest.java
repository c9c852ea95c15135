package io.hangcheck.simulator;

import io.hangcheck.agent.Log;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    @Test
    void aBadFlagExitsTwoAndHelpZero() {
        Log.quiet(true);
        assertThat(Main.run(new String[]{"--hosts", "0"}, Map.of())).isEqualTo(2);
        assertThat(Main.run(new String[]{"--pools", "nightly:2", "--no-such-flag", "1"}, Map.of())).isEqualTo(2);
        assertThat(Main.run(new String[]{"--help"}, Map.of())).isZero();
    }

    @Test
    void runsForItsDurationAndExitsZero() {
        Log.quiet(true);
        int exit = Main.run(new String[]{"--pools", "cli:2", "--ingest", "127.0.0.1:9", "--control-port", "0",
                "--interval", "1s", "--duration", "1s", "--status-every", "0", "--quiet"}, Map.of());
        assertThat(exit).isZero();
    }
}
