package io.hangcheck.deploy;

import io.hangcheck.testing.RequiredTools;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The npm tools of deploy's checks (src/test/node/package.json: exact versions), installed with npm into
 * deploy/target/node-tools, a build folder, never the repository. Installed once per package.json: a copy of
 * it beside node_modules says which one is there.
 */
final class NodeTools {

    static final Path SOURCE = Deploy.DIR.resolve("src/test/node");
    static final Path HOME = Deploy.DIR.resolve("target/node-tools");

    private static boolean installed;

    /** The tool folder with its node_modules; skips (or fails, when npm is required) without npm or registry. */
    static synchronized Path install(String check) {
        Tool.NODE.assume(check);
        Tool.NPM.assume(check);
        try {
            Files.createDirectories(HOME);
            for (String file : List.of("package.json", "tsconfig.json", "loose.ts", "validate-asyncapi.mjs")) {
                Files.copy(SOURCE.resolve(file), HOME.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            Path stamp = HOME.resolve("node_modules/.hangcheck-package.json");
            String wanted = Files.readString(SOURCE.resolve("package.json"));
            if (!installed && !(Files.exists(stamp) && Files.readString(stamp).equals(wanted))) {
                Path log = HOME.resolve("npm-install.log");
                Process npm = new ProcessBuilder(Tool.NPM.find().orElseThrow().toString(), "install", "--no-audit",
                        "--no-fund", "--no-save", "--loglevel=error").directory(HOME.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                boolean done = npm.waitFor(600, TimeUnit.SECONDS);
                if (!done || npm.exitValue() != 0) {
                    npm.destroyForcibly();
                    String message = check + ": npm install in " + HOME + " failed (registry unreachable?): "
                            + Files.readString(log, StandardCharsets.UTF_8);
                    if (RequiredTools.required("npm")) {
                        throw new AssertionError(message);
                    }
                    Assumptions.abort(message);
                }
                Files.writeString(stamp, wanted);
            }
            installed = true;
            return HOME;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private NodeTools() {
    }
}
