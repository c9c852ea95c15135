package io.hangcheck.testing;

import io.hangcheck.events.Topics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract topics as tests and the local stack create them: every topic-name constant of
 * {@link Topics} (found by reflection, so a new constant is picked up) and its {@code .dlq}.
 *
 * <ul>
 *   <li>Host-keyed topics get {@value #HOST_KEYED_PARTITIONS} partitions, so per-host ordering and the
 *       evaluator's per-partition clock are exercised for real, and so they are co-partitioned (Kafka
 *       Streams may join them): heartbeats, raw heartbeats, liveness events, liveness state, reboots.</li>
 *   <li>Fleet health, socket snapshots, socket alerts and every dead-letter topic get one partition.</li>
 *   <li>{@code hangcheck.liveness.state.v1} is compacted; the others use the broker's delete policy.</li>
 * </ul>
 *
 * <p>No Kafka types here on purpose: {@code ./lab} runs {@link #main} to print the table
 * ({@code name partitions cleanup.policy} per line) and creates the topics from it.
 */
public final class ContractTopics {

    /** Partitions of host-keyed contract topics. */
    public static final int HOST_KEYED_PARTITIONS = 4;

    /** Topics with {@value #HOST_KEYED_PARTITIONS} partitions; all others (and all DLQs) get one. */
    public static final List<String> HOST_KEYED = List.of(
            Topics.HEARTBEATS, Topics.HEARTBEATS_RAW, Topics.LIVENESS_EVENTS, Topics.LIVENESS_STATE, Topics.REBOOTS);

    /** Topics with {@code cleanup.policy=compact}. */
    public static final List<String> COMPACTED = List.of(Topics.LIVENESS_STATE);

    private ContractTopics() {
    }

    /** Every contract topic and DLQ → its partition count, in {@link Topics} declaration order. */
    public static Map<String, Integer> partitions() {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String topic : names()) {
            topics.put(topic, HOST_KEYED.contains(topic) ? HOST_KEYED_PARTITIONS : 1);
            topics.put(Topics.dlq(topic), 1);
        }
        return topics;
    }

    /** {@code compact} or {@code delete}. */
    public static String cleanupPolicy(String topic) {
        return COMPACTED.contains(topic) ? "compact" : "delete";
    }

    /** Every topic-name constant of {@link Topics} (the {@code hangcheck.*} ones), in declaration order. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (Field field : Topics.class.getDeclaredFields()) {
            int m = field.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && field.getType() == String.class) {
                try {
                    String value = (String) field.get(null);
                    if (value.startsWith("hangcheck.")) {
                        names.add(value);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    /** Prints {@code name partitions cleanup.policy}, one topic per line (used by {@code ./lab}). */
    public static void main(String[] args) {
        partitions().forEach((topic, n) -> System.out.println(topic + " " + n + " " + cleanupPolicy(topic)));
    }
}
