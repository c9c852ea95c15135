package io.hangcheck.deploy;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@code deploy/target/skipped-checks.txt}: one line per validation that was skipped and why (a missing
 * tool, no live services), so {@code ./lab test} can print exactly which checks did not run. Maven's own summary
 * only counts skipped tests. Registered through META-INF/services.
 */
public class SkippedChecksListener implements TestExecutionListener {

    static final Path REPORT = Deploy.DIR.resolve("target/skipped-checks.txt");

    private final List<String> skipped = new ArrayList<>();

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        skipped.add(line(test, reason));
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (test.isTest() && result.getStatus() == TestExecutionResult.Status.ABORTED) {
            skipped.add(line(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted")));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        try {
            Files.createDirectories(REPORT.getParent());
            Files.write(REPORT, skipped.isEmpty() ? List.of("no deploy check was skipped") : skipped);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String line(TestIdentifier test, String reason) {
        String where = test.getDisplayName();
        if (test.getSource().orElse(null) instanceof MethodSource method) {
            String cls = method.getClassName();
            where = cls.substring(cls.lastIndexOf('.') + 1) + "." + method.getMethodName() + " [" + test.getDisplayName() + "]";
        }
        String why = reason == null ? "" : reason.replaceFirst("^Assumption failed: ", "");
        return "SKIPPED " + where + ": " + why;
    }
}
