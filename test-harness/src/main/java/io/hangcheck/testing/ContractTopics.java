package io.hangcheck.testing;

import io.hangcheck.events.Topics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract topics as tests create them, read from {@code deploy/kafka/topics.txt}: the one list of topics, from
 * which the Strimzi {@code KafkaTopic} resources are generated and {@code ./lab} creates its topics (the build
 * copies it beside this class). Sized for one machine, the way {@code ./lab} sizes them ({@code lab_topics} in
 * {@code lab.d/lib.sh}; {@code LabScriptTest} checks that both agree):
 *
 * <ul>
 *   <li>Host-keyed topics (those the list gives the partition count of {@link Topics#HEARTBEATS}: heartbeats, raw
 *       heartbeats, liveness events, liveness state, reboots) get {@value #HOST_KEYED_PARTITIONS} partitions, so
 *       per-host ordering and the evaluator's per-partition clock are exercised for real, and they stay
 *       co-partitioned (Kafka Streams may join them).</li>
 *   <li>Every other topic and every dead-letter topic gets one partition.</li>
 *   <li>Of the list's configs only {@code cleanup.policy} is applied (retention and replication are the cluster's).</li>
 * </ul>
 */
public final class ContractTopics {

    /** Partitions of host-keyed contract topics. */
    public static final int HOST_KEYED_PARTITIONS = 4;

    /** The contract's co-partitioned topics: the list must give them one partition count (deploy's KafkaTopicsTest). */
    public static final List<String> HOST_KEYED = List.of(
            Topics.HEARTBEATS, Topics.HEARTBEATS_RAW, Topics.LIVENESS_EVENTS, Topics.LIVENESS_STATE, Topics.REBOOTS);

    /** The list's lines: name → partitions in production, and cleanup.policy. */
    private record Line(String name, int partitions, String cleanupPolicy) {
    }

    private static final List<Line> LIST = read();

    /** Topics the list makes {@code cleanup.policy=compact}. */
    public static final List<String> COMPACTED = LIST.stream().filter(l -> l.cleanupPolicy().equals("compact")).map(Line::name).toList();

    private ContractTopics() {
    }

    /** Every topic of the list (contract topics and their DLQs) → its partition count for one machine, in list order. */
    public static Map<String, Integer> partitions() {
        int heartbeats = LIST.stream().filter(l -> l.name().equals(Topics.HEARTBEATS)).findFirst()
                .orElseThrow(() -> new IllegalStateException("topics.txt has no " + Topics.HEARTBEATS)).partitions();
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (Line l : LIST) {
            boolean hostKeyed = l.partitions() == heartbeats && !l.name().endsWith(Topics.DLQ_SUFFIX);
            topics.put(l.name(), hostKeyed ? HOST_KEYED_PARTITIONS : 1);
        }
        return topics;
    }

    /** {@code compact} or {@code delete}, as the list says ({@code delete} for a topic it does not name). */
    public static String cleanupPolicy(String topic) {
        return LIST.stream().filter(l -> l.name().equals(topic)).map(Line::cleanupPolicy).findFirst().orElse("delete");
    }

    /** Whether the list makes {@code topic} compacted. */
    public static boolean compacted(String topic) {
        return cleanupPolicy(topic).equals("compact");
    }

    /** The contract topics of the list (not their dead-letter topics), in list order. */
    public static List<String> names() {
        return LIST.stream().map(Line::name).filter(n -> !n.endsWith(Topics.DLQ_SUFFIX)).toList();
    }

    private static List<Line> read() {
        try (InputStream in = ContractTopics.class.getResourceAsStream("topics.txt")) {
            if (in == null) {
                throw new IllegalStateException("topics.txt (deploy/kafka/topics.txt) is not beside ContractTopics: build test-harness");
            }
            List<Line> lines = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] f = t.split("\\s+");
                String policy = "delete";
                if (f.length > 3) {
                    for (String kv : f[3].split(",")) {
                        if (kv.startsWith("cleanup.policy=")) {
                            policy = kv.substring("cleanup.policy=".length());
                        }
                    }
                }
                lines.add(new Line(f[0], Integer.parseInt(f[1]), policy));
            }
            return List.copyOf(lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
