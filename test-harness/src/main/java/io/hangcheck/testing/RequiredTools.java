package io.hangcheck.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * External tools a check needs (shellcheck, promtool, prometheus, nft, chromium…). Where the tool is missing, the
 * check is skipped loudly: a JUnit assumption whose message names the tool and how to install it, and a line in
 * {@code target/skipped-checks.txt} of the module, which {@code ./lab test} prints under its summary. Where
 * {@code HANGCHECK_REQUIRE_TOOLS} names the tool (comma-separated, or {@code true} for every tool; CI sets it for
 * the tools {@code .ci/run} installed), a missing tool fails the check instead: CI cannot go green by skipping.
 */
public final class RequiredTools {
    /** The environment variable naming the tools a run requires. */
    public static final String ENV = "HANGCHECK_REQUIRE_TOOLS";

    private RequiredTools() {
    }

    /** The executable {@code tool} on PATH, if any. */
    public static Optional<Path> find(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Whether this run requires {@code tool} ({@value #ENV} names it, or is {@code true}). */
    public static boolean required(String tool) {
        String value = System.getenv().getOrDefault(ENV, "").strip();
        return value.equalsIgnoreCase("true") || List.of(value.split("\\s*,\\s*")).contains(tool);
    }

    /**
     * The path of {@code tool}; when it is not on PATH, skips the calling check (fails it when required). {@code check}
     * says what needs the tool, {@code install} how to get it (e.g. {@code apt-get install -y shellcheck}).
     */
    public static Path require(String tool, String check, String install) {
        Optional<Path> found = find(tool);
        if (found.isPresent()) {
            return found.get();
        }
        unavailable(tool, check, "'" + tool + "' is not on PATH (" + install + ")");
        throw new AssertionError("unreachable");
    }

    /**
     * Skips the calling check because {@code tool} cannot be used here ({@code why}: not installed, not root…), or
     * fails it when this run requires the tool. Never returns.
     */
    public static void unavailable(String tool, String check, String why) {
        String message = check + " needs " + tool + ": " + why;
        if (required(tool)) {
            throw new AssertionError(message + "; " + ENV + " names '" + tool + "', so the check may not be skipped");
        }
        note(message);
        Assumptions.abort("SKIPPED: " + message);
    }

    /** Appends the skip to {@code target/skipped-checks.txt} of the module under test, for {@code ./lab test}. */
    private static void note(String message) {
        try {
            Path file = Path.of("target", "skipped-checks.txt").toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.writeString(file, "SKIPPED " + message + System.lineSeparator(), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the assumption's message still says it
        }
    }
}
