package io.hangcheck.agent;

import io.hangcheck.agent.TestHttpServer.Answer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    @Test
    void theAgentRunsFromTheCommandLineAndStopsAfterCount() throws Exception {
        Log.quiet(true);
        try (TestHttpServer s = new TestHttpServer(r -> Answer.of(202))) {
            int exit = Main.run(new String[]{"--mode", "http", "--interval", "1s", "--jitter", "0", "--count", "2",
                    "--host-id", "cli-host"}, Map.of("HANGCHECK_INGEST", "127.0.0.1:" + s.port()));
            assertThat(exit).isZero();
            assertThat(s.requests()).hasSize(2);
            assertThat(s.accepted()).isEqualTo(1);
        }
    }

    @Test
    void aBadFlagExitsTwo() {
        assertThat(Main.run(new String[]{"--interval", "fast"}, Map.of())).isEqualTo(2);
        // the simulator is a jar of its own (fleet-simulator): its old flag is refused, naming that jar
        assertThat(Main.run(new String[]{"--simulate", "--hosts", "10"}, Map.of())).isEqualTo(2);
        assertThat(Main.run(new String[]{"--help"}, Map.of())).isZero();
    }
}
