package io.hangcheck.evaluator.messaging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Not a test: runs schedules with seeds 0, 1, 2, ... and prints, for each kind of violation, the first try that
 * found it (how many schedules the property needs to find a bug). {@code java ... FirstRuleHunt [tries]}.
 */
public final class FirstRuleHunt {
    public static void main(String[] args) throws Exception {
        int tries = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path dir = Files.createTempDirectory("evaluator-hunt");
        Map<String, String> first = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < tries; i++) {
            FleetSimulation sim = new FleetSimulation(i);
            List<String> v = sim.run(dir);
            for (String s : v) {
                String kind = kind(s);
                if (!first.containsKey(kind)) {
                    first.put(kind, "try " + (i + 1) + ": " + s + " — " + sim);
                }
            }
        }
        System.out.printf("%d schedules in %.1f s%n", tries, (System.nanoTime() - start) / 1e9);
        first.forEach((k, s) -> System.out.println(k + " | " + s));
    }

    static String kind(String v) {
        String head = v.substring(0, 3);
        if (v.contains("[late old-boot")) {
            return head + " late old boot";
        }
        if (v.contains("[seq regressed]")) {
            return head + " seq regressed";
        }
        if (v.contains("clock stepped")) {
            return head + " clock stepped";
        }
        if (v.contains("must be FROZEN")) {
            return head + " fleet";
        }
        if (v.contains("DEGRADED") || v.contains("stopped")) {
            return head + " other path";
        }
        return head;
    }
}
