package io.hangcheck.simulator;

import io.hangcheck.agent.Log;
import io.hangcheck.agent.config.ConfigException;
import io.hangcheck.agent.config.Durations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A timed list of control actions, one per line: {@code <at> <action> [query]}, e.g.
 * <pre>
 * # at   action     query (as on the control API)
 * 30s    hang       pool=nightly&count=2
 * 60s    leak       pool=changelist&rate=5&max=400
 * 3m     leak/stop
 * </pre>
 * {@code at} counts from the simulator's start. Blank lines and {@code #} comments are ignored. Each step's
 * outcome is printed on stdout, so a demo script can follow the story.
 */
final class Scenario {
    record Step(Duration at, String action, String query, int line) {
    }

    private final List<Step> steps;
    private Thread thread;

    Scenario(List<Step> steps) {
        this.steps = steps.stream().sorted(Comparator.comparing(Step::at)).toList();
    }

    static Scenario load(Path file) {
        try {
            return parse(Files.readAllLines(file), file.toString());
        } catch (IOException e) {
            throw new ConfigException("--scenario", "cannot read " + file + ": " + e.getMessage());
        }
    }

    static Scenario parse(List<String> lines, String name) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 3);
            if (parts.length < 2) {
                throw new ConfigException("--scenario", name + ":" + (i + 1) + ": expected '<at> <action> [query]'");
            }
            Duration at = Durations.parse(parts[0], "--scenario " + name + ":" + (i + 1));
            steps.add(new Step(at, parts[1].replaceFirst("^/+", ""), parts.length == 3 ? parts[2] : "", i + 1));
        }
        return new Scenario(steps);
    }

    List<Step> steps() {
        return steps;
    }

    void start(ControlServer control) {
        long t0 = System.nanoTime();
        thread = new Thread(() -> {
            for (Step s : steps) {
                long wait = t0 + s.at().toNanos() - System.nanoTime();
                try {
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                } catch (InterruptedException e) {
                    return;
                }
                Map<String, String> q = ControlServer.query(s.query());
                String outcome;
                try {
                    ControlServer.Result r = control.execute(s.action(), q);
                    outcome = r.status() + " " + summary(r.body());
                } catch (RuntimeException e) {
                    outcome = "failed: " + e.getMessage();
                    Log.warn("scenario line " + s.line() + ": " + outcome);
                }
                System.out.println("scenario +" + Durations.format(s.at()) + " " + s.action()
                        + (s.query().isEmpty() ? "" : " " + s.query()) + " → " + outcome);
            }
        }, "hangcheck-sim-scenario");
        thread.setDaemon(true);
        thread.start();
    }

    private static String summary(Object body) {
        if (body instanceof Map<?, ?> m) {
            if (m.containsKey("count")) {
                return m.get("count") + " hosts";
            }
            if (m.containsKey("closed")) {
                return m.get("closed") + " connections closed";
            }
            if (m.containsKey("max")) {
                return "at most " + m.get("max") + " connections";
            }
            if (m.containsKey("detail")) {
                return String.valueOf(m.get("detail"));
            }
        }
        return "ok";
    }

    void stop() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
