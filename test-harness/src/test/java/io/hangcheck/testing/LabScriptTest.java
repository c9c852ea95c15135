package io.hangcheck.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hangcheck.events.Topics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    void theLabCreatesTheTopicsTheTestsCreateFromTheOneList() throws Exception {
        Result r = run(LAB.toString(), "topics");
        assertThat(r.exit()).as(r.out()).isZero();
        Map<String, String> lab = new TreeMap<>();
        for (String line : r.out().strip().split("\n")) {
            String[] f = line.strip().split("\\s+");
            lab.put(f[0], f[1] + " " + f[2]);
        }
        Map<String, String> tests = new TreeMap<>();
        ContractTopics.partitions().forEach((topic, n) -> tests.put(topic, n + " " + ContractTopics.cleanupPolicy(topic)));

        assertThat(lab).isEqualTo(tests).containsEntry(Topics.LIVENESS_STATE, ContractTopics.HOST_KEYED_PARTITIONS + " compact");
    }

    @Test
    void everyVerbReadsTheOneTableOfServices() throws Exception {
        // a port moved by its variable shows in help and status alike
        Result help = runWith(Map.of("HANGCHECK_SOCKET_MONITOR_PORT", "18484"), LAB.toString(), "help");
        Result status = runWith(Map.of("HANGCHECK_SOCKET_MONITOR_PORT", "18484"), LAB.toString(), "status");

        assertThat(help.out()).contains("socket-monitor :18484", "HANGCHECK_SOCKET_MONITOR_PORT");
        assertThat(status.out()).containsPattern("socket-monitor +- +no +127.0.0.1:18484");
        assertThat(run(LAB.toString(), "logs", "sockets").out()).as("the short name from the table")
                .doesNotContain("unknown component").containsAnyOf("socket-monitor", "started by ./lab");
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
                "reboot-executor", "socket-monitor", "simulator");
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        return runWith(Map.of(), command);
    }

    private static Result runWith(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command)));
        pb.environment().putAll(env);
        Process p = pb
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
