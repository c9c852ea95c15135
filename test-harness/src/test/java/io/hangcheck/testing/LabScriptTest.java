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
        for (String script : scripts()) {
            Result r = run("bash", "-n", script);
            assertThat(r.exit()).as(script + ": " + r.out()).isZero();
        }
        assertThat(Files.isExecutable(LAB)).isTrue();
        assertThat(Files.isExecutable(ROOT.resolve(".ci/run"))).isTrue();
    }

    /** {@code ./lab}, {@code .ci/run} and every script of {@code lab.d/}: the scripts {@code ./lab} runs. */
    private static List<String> scripts() throws IOException {
        List<String> scripts = new ArrayList<>(List.of(LAB.toString(), ROOT.resolve(".ci/run").toString()));
        try (var labD = Files.list(ROOT.resolve("lab.d"))) {
            labD.filter(p -> p.getFileName().toString().endsWith(".sh")).sorted().forEach(p -> scripts.add(p.toString()));
        }
        return scripts;
    }

    @Test
    void shellcheckFindsNoWarnings() throws Exception {
        Path shellcheck = RequiredTools.require("shellcheck", "the shell scripts' lint (LabScriptTest)", "apt-get install -y shellcheck");
        List<String> command = new ArrayList<>(List.of(shellcheck.toString(), "-x", "-S", "warning"));
        command.addAll(scripts());
        assertThat(command).anyMatch(s -> s.endsWith("lab.d/demo.sh"));
        Result r = run(command.toArray(String[]::new));
        assertThat(r.exit()).as(r.out()).isZero();
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
