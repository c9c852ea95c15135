package io.hangcheck.deploy;

import io.hangcheck.testing.RequiredTools;


import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An external command-line tool (promtool, yamllint, kubectl, bash). A test that needs a missing tool is
 * skipped through a JUnit assumption whose message names the tool and how to install it: it never passes
 * silently. Surefire lists skipped tests with that message, and so does {@code ./lab test}.
 */
final class Tool {

    static final Tool PROMTOOL = new Tool("promtool", "apt-get install -y prometheus");
    static final Tool YAMLLINT = new Tool("yamllint", "apt-get install -y yamllint");
    static final Tool KUBECTL = new Tool("kubectl", "install kubectl >= 1.27 (it has kustomize built in)");
    static final Tool BASH = new Tool("bash", "install bash");
    static final Tool CURL = new Tool("curl", "apt-get install -y curl");
    static final Tool AMTOOL = new Tool("amtool", "apt-get install -y prometheus-alertmanager");
    static final Tool NPM = new Tool("npm", "apt-get install -y nodejs npm");
    static final Tool NODE = new Tool("node", "apt-get install -y nodejs");

    final String name;
    private final String install;

    private Tool(String name, String install) {
        this.name = name;
        this.install = install;
    }

    /** The tool's path on PATH, if any. */
    Optional<Path> find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Skips the calling test (with a message naming the tool and the check) unless the tool is on PATH. When
     * HANGCHECK_REQUIRE_TOOLS names the tool (a comma-separated list, or "true" for all; CI, where .ci/run
     * installs promtool and yamllint) a missing tool fails the test instead.
     */
    void assume(String check) {
        if (find().isPresent()) {
            return;
        }
        RequiredTools.unavailable(name, check, "'" + name + "' is not on PATH (" + install + ")");
    }

    /** Runs the tool with {@code args} in {@code dir}; returns exit code and combined output. */
    Result run(Path dir, String... args) {
        return run(dir, Map.of(), args);
    }

    Result run(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(find().map(Path::toString).orElse(name));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Path out = Files.createTempFile("tool-" + name, ".out");
            try {
                builder.redirectOutput(out.toFile());
                Process process = builder.start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(name + " did not finish in 120 s: " + command);
                }
                return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    record Result(List<String> command, int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        /** A failure message with the command and everything it printed. */
        String describe() {
            return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
        }
    }
}
