package io.hangcheck.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hangcheck.events.FleetMode;
import org.awaitility.core.ThrowingRunnable;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Waits for facts the services report, each with a deadline: the re-check's counters, the evaluator's own clock.
 * A scenario that asserts "nothing happened" first waits here for a sign that the system looked (the re-check
 * ran twice over the host, every host has been silent past hang-after on the evaluator's clock), so it cannot
 * pass merely because the system was slower than a fixed sleep.
 */
final class Facts {
    /**
     * The executor's re-check, as a summary: {@code _count} is passes completed by the leader, {@code _sum} the
     * due incidents (HUNG for {@code recheck.after} by the executor's receive time) those passes looked at.
     */
    static final String RECHECK = "hangcheck_executor_recheck_due_incidents";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Facts() {
    }

    /** Says on the test's output how long a fact took to come (CI time is read from these lines too). */
    private static void took(String what, long startNanos) {
        System.out.printf("FACT %s after %.1f s%n", what, (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * Waits until the executor's re-check has looked at due incidents at least {@code looks} times in at least
     * {@code passes} passes, counted from now ({@link #recheck}).
     */
    static void recheckLooked(ServiceProcess executor, int passes, int looks, Instant dueFrom, Duration after,
                              Duration interval) {
        recheck(executor).looked(passes, looks, dueFrom, after, interval);
    }

    /** The executor's re-check counters now, to wait later for passes made since. */
    static Recheck recheck(ServiceProcess executor) {
        boolean reported = executor.get("/metrics").body().contains(RECHECK + "_count");
        return new Recheck(executor, reported, executor.metric(RECHECK + "_count", ""), executor.metric(RECHECK + "_sum", ""),
                Instant.now());
    }

    /** The re-check's counters at one moment. */
    record Recheck(ServiceProcess executor, boolean reported, double passes, double looks, Instant at) {
        /**
         * Waits until the re-check has made {@code passes} passes since {@link #at} and looked at due incidents
         * {@code looks} times. An executor that does not report the re-check yet is waited for the re-check's own
         * rule instead ({@code passes} intervals after {@link #at}, and, when {@code looks > 0}, after
         * {@code recheck.after} since {@code dueFrom}, when the incident became due), and the test says so.
         */
        void looked(int passes, int looks, Instant dueFrom, Duration after, Duration interval) {
            long t0 = System.nanoTime();
            if (reported) {
                Duration atMost = after.plus(interval.multipliedBy(passes + 2L)).plusSeconds(30);
                await(executor.name() + ": re-check passes and looks").atMost(atMost).pollInterval(Duration.ofMillis(250))
                        .until(() -> executor.metric(RECHECK + "_count", "") >= this.passes + passes
                                && executor.metric(RECHECK + "_sum", "") >= this.looks + looks);
                took(executor.name() + " re-check " + passes + " passes, " + looks + " looks", t0);
                return;
            }
            Instant from = looks > 0 && dueFrom.plus(after).isAfter(at) ? dueFrom.plus(after) : at;
            Instant due = from.plus(interval.multipliedBy(passes)).plusSeconds(1);
            System.out.printf("NOTE %s reports no %s: waiting for the re-check's timing instead (%d x %s%s)%n",
                    executor.name(), RECHECK, passes, interval, looks > 0 ? " after recheck.after " + after : "");
            if (!Instant.now().isBefore(due)) {
                return;
            }
            await().atMost(Duration.between(Instant.now(), due).plusSeconds(5)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !Instant.now().isBefore(due));
            took(executor.name() + " re-check timing (no metric)", t0);
        }
    }

    /**
     * Waits until the fleet is steady, as a scenario starts from: {@code everyHostUp} holds (it asserts), the
     * evaluator's fleet mode is NORMAL and the executor is ready.
     */
    static void steadyFleet(Stack stack, ThrowingRunnable everyHostUp, Duration atMost) {
        long t0 = System.nanoTime();
        await("a steady fleet").atMost(atMost).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            everyHostUp.run();
            assertThat(stack.evaluator.get("/v1/fleet").body()).contains("\"" + FleetMode.NORMAL + "\"");
            assertThat(stack.executor.get("/q/health/ready").statusCode()).isEqualTo(200);
        });
        took("steady fleet", t0);
    }

    /** Waits until every host the evaluator lists for {@code query} has been silent at least {@code silent} on its partition clock. */
    static void allSilentFor(ServiceProcess evaluator, String query, int hosts, Duration silent, Duration atMost) {
        long t0 = System.nanoTime();
        await(hosts + " hosts silent for " + silent + " (evaluator's clock)").atMost(atMost).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    int n = 0;
                    for (JsonNode h : hosts(evaluator, query)) {
                        if (h.path("silentMillis").asLong(-1) >= silent.toMillis()) {
                            n++;
                        }
                    }
                    return n >= hosts;
                });
        took(hosts + " hosts silent for " + silent, t0);
    }

    /** Waits until the evaluator has reported {@code host} HUNG for at least {@code d} on its partition clock. */
    static void hungFor(ServiceProcess evaluator, String host, Duration d, Duration atMost) {
        long t0 = System.nanoTime();
        await(host + " HUNG for " + d + " (evaluator's clock)").atMost(atMost).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    JsonNode h = json(evaluator.get("/v1/hosts/" + host).body());
                    return h.path("status").asText().equals("HUNG") && h.hasNonNull("since") && h.hasNonNull("partitionTime")
                            && !Instant.parse(h.get("partitionTime").asText())
                                    .isBefore(Instant.parse(h.get("since").asText()).plus(d));
                });
        took(host + " HUNG for " + d, t0);
    }

    /**
     * Waits until the clock of every partition the evaluator's hosts are on has advanced by {@code d} from now: the
     * evaluator has read that much more of every partition, so any verdict due in that span is out.
     */
    static void partitionClocksAdvanced(ServiceProcess evaluator, Duration d, Duration atMost) {
        long t0 = System.nanoTime();
        // the starting point is each partition's clock when first read: an evaluator that has just restarted may
        // answer without hosts (its stores are still restoring), and a partition may show up later than another
        Map<Integer, Instant> from = new HashMap<>();
        await("every partition clock +" + d + " from its first reading").atMost(atMost).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Map<Integer, Instant> now = partitionClocks(evaluator);
                    now.forEach(from::putIfAbsent);
                    return advancedBy(from, now, d);
                });
        took("every partition clock +" + d + " " + from, t0);
    }

    /** Whether every partition clock of {@code from} is at least {@code d} further in {@code now} (false when none). */
    static boolean advancedBy(Map<Integer, Instant> from, Map<Integer, Instant> now, Duration d) {
        return !from.isEmpty() && from.entrySet().stream().allMatch(e -> now.containsKey(e.getKey())
                && !now.get(e.getKey()).isBefore(e.getValue().plus(d)));
    }

    /** Whether the evaluator reports each of {@code hosts} silent for at least {@code d} on its partition clock. */
    static boolean silentFor(ServiceProcess evaluator, java.util.Collection<String> hosts, Duration d) {
        for (String host : hosts) {
            if (json(evaluator.get("/v1/hosts/" + host).body()).path("silentMillis").asLong(-1) < d.toMillis()) {
                return false;
            }
        }
        return true;
    }

    /** The evaluator's partition → partition time (the latest its hosts show). */
    static Map<Integer, Instant> partitionClocks(ServiceProcess evaluator) {
        Map<Integer, Instant> clocks = new HashMap<>();
        for (JsonNode h : hosts(evaluator, "")) {
            if (h.hasNonNull("partition") && h.hasNonNull("partitionTime")) {
                clocks.merge(h.get("partition").asInt(), Instant.parse(h.get("partitionTime").asText()),
                        (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        return clocks;
    }

    private static JsonNode hosts(ServiceProcess evaluator, String query) {
        JsonNode body = json(evaluator.get("/v1/hosts?" + (query.isEmpty() ? "" : query + "&") + "limit=1000").body());
        return body.isArray() ? body : body.path("hosts");
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.nullNode(); // not JSON (the service is restarting): the fact is not there yet
        }
    }
}
