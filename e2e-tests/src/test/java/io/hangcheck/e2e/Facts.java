package io.hangcheck.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * Waits for facts the services report, each with a deadline: a counter that advanced, the evaluator's own clock.
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

    /** Waits until {@code metric} (summed over the lines containing {@code labels}) is at least {@code by} above now. */
    static double advanced(ServiceProcess service, String metric, String labels, double by, Duration atMost) {
        double from = service.metric(metric, labels);
        double[] now = {from};
        await(service.name() + ": " + metric + " +" + by).atMost(atMost).pollInterval(Duration.ofMillis(250))
                .until(() -> (now[0] = service.metric(metric, labels)) >= from + by);
        return now[0];
    }

    /**
     * Waits until the executor's re-check has looked at due incidents at least {@code looks} times in at least
     * {@code passes} passes, counted from now. An executor that does not report the re-check yet is waited for the
     * re-check's own rule instead ({@code recheck.after} since {@code dueFrom}, then {@code passes} intervals),
     * and the test says so on its output.
     */
    static void recheckLooked(ServiceProcess executor, int passes, int looks, Instant dueFrom, Duration after,
                              Duration interval) {
        if (executor.get("/metrics").body().contains(RECHECK + "_count")) {
            double passesFrom = executor.metric(RECHECK + "_count", "");
            double looksFrom = executor.metric(RECHECK + "_sum", "");
            Duration atMost = after.plus(interval.multipliedBy(passes + 2L)).plusSeconds(30);
            await(executor.name() + ": re-check passes and looks").atMost(atMost).pollInterval(Duration.ofMillis(250))
                    .until(() -> executor.metric(RECHECK + "_count", "") >= passesFrom + passes
                            && executor.metric(RECHECK + "_sum", "") >= looksFrom + looks);
            return;
        }
        Instant due = dueFrom.plus(after).plus(interval.multipliedBy(passes)).plusSeconds(1);
        System.out.printf("NOTE %s reports no %s: waiting for the re-check's rule instead (recheck.after %s + %d x %s)%n",
                executor.name(), RECHECK, after, passes, interval);
        await().atMost(Duration.between(Instant.now(), due).plusSeconds(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> !Instant.now().isBefore(due));
    }

    /** Waits until every host the evaluator lists for {@code query} has been silent at least {@code silent} on its partition clock. */
    static void allSilentFor(ServiceProcess evaluator, String query, int hosts, Duration silent, Duration atMost) {
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
    }

    /** Waits until the evaluator has reported {@code host} HUNG for at least {@code d} on its partition clock. */
    static void hungFor(ServiceProcess evaluator, String host, Duration d, Duration atMost) {
        await(host + " HUNG for " + d + " (evaluator's clock)").atMost(atMost).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    JsonNode h = json(evaluator.get("/v1/hosts/" + host).body());
                    return h.path("status").asText().equals("HUNG") && h.hasNonNull("since") && h.hasNonNull("partitionTime")
                            && !Instant.parse(h.get("partitionTime").asText())
                                    .isBefore(Instant.parse(h.get("since").asText()).plus(d));
                });
    }

    /**
     * Waits until the clock of every partition the evaluator's hosts are on has advanced by {@code d} from now: the
     * evaluator has read that much more of every partition, so any verdict due in that span is out.
     */
    static void partitionClocksAdvanced(ServiceProcess evaluator, Duration d, Duration atMost) {
        Map<Integer, Instant> from = partitionClocks(evaluator);
        await("every partition clock +" + d + " " + from).atMost(atMost).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Map<Integer, Instant> now = partitionClocks(evaluator);
                    return !from.isEmpty() && from.entrySet().stream().allMatch(e -> now.containsKey(e.getKey())
                            && !now.get(e.getKey()).isBefore(e.getValue().plus(d)));
                });
    }

    private static Map<Integer, Instant> partitionClocks(ServiceProcess evaluator) {
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
