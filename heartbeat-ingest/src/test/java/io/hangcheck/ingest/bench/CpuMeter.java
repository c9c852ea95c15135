package io.hangcheck.ingest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time the benchmark's processes spent over a measured window, per record: what each path costs the machine,
 * which holds however busy the machine is (the rates do not). Reads {@code /proc/<pid>/stat} (Linux only; elsewhere
 * it says nothing).
 */
final class CpuMeter {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux
    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Map<String, Double> start = new LinkedHashMap<>();
    /** Machine CPU (all measured processes) per record of the last {@link #perRecord} call, µs. */
    double lastTotalMicros = Double.NaN;

    CpuMeter with(String name, long pid) {
        pids.put(name, pid);
        return this;
    }

    void start() {
        pids.forEach((name, pid) -> start.put(name, seconds(pid)));
    }

    /** "ingest 12.3 µs, broker 4.5 µs, ..." per record over the window since {@link #start()}. */
    String perRecord(double records) {
        StringBuilder sb = new StringBuilder();
        double total = 0;
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            double used = seconds(e.getValue()) - start.getOrDefault(e.getKey(), Double.NaN);
            total += used;
            sb.append(String.format(Locale.ROOT, "%s %.1f µs, ", e.getKey(), used / records * 1e6));
        }
        lastTotalMicros = total / records * 1e6;
        return sb.append(String.format(Locale.ROOT, "together %.1f µs of CPU per record", total / records * 1e6)).toString();
    }

    private static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND; // utime, stime
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
