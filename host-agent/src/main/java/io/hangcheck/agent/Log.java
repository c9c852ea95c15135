package io.hangcheck.agent;

import java.io.PrintStream;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

/**
 * One-line log records on stderr ({@code 2026-11-27T05:50:00.123Z WARN message}). The agent runs on test hosts
 * that have no logging setup of ours, so it needs nothing beyond the JDK and never logs per heartbeat.
 */
public final class Log {
    private static volatile boolean quiet = Boolean.getBoolean("hangcheck.agent.quiet");
    /** Stamps the lines (UTC); a test may set its own. */
    private static volatile Clock clock = Clock.systemUTC();

    private Log() {
    }

    public static void quiet(boolean value) {
        quiet = value;
    }

    public static void clock(Clock value) {
        clock = value;
    }

    public static void info(String message) {
        write("INFO", message);
    }

    public static void warn(String message) {
        write("WARN", message);
    }

    public static void error(String message) {
        write("ERROR", message);
    }

    private static void write(String level, String message) {
        if (quiet && !"ERROR".equals(level)) {
            return;
        }
        PrintStream err = System.err;
        err.println(clock.instant().truncatedTo(ChronoUnit.MILLIS) + " " + level + " " + message);
    }
}
