package io.hangcheck.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.hangcheck.agent.TestHttpServer.Answer;
import io.hangcheck.events.EventCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs deploy/agents/heartbeat.sh for real (POSIX sh + curl) against a loopback HTTP server. */
class ShellAgentTest {
    private static final Path SCRIPT = Path.of(System.getProperty("hangcheck.agents.dir", "../deploy/agents"), "heartbeat.sh");

    @TempDir
    Path state;
    private TestHttpServer server;

    @AfterEach
    void close() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    record Run(int exit, String stderr) {
    }

    private Run run(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("HANGCHECK_"));
        pb.environment().put("HANGCHECK_STATE_DIR", state.toString());
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("HANGCHECK_INGEST", "127.0.0.1:" + server.port());
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void eachRunSendsOneHeartbeatAndTheSeqGrowsWithinTheBoot() throws Exception {
        server = new TestHttpServer(r -> Answer.of(202));
        Map<String, String> env = env("HANGCHECK_HOST_ID", "Lab-Lnx-007", "HANGCHECK_LABELS", "pool=nightly,os=linux",
                "HANGCHECK_TOKEN", "s3cret");
        for (int i = 0; i < 3; i++) {
            Run r = run(env);
            assertThat(r.exit()).as(r.stderr()).isZero();
        }
        assertThat(server.requests()).hasSize(3);
        assertThat(server.accepted()).as("one connection per run, closed when curl exits").isEqualTo(3);
        String bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        for (int i = 0; i < 3; i++) {
            TestHttpServer.Request req = server.requests().get(i);
            assertThat(req.path()).isEqualTo("/v1/heartbeats");
            assertThat(req.headers()).containsEntry("content-type", "application/json")
                    .containsEntry("authorization", "Bearer s3cret");
            JsonNode hb = EventCodec.mapper().readTree(req.body());
            assertThat(hb.get("hostId").asText()).isEqualTo("lab-lnx-007");
            assertThat(hb.get("bootId").asText()).isEqualTo(bootId);
            assertThat(hb.get("seq").asLong()).isEqualTo(i);
            assertThat(hb.get("labels").get("pool").asText()).isEqualTo("nightly");
            assertThat(hb.get("uptimeSeconds").asLong()).isPositive();
            assertThat(hb.get("sentAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            // and it is a valid heartbeat of the contract
            assertThat(EventCodec.fromBytes(req.body(), io.hangcheck.events.Heartbeat.class).seq()).isEqualTo(i);
        }
    }

    @Test
    void aNewBootRestartsTheSequence() throws Exception {
        server = new TestHttpServer(r -> Answer.of(202));
        Path boot = state.resolve("boot_id");
        Files.writeString(boot, "11111111-2222-3333-4444-555555555555\n");
        Map<String, String> env = env("HANGCHECK_HOST_ID", "h1", "HANGCHECK_BOOT_ID_FILE", boot.toString());
        run(env);
        run(env);
        Files.writeString(boot, "99999999-2222-3333-4444-555555555555\n");
        run(env);
        assertThat(server.requests()).extracting(r -> EventCodec.mapper().readTree(r.body()).get("seq").asInt())
                .containsExactly(0, 1, 0);
    }

    @Test
    void aRefusalExitsTwoWithoutRetryAndUnavailableIsRetriedThenExitsOne() throws Exception {
        server = new TestHttpServer(r -> new Answer(400, Map.of(), "{\"field\":\"labels\"}", false));
        Run refused = run(env("HANGCHECK_HOST_ID", "h1"));
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.stderr()).contains("400").contains("labels");
        assertThat(server.requests()).hasSize(1);

        server.script(r -> new Answer(503, Map.of("Retry-After", "0"), "", false));
        Run busy = run(env("HANGCHECK_HOST_ID", "h1", "HANGCHECK_RETRIES", "2"));
        assertThat(busy.exit()).isEqualTo(1);
        assertThat(server.requests()).hasSize(1 + 3);
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingIsSent() throws Exception {
        server = new TestHttpServer(r -> Answer.of(202));
        Run badLabel = run(env("HANGCHECK_HOST_ID", "h1", "HANGCHECK_LABELS", "pool=a\"b"));
        assertThat(badLabel.exit()).isEqualTo(2);
        assertThat(badLabel.stderr()).contains("label value");
        Run badHost = run(env("HANGCHECK_HOST_ID", "-x"));
        assertThat(badHost.exit()).isEqualTo(2);
        assertThat(server.requests()).isEmpty();
    }
}
