package io.hangcheck.e2e;

import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatTopicRecord;
import io.hangcheck.events.HostState;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.events.Topics;
import io.hangcheck.events.Transport;
import io.hangcheck.events.kafka.FleetHealthSerde;
import io.hangcheck.events.kafka.HeartbeatTopicRecordSerde;
import io.hangcheck.events.kafka.HostStateSerde;
import io.hangcheck.events.kafka.LivenessEventSerde;
import io.hangcheck.events.kafka.RebootRecordSerde;
import io.hangcheck.testing.KafkaProcess;
import io.hangcheck.testing.RequiredTools;
import io.hangcheck.testing.TestPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chaos scenarios of the fault matrix (RELIABILITY.md rows 6 to 10) on real processes: two ingest
 * instances, the evaluator and the executor as child JVMs, a Kafka broker of this class alone (a child JVM), a
 * real PostgreSQL, 30 hosts posting over HTTP (spread over both ingest instances, failing over when theirs does
 * not answer) and 10 hosts of the fleet simulator sending UDP to the second instance only (pinned, as a
 * host configured with one address is). Every host is in the executor's inventory with the {@code dry-run}
 * driver, so a false HUNG would show as an EXECUTED reboot in the ledger. The executor's notifications go to a
 * webhook receiver that counts them.
 *
 * <p>Each scenario starts from a steady fleet (every host UP, fleet NORMAL, everything ready), injects its
 * fault, holds it, removes it, and counts: false reboots, duplicate reboots, acknowledged heartbeats lost,
 * true hangs missed, notifications. By default the scenarios are the short versions that {@code ./lab test}
 * runs (faults held 20 s, a few thousand fuzzed inputs); {@code -Dhangcheck.chaos.full=true} ({@code ./lab
 * chaos}) holds each fault for 2 minutes and fuzzes 100,000 HTTP bodies and 100,000 UDP datagrams.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class ChaosTest {
    static final boolean FULL = Boolean.getBoolean("hangcheck.chaos.full");
    /**
     * How long a fault is held: two minutes in the full run; in the short run (what {@code ./lab test} runs) until
     * the scenario's facts are in (every silenced host silent for {@link #LONG_SILENCE} on the evaluator's clock,
     * skewed heartbeats counted…), and at most this long.
     */
    private static final Duration HOLD = FULL ? Duration.ofMinutes(2) : Duration.ofSeconds(60);
    /** Twice the stack's hang-after (4 s): a host silent this long would have been HUNG had nothing held it. */
    private static final Duration LONG_SILENCE = Duration.ofSeconds(8);
    private static final int FUZZ_HTTP = FULL ? 100_000 : 3_000;
    private static final int FUZZ_UDP = FULL ? 100_000 : 10_000;
    private static final int HTTP_HOSTS = 30;
    private static final Pattern HOST_ID = Pattern.compile("\"hostId\"\\s*:\\s*\"([^\"]+)\"");

    /** A broker of this class alone: the poison, the fuzz's hosts and the partitioned agents stay out of other tests' topics. */
    private static KafkaProcess kafka;
    private static Stack stack;
    private static Fleet fleet;
    private static ServiceProcess sim;
    private static WebhookReceiver hook;
    private static final List<String> simHosts = new ArrayList<>();
    /** Every host the inventory knows (HTTP fleet and simulator). */
    private static final Set<String> inventory = new LinkedHashSet<>();
    /** Scenario 7's agents, each in its own network namespace; started by the scenario, kept until the end. */
    private static final List<String> PARTITION_HOSTS = List.of("netns-0", "netns-1", "netns-2");
    private static NetworkPartition partition;

    private Instant scenarioStart;
    private String scenario;
    private int notesAtStart;

    @BeforeAll
    static void startStack() throws Exception {
        hook = new WebhookReceiver();
        kafka = new KafkaProcess().start();
        KafkaTool.createContractTopics(kafka.bootstrapServers());
        stack = Stack.builder("chaos")
                .kafka(kafka.bootstrapServers())
                .ingestInstances(2)
                .evaluator("HANGCHECK_EVALUATOR_BOOT_GRACE", "2s")
                // stale-after + the hosts' interval must stay below hang-after (as 10 s + 60 s < 300 s by default):
                // a host whose ingest instance died is then HELD ("via X: no tick") before it could be HUNG
                .evaluator("HANGCHECK_EVALUATOR_STALE_AFTER", "2s")
                .evaluator("HANGCHECK_EVALUATOR_NO_TICKS_FREEZE_AFTER", "8s")
                .evaluator("HANGCHECK_EVALUATOR_FLEET_THAW_AFTER", "3s")
                .evaluator("HANGCHECK_EVALUATOR_FLEET_STORM_WINDOW", "10s")
                // the 10 pinned hosts going silent at once must be held by the via check alone, not by a storm freeze
                .evaluator("HANGCHECK_EVALUATOR_FLEET_STORM_MIN_HOSTS", "20")
                .executor("HANGCHECK_EXECUTOR_NOTIFICATIONS_WEBHOOK_URL", hook.url())
                .executor("HANGCHECK_EXECUTOR_NOTIFICATIONS_GROUP_WAIT", "5s")
                .executor("HANGCHECK_EXECUTOR_LIMITS_FLEET_SHARE_PER_HOUR", "0.5")
                .start();
        ServiceProcess ingestB = stack.ingests.get(1);
        int control = ServiceProcess.freePort();
        sim = ServiceProcess.jar("sim-chaos", Stack.simulatorJar(), List.of("--pools", "udp:10", "--interval", "1s",
                "--transport", "udp", "--ingest", "127.0.0.1:" + ingestB.port(), "--control-port", Integer.toString(control),
                "--boot-time", "2s", "--status-every", "30s"), Map.of(), control).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> sim.get("/status").statusCode() == 200);
        Matcher m = Pattern.compile("/Systems/([^\"/]+)\"").matcher(sim.get("/redfish/v1/Systems").body());
        while (m.find()) {
            simHosts.add(m.group(1));
        }
        assertThat(simHosts).hasSize(10);
        fleet = new Fleet(stack.ingests, "web", HTTP_HOSTS);
        inventory.addAll(fleet.hosts());
        inventory.addAll(simHosts);
        for (String host : inventory) {
            putInventory(host);
        }
        fleet.start(Duration.ofMillis(500));
    }

    private static void putInventory(String host) {
        stack.inventory(host, "{\"driver\":\"dry-run\",\"labels\":{\"pool\":\"chaos\"},\"enabled\":true,\"author\":\"e2e\"}");
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (hook != null) {
            // every notification of the run, scenarios and the gaps between them (stack start included)
            List<String> all = new ArrayList<>();
            List<Instant> at = hook.times();
            List<String> bodies = hook.since(0);
            for (int i = 0; i < bodies.size(); i++) {
                Matcher m = Pattern.compile("\"subject\"\\s*:\\s*\"([^\"]*)\"").matcher(bodies.get(i));
                all.add(at.get(i) + " " + (m.find() ? m.group(1) : bodies.get(i)));
            }
            String line = Instant.now() + " ChaosTest" + (FULL ? " [full]" : " [short]") + " notifications over the whole run (stack start to end): "
                    + all.size() + " " + all;
            Stack.recordResult(FULL ? "chaos-results.txt" : "e2e-results.txt", line);
        }
        Stack.closeAll(partition, fleet, sim, stack, hook, kafka);
    }

    @BeforeEach
    void steadyFleet(TestInfo info) throws Exception {
        scenario = info.getTestMethod().orElseThrow().getName();
        repair();
        Facts.steadyFleet(stack, () -> assertThat(hostsIn("UP")).as("every host UP").containsAll(inventory), Duration.ofSeconds(180));
        scenarioStart = Instant.now();
        notesAtStart = hook.count();
    }

    @AfterEach
    void putBack() throws Exception {
        repair();
    }

    /** Whatever a scenario broke, mended: both ingest instances running, no host skewed. */
    private static void repair() throws Exception {
        for (ServiceProcess in : stack.ingests) {
            if (!in.alive()) {
                in.start().awaitReady(Duration.ofMinutes(3));
            }
        }
        for (String h : fleet.hosts()) {
            fleet.skew(h, 0);
        }
        sim.send(HttpRequest.newBuilder(sim.uri("/clear?all=true")).POST(HttpRequest.BodyPublishers.noBody()));
    }

    // ---- 6. one of two ingest instances down ----------------------------------------------------------------------

    @Test
    void scenario06_oneOfTwoIngestInstancesKilledRebootsNothingAndLosesNoAcknowledgedHeartbeat() throws Exception {
        ServiceProcess victim = stack.ingests.get(1); // home of half the HTTP hosts and of every simulated host
        long failedOverBefore = fleet.failedOver();
        long refusedBefore = fleet.refused();

        victim.kill();
        Instant killed = Instant.now();
        // the HTTP hosts whose home it was fail over; the pinned UDP hosts fall silent and must be HELD, never HUNG
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(hostsIn("HELD")).as("pinned hosts held").containsAll(simHosts));
        Hold hold = hold(HOLD, () -> Facts.silentFor(stack.evaluator, simHosts, LONG_SILENCE));
        long refusedWhileDown = fleet.refused() - refusedBefore;
        long failedOver = fleet.failedOver() - failedOverBefore;
        Set<String> heldReasons = new java.util.TreeSet<>();
        for (ConsumerRecord<String, LivenessEvent> e : KafkaTool.readAll(stack.bootstrap, Topics.LIVENESS_EVENTS, new LivenessEventSerde())) {
            if (e.value() != null && e.value().type() == LivenessEventType.HELD && simHosts.contains(e.value().hostId())
                    && !e.value().at().isBefore(killed)) {
                e.value().reasons().forEach(x -> heldReasons.add(x.replaceAll("[0-9]+", "N")));
            }
        }

        victim.start().awaitReady(Duration.ofMinutes(3));
        Instant restarted = Instant.now();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(hostsIn("UP")).containsAll(inventory);
            assertThat(stack.evaluator.get("/v1/fleet").body()).contains("\"NORMAL\"");
        });
        Duration recovery = Duration.between(restarted, Instant.now());

        Figures f = figures();
        assertThat(failedOver).as("batches that failed over to the surviving instance").isPositive();
        assertThat(f.falseHung).as("HUNG verdicts for hosts that were not hung").isZero();
        assertThat(f.falseReboots).isZero();
        assertThat(f.duplicateReboots).isZero();
        assertThat(f.ackLost).as("acknowledged (202) but not on the topic").isZero();
        Map<String, Object> r = f.asMap();
        r.put("fault held (s)", Duration.between(killed, restarted).toSeconds());
        r.put("pinned UDP hosts HELD (most at once)", hold.maxHeldPinned);
        r.put("HELD reason", heldReasons);
        r.put("HTTP batches failed over", failedOver);
        r.put("HTTP batches refused by both instances", refusedWhileDown);
        r.put("all UP after restart (s)", recovery.toSeconds());
        r.put("fleet modes seen", hold.modes);
        record(r);
    }

    // ---- 7. a real network partition of some hosts -----------------------------------------------------------------

    @Test
    void scenario07_hostsCutOffByARealNetworkPartitionAreCaughtAsHungAndNothingElseIs() throws Exception {
        String unavailable = NetworkPartition.unavailableBecause();
        if (unavailable != null) {
            // CI installs iproute2 and nftables (.ci/run) and requires nft: there the partition must run, not skip
            RequiredTools.unavailable("nft", "ChaosTest scenario 7 (network partition)", unavailable);
        }
        // ingest b: scenario 10 fuzzes ingest a and counts every datagram it receives
        ServiceProcess target = stack.ingests.get(1);
        if (partition == null) {
            // three real agents, each in its own namespace: two will be cut off, the third stays connected
            partition = new NetworkPartition();
            for (int i = 0; i < PARTITION_HOSTS.size(); i++) {
                partition.addNamespace(i);
                partition.startIn(i, "agent-" + PARTITION_HOSTS.get(i), List.of(javaBin(), "-Xmx48m", "-XX:+UseSerialGC", "-jar",
                        Stack.agentJar().toString(), "--ingest", partition.machineAddress(i) + ":" + target.port(), "--mode", "udp",
                        "--host-id", PARTITION_HOSTS.get(i), "--labels", "pool=netns", "--interval", "1s", "--quiet"));
                putInventory(PARTITION_HOSTS.get(i));
            }
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(hostsIn("UP")).containsAll(PARTITION_HOSTS).containsAll(inventory);
            assertThat(stack.evaluator.get("/v1/fleet").body()).contains("\"NORMAL\"");
        });
        scenarioStart = Instant.now();
        notesAtStart = hook.count();
        List<String> cutOff = PARTITION_HOSTS.subList(0, 2);
        String connected = PARTITION_HOSTS.get(2);

        Instant cut = Instant.now();
        try {
            partition.cut(0);
            partition.cut(1);
            // true hangs from the system's point of view: each is HUNG and its reboot executed (dry-run driver)
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                for (String h : cutOff) {
                    assertThat(ledgerSince("EXECUTED", h, scenarioStart)).as("reboot executed for " + h).isEqualTo(1);
                }
            });
            Duration caught = Duration.between(cut, Instant.now());
            Duration rest = HOLD.minus(Duration.between(cut, Instant.now()));
            Hold hold = hold(rest.isNegative() ? Duration.ZERO : rest, () -> Facts.silentFor(stack.evaluator, cutOff, LONG_SILENCE));
            long dropped = partition.dropped(0) + partition.dropped(1);
            partition.heal(0);
            partition.heal(1);
            Instant healed = Instant.now();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(hostsIn("UP")).containsAll(PARTITION_HOSTS).containsAll(inventory));
            Duration back = Duration.between(healed, Instant.now());

            Set<String> others = new HashSet<>(inventory);
            others.add(connected);
            Figures f = figures(others);
            int missed = 0;
            for (String h : cutOff) {
                missed += ledgerSince("EXECUTED", h, scenarioStart) == 1 ? 0 : 1;
            }
            int falseReboots = ledgerSince("EXECUTED", scenarioStart) - (cutOff.size() - missed);
            Map<String, Object> r = f.asMap();
            r.put("false reboots", falseReboots);
            r.put("true hangs missed", missed + " of " + cutOff.size());
            r.put("partition", "2 of 3 namespaced agents (UDP) cut by an nftables drop rule; the third stays connected");
            r.put("fault held (s)", Duration.between(cut, healed).toSeconds());
            r.put("cut -> reboot executed (s)", caught.toSeconds());
            r.put("packets dropped by the rule", dropped);
            r.put("hosts not UP besides the cut ones (most at once)", Math.max(0, hold.maxNotUp));
            r.put("ledger of the cut hosts", ledgerDecisions(cutOff, scenarioStart));
            r.put("all UP after healing (s)", back.toSeconds());
            record(r);
            assertThat(f.falseHung).as("HUNG verdicts for hosts that were not cut off").isZero();
            assertThat(falseReboots).isZero();
            assertThat(missed).isZero();
            assertThat(f.duplicateReboots).isZero();
            assertThat(f.ackLost).isZero();
        } finally {
            for (int i = 0; i < 2; i++) {
                try {
                    partition.heal(i);
                } catch (IOException alreadyHealed) {
                    // healed above, or never cut
                }
            }
        }
    }

    // ---- 8. hosts' clocks skewed by ± 1 hour -----------------------------------------------------------------------

    @Test
    void scenario08_hostClocksSkewedByAnHourChangeNoVerdictAndAreCounted() throws Exception {
        double skewedUdpBefore = metricSum(stack.ingests.get(1), "hangcheck_ingest_clock_skewed_total", "transport=\"udp\"");
        double skewedHttpBefore = metricSum(stack.ingests, "hangcheck_ingest_clock_skewed_total", "transport=\"http\"");

        sim.send(HttpRequest.newBuilder(sim.uri("/skew?pool=udp&count=5&seconds=3600")).POST(HttpRequest.BodyPublishers.noBody()));
        sim.send(HttpRequest.newBuilder(sim.uri("/skew?pool=udp&count=5&offset=5&seconds=-3600")).POST(HttpRequest.BodyPublishers.noBody()));
        List<String> skewedHttp = fleet.hosts().subList(0, 6);
        for (int i = 0; i < skewedHttp.size(); i++) {
            fleet.skew(skewedHttp.get(i), i % 2 == 0 ? 3600 : -3600);
        }
        String simStatus = sim.get("/status").body();
        // held until ingest counted skewed heartbeats of every skewed host a few times over and the evaluator read
        // every partition well past hang-after meanwhile
        Map<Integer, Instant> clocksAtSkew = new java.util.HashMap<>(Facts.partitionClocks(stack.evaluator));
        Hold hold = hold(HOLD, () -> {
            Map<Integer, Instant> clocks = Facts.partitionClocks(stack.evaluator);
            clocks.forEach(clocksAtSkew::putIfAbsent);
            return metricSum(stack.ingests.get(1), "hangcheck_ingest_clock_skewed_total", "transport=\"udp\"") - skewedUdpBefore >= 10 * 3
                    && metricSum(stack.ingests, "hangcheck_ingest_clock_skewed_total", "transport=\"http\"") - skewedHttpBefore >= 6 * 3
                    && Facts.advancedBy(clocksAtSkew, clocks, LONG_SILENCE);
        });
        double skewedUdp = metricSum(stack.ingests.get(1), "hangcheck_ingest_clock_skewed_total", "transport=\"udp\"") - skewedUdpBefore;
        double skewedHttp2 = metricSum(stack.ingests, "hangcheck_ingest_clock_skewed_total", "transport=\"http\"") - skewedHttpBefore;
        long skewOver10Min = (long) (metricSum(stack.ingests, "hangcheck_ingest_clock_skew_seconds_bucket", "le=\"+Inf\"")
                - metricSum(stack.ingests, "hangcheck_ingest_clock_skew_seconds_bucket", "le=\"600.0\""));
        repair();

        Figures f = figures();
        assertThat(simStatus).as("the simulator skewed its hosts").contains("skew");
        assertThat(skewedUdp).as("skewed UDP heartbeats counted by ingest").isPositive();
        assertThat(skewedHttp2).as("skewed HTTP heartbeats counted by ingest").isPositive();
        assertThat(f.falseHung).isZero();
        assertThat(f.falseReboots).isZero();
        assertThat(f.ackLost).isZero();
        Map<String, Object> r = f.asMap();
        r.put("skewed hosts", "5 UDP +1 h, 5 UDP -1 h, 3 HTTP +1 h, 3 HTTP -1 h");
        r.put("fault held (s)", hold.seconds);
        r.put("skewed heartbeats counted (udp)", (long) skewedUdp);
        r.put("skewed heartbeats counted (http)", (long) skewedHttp2);
        // a 1-s UDP host arriving half a second late is SUSPECT for a moment (phi just over 3), skewed or not:
        // what matters is that no clock, however wrong, leads to a verdict (false HUNG verdicts above)
        r.put("hosts not UP at a 1-s sample (most at once)", hold.maxNotUp);
        r.put("heartbeats in the skew histogram beyond 600 s (both instances, whole run)", skewOver10Min);
        record(r);
    }

    // ---- 9. poison records on every consumed topic ----------------------------------------------------------------

    /** Topic → who consumes it. Every topic a service of hangcheck reads. */
    private static final Map<String, String> CONSUMED = new LinkedHashMap<>();

    static {
        CONSUMED.put(Topics.HEARTBEATS_RAW, "ingest");
        CONSUMED.put(Topics.HEARTBEATS, "evaluator");
        CONSUMED.put(Topics.REBOOTS, "evaluator");
        CONSUMED.put(Topics.LIVENESS_EVENTS, "executor");
        CONSUMED.put(Topics.LIVENESS_STATE, "executor");
        CONSUMED.put(Topics.FLEET_HEALTH, "executor");
    }

    private static final List<String> POISON_KINDS = List.of("not-json", "wrong-schema", "oversize", "bad-key");

    @Test
    void scenario09_poisonRecordsOnEveryConsumedTopicGoToTheirDeadLetterTopicsAndNothingStalls() throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        String rawProbe = probeHost("chaos9-raw-" + run, 0);
        String hbProbe = probeHost("chaos9-hb-" + run, partitions(Topics.HEARTBEATS));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000");
        Map<String, String> markers = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (String topic : CONSUMED.keySet()) {
                String marker = "chaos9-" + run + "-" + topic.replace("hangcheck.", "").replace(".v1", "").replace('.', '-');
                markers.put(topic, marker);
                String probe = topic.equals(Topics.HEARTBEATS_RAW) ? rawProbe : hbProbe;
                String validKey = topic.equals(Topics.FLEET_HEALTH) ? stack.evaluator.name() : probe;
                List<ProducerRecord<String, byte[]>> records = List.of(
                        new ProducerRecord<>(topic, 0, marker + "-not-json", "{not json at all <<<".getBytes(StandardCharsets.UTF_8)),
                        new ProducerRecord<>(topic, 0, marker + "-wrong-schema",
                                "{\"type\":\"nonsense\",\"hostId\":42,\"unexpected\":[1,2,3]}".getBytes(StandardCharsets.UTF_8)),
                        new ProducerRecord<>(topic, 0, marker + "-oversize", oversize(topic)),
                        new ProducerRecord<>(topic, 0, marker + "-bad-key", valid(topic, probe, 1)),
                        new ProducerRecord<>(topic, 0, validKey, valid(topic, probe, 2)),
                        // last: when it reaches the dead-letter topic, the consumer has passed the valid record before it
                        new ProducerRecord<>(topic, 0, marker + "-sentinel", "sentinel, not json".getBytes(StandardCharsets.UTF_8)));
                for (ProducerRecord<String, byte[]> rec : records) {
                    producer.send(rec).get(30, TimeUnit.SECONDS);
                }
            }
        }

        // every sentinel reaches its dead-letter topic: no consumer stalled on the poison before it
        Map<String, Map<String, String>> deadLettered = new LinkedHashMap<>();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            deadLettered.clear();
            for (String topic : CONSUMED.keySet()) {
                deadLettered.put(topic, deadLetters(topic, markers.get(topic)));
            }
            for (String topic : CONSUMED.keySet()) {
                assertThat(deadLettered.get(topic)).as("dead letters of " + topic).containsKey("sentinel");
            }
        });
        // the valid records behind the poison were processed: ingest forwarded its probe, the evaluator tracks both
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(allHosts()).contains(rawProbe, hbProbe));

        Map<String, Object> outcome = new LinkedHashMap<>();
        List<String> badKeyAccepted = new ArrayList<>();
        for (String topic : CONSUMED.keySet()) {
            Map<String, String> dl = deadLettered.get(topic);
            for (String kind : List.of("not-json", "wrong-schema", "oversize")) {
                assertThat(dl).as(kind + " on " + topic).containsKey(kind);
                assertThat(dl.get(kind)).as("dead-letter-reason of " + kind + " on " + topic).isNotBlank();
            }
            if (!dl.containsKey("bad-key")) {
                badKeyAccepted.add(topic + " (" + CONSUMED.get(topic) + ")");
            }
            Map<String, String> shortReasons = new TreeMap<>();
            dl.forEach((k, v) -> shortReasons.put(k, v.length() > 70 ? v.substring(0, 70) + "…" : v));
            outcome.put(topic, shortReasons);
        }
        // every consumer checks that the key is the record's own id (RELIABILITY.md, finding F1, fixed)
        assertThat(badKeyAccepted).as("topics whose consumer accepted a record under another key").isEmpty();

        Figures f = figures();
        assertThat(f.falseReboots).isZero();
        assertThat(f.falseHung).isZero();
        assertThat(f.ackLost).isZero();
        Map<String, Object> r = f.asMap();
        r.put("poison records", CONSUMED.size() * POISON_KINDS.size() + " (" + POISON_KINDS + " on each of " + CONSUMED.size() + " topics) + "
                + CONSUMED.size() + " sentinels");
        r.put("dead-lettered with reason", outcome);
        r.put("bad key accepted (not dead-lettered)", badKeyAccepted);
        r.put("valid records behind the poison processed", "yes (sentinels dead-lettered after them; probes " + rawProbe + ", " + hbProbe + " tracked)");
        record(r);
    }

    private static byte[] valid(String topic, String host, long seq) {
        Instant now = Instant.now();
        return switch (topic) {
            case Topics.HEARTBEATS_RAW -> ("{\"hostId\":\"" + host + "\",\"bootId\":\"probe-1\",\"seq\":" + seq + ",\"sentAt\":\"" + now
                    + "\",\"labels\":{\"pool\":\"probe\"}}").getBytes(StandardCharsets.UTF_8);
            case Topics.HEARTBEATS -> new HeartbeatTopicRecordSerde().serialize(topic, new Heartbeat(host, "probe-1", seq, now,
                    Map.of("pool", "probe"), null, now, Transport.KAFKA, "chaos9-probe"));
            case Topics.REBOOTS -> new RebootRecordSerde().serialize(topic, new RebootRecord("chaos9-" + host + "-" + seq,
                    LivenessEvent.incidentId(host, "probe-1", seq), host, RebootDecision.SKIPPED, RebootReason.NOT_IN_INVENTORY, null,
                    "dry-run", 0, now, Map.of()));
            case Topics.LIVENESS_EVENTS -> new LivenessEventSerde().serialize(topic, new LivenessEvent(
                    LivenessEvent.eventId(LivenessEvent.incidentId(host, "probe-1", seq), LivenessEventType.SUSPECT), LivenessEventType.SUSPECT,
                    host, LivenessEvent.incidentId(host, "probe-1", seq), "probe-1", null, seq, now, now, 3000, 1.0, "chaos9-probe",
                    List.of(), Map.of(), "chaos9-probe"));
            case Topics.LIVENESS_STATE -> new HostStateSerde().serialize(topic, new HostState(host, HostStatus.UP, "probe-1", seq, now, now,
                    null, "chaos9-probe", Map.of(), now, "chaos9-probe"));
            // the real evaluator's id with a report from long ago: the executor keeps its newer one
            case Topics.FLEET_HEALTH -> new FleetHealthSerde().serialize(topic, new FleetHealth(stack.evaluator.name(), FleetMode.NORMAL,
                    List.of(), 0, 0, 0.0, 0, List.of(0), List.of(), Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-01T00:00:00Z")));
            default -> throw new IllegalArgumentException(topic);
        };
    }

    /** A record of the topic's own shape whose id field is 300,000 characters long. */
    private static byte[] oversize(String topic) {
        String placeholder = "chaos9placeholder";
        String json = new String(valid(topic, placeholder, 1), StandardCharsets.UTF_8);
        if (topic.equals(Topics.FLEET_HEALTH)) {
            json = json.replace(stack.evaluator.name(), placeholder);
        }
        return json.replace(placeholder, "o".repeat(300_000)).getBytes(StandardCharsets.UTF_8);
    }

    /** Kind → dead-letter-reason of the records in {@code topic}.dlq whose key starts with {@code marker}. */
    private static Map<String, String> deadLetters(String topic, String marker) {
        Map<String, String> out = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : KafkaTool.readAll(stack.bootstrap, Topics.dlq(topic), new ByteArrayDeserializer())) {
            if (r.key() != null && r.key().startsWith(marker + "-")) {
                Header reason = r.headers().lastHeader("dead-letter-reason");
                out.put(r.key().substring(marker.length() + 1), reason == null ? "" : new String(reason.value(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** A host id starting with {@code base} that the default partitioner puts on partition 0 of a topic with n partitions. */
    private static String probeHost(String base, int partitions) {
        for (int i = 0; ; i++) {
            String id = base + "-" + i;
            if (partitions <= 1 || Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions == 0) {
                return id;
            }
        }
    }

    private static int partitions(String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            return producer.partitionsFor(topic).size();
        }
    }

    // ---- 10. fuzzed HTTP bodies and UDP datagrams -----------------------------------------------------------------

    @Test
    void scenario10_fuzzedBodiesAndDatagramsAreAllRejectedAndValidTrafficIsUnaffected() throws Exception {
        ServiceProcess target = stack.ingests.get(0);
        long refusedBefore = fleet.refused();
        long ackedBefore = fleet.acknowledged();
        Fuzz fuzz = new Fuzz(Long.getLong("hangcheck.chaos.seed", 20261127L), "fuzz-");

        // HTTP: every answer a 4xx with a problem body (naming the field for 400), or 413/415 — a JSON scalar of
        // the wrong type included (finding F2, fixed: the contract's mapper no longer coerces; a 202 for one is
        // counted apart and fails the scenario)
        Map<String, LongAdder> http = new ConcurrentHashMap<>();
        Map<String, String> unexpected = new ConcurrentHashMap<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        Semaphore inFlight = new Semaphore(16);
        long t0 = System.nanoTime();
        for (int i = 0; i < FUZZ_HTTP; i++) {
            Fuzz.Body b = fuzz.nextBody();
            inFlight.acquire();
            client.sendAsync(HttpRequest.newBuilder(target.uri("/v1/heartbeats")).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", b.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(b.bytes())).build(),
                    HttpResponse.BodyHandlers.ofString())
                    .whenComplete((resp, error) -> {
                        try {
                            String outcome = httpOutcome(resp, error);
                            if (b.kind().contains(Fuzz.SCALAR_OF_WRONG_TYPE) && resp != null && resp.statusCode() == 202) {
                                outcome = "202 accepted (finding F2)";
                            }
                            http.computeIfAbsent(b.kind() + " → " + outcome, k -> new LongAdder()).increment();
                            if (!outcome.endsWith("ok")) {
                                unexpected.putIfAbsent(b.kind() + " → " + outcome, new String(b.bytes(), 0, Math.min(200, b.bytes().length),
                                        StandardCharsets.UTF_8) + " ⇒ " + (resp == null ? String.valueOf(error) : resp.body()));
                            }
                        } finally {
                            inFlight.release();
                        }
                    });
        }
        inFlight.acquire(16);
        inFlight.release(16);
        double httpSeconds = (System.nanoTime() - t0) / 1e9;

        // UDP: sent in slices, each waited for until ingest has read it, so the kernel never drops any
        String udp = "transport=\"udp\"";
        double receivedBefore = metricSum(target, "hangcheck_ingest_received_total", udp);
        double acceptedBefore = metricSum(target, "hangcheck_ingest_accepted_total", udp);
        Map<String, Double> rejectedBefore = byReason(target);
        Map<String, LongAdder> udpKinds = new TreeMap<>();
        long t1 = System.nanoTime();
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(new InetSocketAddress("127.0.0.1", target.port()));
            int sent = 0;
            while (sent < FUZZ_UDP) {
                int slice = Math.min(2_000, FUZZ_UDP - sent);
                for (int i = 0; i < slice; i++) {
                    Fuzz.Datagram d = fuzz.nextDatagram();
                    udpKinds.computeIfAbsent(d.kind(), k -> new LongAdder()).increment();
                    ch.write(ByteBuffer.wrap(d.bytes()));
                }
                sent += slice;
                int expected = sent;
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                        metricSum(target, "hangcheck_ingest_received_total", udp) - receivedBefore >= expected);
            }
        }
        double udpSeconds = (System.nanoTime() - t1) / 1e9;
        long udpReceived = (long) (metricSum(target, "hangcheck_ingest_received_total", udp) - receivedBefore);
        long udpAccepted = (long) (metricSum(target, "hangcheck_ingest_accepted_total", udp) - acceptedBefore);
        Map<String, Long> udpRejected = new TreeMap<>();
        byReason(target).forEach((reason, v) -> {
            long d = (long) (v - rejectedBefore.getOrDefault(reason, 0.0));
            if (d > 0) {
                udpRejected.put(reason, d);
            }
        });
        long udpRejectedTotal = udpRejected.values().stream().mapToLong(Long::longValue).sum();

        // valid traffic kept flowing, services alive and ready
        long ackedDuring = fleet.acknowledged() - ackedBefore;
        long refusedDuring = fleet.refused() - refusedBefore;
        for (ServiceProcess s : List.of(stack.ingests.get(0), stack.ingests.get(1), stack.evaluator, stack.executor)) {
            assertThat(s.get("/q/health/live").statusCode()).as(s.name() + " live").isEqualTo(200);
            assertThat(s.get("/q/health/ready").statusCode()).as(s.name() + " ready").isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(hostsIn("UP")).containsAll(inventory));

        Figures f = figures();
        Map<String, Long> httpTally = new TreeMap<>();
        http.forEach((k, v) -> httpTally.put(k, v.sum()));
        Map<String, Long> udpTally = new TreeMap<>();
        udpKinds.forEach((k, v) -> udpTally.put(k, v.sum()));
        Map<String, Object> r = f.asMap();
        r.put("HTTP bodies sent", FUZZ_HTTP);
        r.put("HTTP outcomes", httpTally);
        r.put("HTTP unexpected answers", unexpected.size());
        r.put("HTTP accepted although invalid (F2)", httpTally.entrySet().stream().filter(e -> e.getKey().contains("F2"))
                .mapToLong(Map.Entry::getValue).sum());
        r.put("HTTP fuzz rate (/s)", Math.round(FUZZ_HTTP / httpSeconds));
        r.put("UDP datagrams sent", FUZZ_UDP);
        r.put("UDP kinds", udpTally);
        r.put("UDP received by ingest", udpReceived);
        r.put("UDP rejected by reason", udpRejected);
        r.put("UDP accepted", udpAccepted);
        r.put("UDP fuzz rate (/s)", Math.round(FUZZ_UDP / udpSeconds));
        r.put("valid HTTP batches acknowledged during the fuzz", ackedDuring);
        r.put("valid HTTP batches refused during the fuzz", refusedDuring);
        record(r);
        assertThat(unexpected).as("answers that were not a 4xx problem naming the fault").isEmpty();
        assertThat(udpReceived).isEqualTo(FUZZ_UDP);
        assertThat(udpAccepted).as("fuzzed datagrams accepted").isZero();
        assertThat(udpRejectedTotal).as("every fuzzed datagram counted by reason").isEqualTo(FUZZ_UDP);
        assertThat(refusedDuring).as("valid heartbeats refused during the fuzz").isZero();
        assertThat(f.falseHung).isZero();
        assertThat(f.falseReboots).isZero();
        assertThat(f.ackLost).isZero();
    }

    private static String httpOutcome(HttpResponse<String> resp, Throwable error) {
        if (resp == null) {
            return "no answer (" + (error == null ? "?" : error.getClass().getSimpleName()) + ")";
        }
        int s = resp.statusCode();
        boolean problem = resp.headers().firstValue("Content-Type").orElse("").contains("application/problem+json");
        boolean ok = switch (s) {
            case 400 -> problem && resp.body().contains("\"field\"");
            case 413, 415 -> problem;
            default -> false;
        };
        return s + (ok ? " ok" : problem ? " (problem body without a field)" : " (no problem body)");
    }

    private static Map<String, Double> byReason(ServiceProcess ingest) {
        Map<String, Double> out = new TreeMap<>();
        Pattern reason = Pattern.compile("reason=\"([^\"]+)\"");
        for (String line : ingest.get("/metrics").body().split("\n")) {
            if (line.startsWith("hangcheck_ingest_rejected_total{") && line.contains("transport=\"udp\"")) {
                Matcher m = reason.matcher(line);
                if (m.find()) {
                    out.merge(m.group(1), Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
                }
            }
        }
        return out;
    }

    // ---- counting ---------------------------------------------------------------------------------------------------

    /** The five figures of the fault matrix for the running scenario, and the HUNG verdicts behind them. */
    private record Figures(int falseReboots, int duplicateReboots, int ackLost, int ackChecked, int falseHung, int notifications,
                           List<String> notificationSubjects) {
        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("false reboots", falseReboots);
            m.put("duplicate reboots", duplicateReboots);
            m.put("acknowledged heartbeats lost", ackLost + " of " + ackChecked);
            m.put("true hangs missed", "– (no host hung)");
            m.put("notifications", notifications + (notificationSubjects.isEmpty() ? "" : " " + notificationSubjects));
            m.put("false HUNG verdicts", falseHung);
            return m;
        }
    }

    private Figures figures() throws Exception {
        return figures(inventory);
    }

    /** The figures, counting a HUNG verdict for any host of {@code mustNotHang} as false. */
    private Figures figures(Set<String> mustNotHang) throws Exception {
        // verdicts due by now are out before the topics are read: the evaluator reads every partition 2 s further
        Facts.partitionClocksAdvanced(stack.evaluator, Duration.ofSeconds(2), Duration.ofSeconds(60));
        Set<String> acked = fleet.acknowledgedIds();
        Set<String> inTopic = new HashSet<>();
        int falseHung = 0;
        for (ConsumerRecord<String, HeartbeatTopicRecord> r : KafkaTool.readAll(stack.bootstrap, Topics.HEARTBEATS, new HeartbeatTopicRecordSerde())) {
            if (r.value() instanceof Heartbeat hb) {
                inTopic.add(hb.hostId() + "/" + hb.bootId() + "/" + hb.seq());
            }
        }
        Set<String> lost = new HashSet<>(acked);
        lost.removeAll(inTopic);
        for (ConsumerRecord<String, LivenessEvent> r : KafkaTool.readAll(stack.bootstrap, Topics.LIVENESS_EVENTS, new LivenessEventSerde())) {
            LivenessEvent e = r.value();
            if (e != null && e.type() == LivenessEventType.HUNG && mustNotHang.contains(e.hostId()) && !e.at().isBefore(scenarioStart.minusSeconds(1))) {
                falseHung++;
            }
        }
        List<String> notes = hook.since(notesAtStart);
        List<String> subjects = new ArrayList<>();
        Matcher m;
        for (String n : notes) {
            m = Pattern.compile("\"subject\"\\s*:\\s*\"([^\"]*)\"").matcher(n);
            subjects.add(m.find() ? m.group(1) : n.substring(0, Math.min(80, n.length())));
        }
        return new Figures(ledgerSince("EXECUTED", scenarioStart), duplicateReboots(), lost.size(), acked.size(), falseHung,
                notes.size(), subjects);
    }

    /** What the fleet looked like while a fault was held: sampled every second. */
    private static final class Hold {
        int maxHeldPinned;
        int maxNotUp;
        final Set<String> modes = new LinkedHashSet<>();
        long seconds;
    }

    /**
     * Samples the fleet every second while a fault is held: for {@code d} in the full run; in the short run until
     * {@code enough} says the scenario's facts are in (at most {@code d}).
     */
    private static Hold hold(Duration d, java.util.function.BooleanSupplier enough) throws InterruptedException {
        Hold h = new Hold();
        long start = System.nanoTime();
        long end = start + d.toNanos();
        while (System.nanoTime() < end) {
            Set<String> held = hostsIn("HELD");
            held.retainAll(simHosts);
            h.maxHeldPinned = Math.max(h.maxHeldPinned, held.size());
            Set<String> notUp = new HashSet<>(inventory);
            notUp.removeAll(hostsIn("UP"));
            h.maxNotUp = Math.max(h.maxNotUp, notUp.size());
            Matcher m = Pattern.compile("\"mode\"\\s*:\\s*\"([A-Z]+)\"").matcher(stack.evaluator.get("/v1/fleet").body());
            if (m.find()) {
                h.modes.add(m.group(1));
            }
            if (!FULL && enough.getAsBoolean()) {
                break;
            }
            Thread.sleep(1_000);
        }
        h.seconds = (System.nanoTime() - start) / 1_000_000_000L;
        return h;
    }

    private static Set<String> hostsIn(String state) {
        return ids(stack.evaluator.get("/v1/hosts?state=" + state + "&limit=1000").body());
    }

    private static Set<String> allHosts() {
        return ids(stack.evaluator.get("/v1/hosts?limit=1000").body());
    }

    private static Set<String> ids(String json) {
        Set<String> out = new HashSet<>();
        Matcher m = HOST_ID.matcher(json);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static double metricSum(ServiceProcess s, String name, String labelFragment) {
        return metricSum(List.of(s), name, labelFragment);
    }

    private static double metricSum(List<ServiceProcess> services, String name, String labelFragment) {
        return services.stream().mapToDouble(s -> s.metric(name, labelFragment)).sum();
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(stack.dbUrl, TestPostgres.user(), TestPostgres.password());
    }

    private static int ledgerSince(String decision, Instant from) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ledger WHERE decision = ? AND at >= ?")) {
            ps.setString(1, decision);
            ps.setTimestamp(2, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int ledgerSince(String decision, String host, Instant from) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM ledger WHERE decision = ? AND host_id = ? AND at >= ?")) {
            ps.setString(1, decision);
            ps.setString(2, host);
            ps.setTimestamp(3, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** "host decision reason" of every ledger row of the hosts since {@code from}, in order. */
    private static List<String> ledgerDecisions(List<String> hosts, Instant from) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "SELECT host_id, decision, reason FROM ledger WHERE host_id = ANY (?) AND at >= ? ORDER BY id")) {
            ps.setArray(1, c.createArrayOf("text", hosts.toArray()));
            ps.setTimestamp(2, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
                }
            }
        }
        return out;
    }

    private static String javaBin() {
        return ServiceProcess.javaBin();
    }

    private static int duplicateReboots() throws Exception {
        return Stack.duplicateReboots(db());
    }

    private void record(Map<String, ?> figures) throws IOException {
        Stack.recordResult(FULL ? "chaos-results.txt" : "e2e-results.txt", Instant.now() + " " + scenario
                + (FULL ? " [full]" : " [short]") + " (" + Duration.between(scenarioStart, Instant.now()).toSeconds() + " s): " + figures);
    }
}
