package io.hangcheck.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code ./lab} launcher at the repository root: it parses, documents its verbs and refuses nonsense. */
class LabScriptTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path LAB = ROOT.resolve("lab");

    record Result(int exit, String out) {
    }

    @Test
    void scriptsParse() throws Exception {
        assertThat(run("bash", "-n", LAB.toString()).exit()).isZero();
        assertThat(run("bash", "-n", ROOT.resolve(".ci/run").toString()).exit()).isZero();
        assertThat(Files.isExecutable(LAB)).isTrue();
        assertThat(Files.isExecutable(ROOT.resolve(".ci/run"))).isTrue();
    }

    @Test
    void shellcheckFindsNoWarningsWhereInstalled() throws Exception {
        if (onPath("shellcheck")) {
            Result r = run("shellcheck", "-S", "warning", LAB.toString(), ROOT.resolve(".ci/run").toString());
            assertThat(r.exit()).as(r.out()).isZero();
        }
    }

    @Test
    void helpNamesEveryVerbAndSetting() throws Exception {
        Result r = run(LAB.toString(), "help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("./lab up", "./lab status", "./lab logs", "./lab down", "./lab test",
                "./lab kafka up|down|status", "HANGCHECK_KAFKA", "HANGCHECK_DB_URL", "HANGCHECK_DB_USER");
    }

    @Test
    void unknownVerbAndComponentAreRefused() throws Exception {
        Result verb = run(LAB.toString(), "frobnicate");
        Result logs = run(LAB.toString(), "logs", "no-such-service");

        assertThat(verb.exit()).isNotZero();
        assertThat(verb.out()).contains("unknown verb 'frobnicate'");
        assertThat(logs.exit()).isNotZero();
        assertThat(logs.out()).contains("unknown component 'no-such-service'");
    }

    @Test
    void statusListsEveryComponentWithoutStartingAnything() throws Exception {
        Result r = run(LAB.toString(), "status");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("kafka", "postgresql", "heartbeat-ingest", "liveness-evaluator",
                "reboot-executor", "socket-monitor", "host-agent");
    }

    private static boolean onPath(String command) throws Exception {
        return run("bash", "-c", "command -v " + command).exit() == 0;
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command)))
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), out);
    }
}
