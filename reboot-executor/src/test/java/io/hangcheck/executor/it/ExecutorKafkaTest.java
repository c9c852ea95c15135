package io.hangcheck.executor.it;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.DeadLetter;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.events.Topics;
import io.hangcheck.events.kafka.RebootRecordSerde;
import io.hangcheck.executor.driver.FakeBmc;
import io.hangcheck.testing.KafkaTestResource;
import io.hangcheck.testing.PostgresTestResource;
import io.hangcheck.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * The executor end to end against a real Kafka broker, a real PostgreSQL, a real SMTP server (GreenMail),
 * a fake BMC speaking Redfish and a real HTTP webhook receiver.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "database", value = "hangcheck_test_executor"), @ResourceArg(name = "recreate", value = "true")})
@QuarkusTestResource(value = PeersResource.class, restrictToAnnotatedClass = true)
class ExecutorKafkaTest extends WithPeers {

    static final String OP = "Bearer " + PeersResource.OPERATOR_TOKEN;
    static final String VIEW = "Bearer " + PeersResource.VIEWER_TOKEN;

    @jakarta.inject.Inject
    io.hangcheck.executor.service.Recheck recheck;
    @jakarta.inject.Inject
    io.hangcheck.executor.service.HostStateView hostStates;

    @BeforeEach
    void clean() throws Exception {
        ItSupport.truncateAll();
        bmc.clear();
        it.fleet(FleetMode.NORMAL);
    }

    Map<String, String> redfish(String host) {
        return Map.of("bmc", bmc.url(), "systemId", host);
    }

    @Test
    void duplicateHungIsSkippedAsDuplicateAndResetOnce() throws Exception {
        ItSupport.inventory("dup-1", "redfish", redfish("dup-1"));
        it.hung("dup-1", "b1", 41);
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.ledger("dup-1").size() >= 2);
        it.hungOnly("dup-1", "b1", 41); // the same incident again (a replay, a second evaluator)
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.ledger("dup-1").size() >= 3);
        assertThat(ItSupport.ledger("dup-1")).containsExactly(
                "INTENT POLICY_PASSED", "EXECUTED POLICY_PASSED", "SKIPPED DUPLICATE_INCIDENT");
        assertThat(bmc.resets("dup-1")).containsExactly(new FakeBmc.Reset("dup-1", "GracefulRestart"));

        // the host comes back with a new boot id: CONFIRMED
        it.rebooted("dup-1", "b1", 41, "b2");
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.ledger("dup-1").contains("CONFIRMED NEW_BOOT_SEEN"));
        assertThat(ItSupport.count("SELECT count(*) FROM action WHERE NOT closed")).isZero();

        // every ledger row follows on hangcheck.reboots.v1 with ce_id = recordId
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0);
        List<ConsumerRecord<String, RebootRecord>> recs = TestKafka.shared().drain(Topics.REBOOTS, Duration.ofSeconds(10), new RebootRecordSerde());
        List<ConsumerRecord<String, RebootRecord>> mine = recs.stream().filter(r -> "dup-1".equals(r.key())).toList();
        assertThat(mine).extracting(r -> r.value().decision().name() + " " + r.value().reason().name())
                .containsSubsequence("INTENT POLICY_PASSED", "EXECUTED POLICY_PASSED", "SKIPPED DUPLICATE_INCIDENT", "CONFIRMED NEW_BOOT_SEEN");
        for (ConsumerRecord<String, RebootRecord> r : mine) {
            assertThat(CloudEvents.header(r.headers(), CloudEvents.ID)).contains(r.value().recordId());
        }
    }

    @Test
    void aResetTypeTheBmcRefusedBeforeAcceptingIsFollowedAtOnceByTheNextStep() throws Exception {
        fleetSettledNormal();
        ItSupport.inventory("na-1", RefusingDriver.NAME, Map.of());
        it.hung("na-1", "b1", 5);
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.ledger("na-1").contains("EXECUTED POLICY_PASSED"));
        assertThat(ItSupport.ledger("na-1")).containsExactly("INTENT POLICY_PASSED", "FAILED DRIVER_ERROR",
                "ESCALATED DRIVER_ERROR", "INTENT POLICY_PASSED", "EXECUTED POLICY_PASSED");
        assertThat(RefusingDriver.CALLS).filteredOn(c -> c.startsWith("na-1 ")).containsExactly("na-1 GracefulRestart", "na-1 ForceRestart");
        assertThat(ItSupport.count("SELECT count(*) FROM action WHERE host_id = 'na-1' AND NOT closed")).as("attempt 2 waits for its new boot").isEqualTo(1);
        assertThat(ItSupport.count("SELECT count(*) FROM action WHERE host_id = 'na-1' AND closed_as = 'NOT_ACCEPTED'")).isEqualTo(1);
    }

    /**
     * The fleet NORMAL as the executor sees it, and the freeze group quiet: a message still due about an
     * earlier freeze (or the moment after start-up, before any report was read) goes out before the test counts.
     */
    void fleetSettledNormal() throws Exception {
        it.fleet(FleetMode.NORMAL);
        it.flush();
        // generous: on a machine loaded by other builds one /metrics answer has taken over 20 s
        await().atMost(Duration.ofSeconds(60)).until(() -> given().when().get("/metrics").then().extract().asString()
                .contains("hangcheck_executor_fleet_frozen 0.0"));
        Thread.sleep(3_000); // longer than the tests' group interval (2 s) plus a tick
    }

    @Test
    void frozenFleetHealthAloneWithoutAnyHungIsOneMessagePerChannel() throws Exception {
        fleetSettledNormal();
        int mailsBefore = frozenMails();
        int hooksBefore = frozenHooks();
        int resolvedBefore = resolvedHooks();
        String frozenLogged = "SELECT count(*) FROM notification_log WHERE group_key = 'fleet-frozen' AND status = 'SENT' AND subject NOT LIKE '%: resolved'";
        int loggedBefore = ItSupport.count(frozenLogged);
        // the evaluator holds every host (ingest DEGRADED): no HUNG at all, only FROZEN reports, every 500 ms for
        // 6 s, three times the tests' group wait (2 s) and group interval (2 s)
        for (int i = 0; i < 12; i++) {
            it.fleet(FleetMode.FROZEN);
            it.flush();
            Thread.sleep(500);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> frozenMails() > mailsBefore && frozenHooks() > hooksBefore);
        Thread.sleep(3_000); // longer than the group interval: nothing more may come while it stays FROZEN
        it.fleet(FleetMode.FROZEN);
        it.flush();
        Thread.sleep(3_000);
        assertThat(frozenMails() - mailsBefore).isEqualTo(1);
        assertThat(frozenHooks() - hooksBefore).isEqualTo(1);
        String hookBody = hook.bodies.stream().filter(b -> b.contains("fleet-frozen") && b.contains("\"status\":\"firing\""))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(hookBody).contains("The fleet is FROZEN since").contains("ev-1: FROZEN [test says FROZEN]")
                .contains("nothing is rebooted");
        MimeMessage mail = Arrays.stream(smtp.getReceivedMessages()).filter(m -> isFrozenFiring(subject(m)))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(mail)).contains("ev-1: FROZEN [test says FROZEN]");
        assertThat(ItSupport.count("SELECT count(*) FROM ledger")).isZero(); // nothing decided, nothing reset
        assertThat(bmc.calls()).isZero();
        assertThat(ItSupport.count(frozenLogged) - loggedBefore).isEqualTo(2); // e-mail and webhook, logged

        // the thaw is told once, in the same group, as resolved
        it.fleet(FleetMode.NORMAL);
        it.flush();
        await().atMost(Duration.ofSeconds(20)).until(() -> resolvedHooks() > resolvedBefore);
        assertThat(resolvedHooks() - resolvedBefore).isEqualTo(1);
        assertThat(frozenHooks() - hooksBefore).isEqualTo(1);
    }

    @Test
    void frozenFleetWith113HungHostsResetsNothingAndSendsOneMessage() throws Exception {
        for (int i = 0; i < 113; i++) {
            ItSupport.inventory("frz-" + i, "redfish", redfish("frz-" + i));
        }
        fleetSettledNormal();
        int mailsBefore = frozenMails();
        int hooksBefore = frozenHooks();
        it.fleet(FleetMode.FROZEN);
        for (int i = 0; i < 113; i++) {
            it.state("frz-" + i, HostStatus.HUNG, "frz-" + i + "/b1/9", "b1", 9);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 113; i++) {
            it.hungOnly("frz-" + i, "b1", 9);
        }
        it.flush();
        double sendSeconds = (System.nanoTime() - t0) / 1e9;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                ItSupport.count("SELECT count(*) FROM ledger WHERE host_id LIKE 'frz-%'") == 113);
        double seconds = (System.nanoTime() - t0) / 1e9;
        // reference in the same run: the test's own 113 sends to the broker, until acknowledged
        System.out.printf("FIGURE executor: 113 HUNG decided (HELD; claim + facts + ledger + outbox per decision) %.2f s after the"
                        + " first send = %.0f decisions/s; the 113 sends alone (to the broker's ack) took %.2f s (ratio %.1f)%n",
                seconds, 113 / seconds, sendSeconds, seconds / sendSeconds);
        assertThat(ItSupport.count("SELECT count(*) FROM ledger WHERE host_id LIKE 'frz-%' AND decision = 'HELD' AND reason = 'FLEET_FROZEN'"))
                .isEqualTo(113);
        assertThat(bmc.resets()).isEmpty();
        assertThat(bmc.calls()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> frozenMails() > mailsBefore && frozenHooks() > hooksBefore);
        Thread.sleep(3_000); // longer than the group wait: nothing more may come
        assertThat(frozenMails() - mailsBefore).isEqualTo(1);
        assertThat(frozenHooks() - hooksBefore).isEqualTo(1);
        it.fleet(FleetMode.NORMAL);
    }

    private static List<String> decisions(List<RebootRecord> records, String host) {
        return records.stream().filter(r -> r.hostId().equals(host)).map(r -> r.decision() + " " + r.reason()).toList();
    }

    @Test
    void aHangHeldWhileTheFleetWasFrozenIsAnsweredOnceItThawsAndOnlyOnce() throws Exception {
        ItSupport.inventory("rck-1", "redfish", redfish("rck-1"));
        it.fleet(FleetMode.FROZEN);
        it.flush();
        await().atMost(Duration.ofSeconds(20)).until(() -> given().when().get("/metrics").then().extract().asString()
                .contains("hangcheck_executor_fleet_frozen 1.0"));
        it.hung("rck-1", "b1", 5);
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.ledger("rck-1").contains("HELD FLEET_FROZEN"));

        // still frozen: the same answer, so nothing is written (no ledger row, no record, no message)
        assertThat(decisions(recheck.run(), "rck-1")).isEmpty();
        assertThat(ItSupport.ledger("rck-1")).containsExactly("HELD FLEET_FROZEN");

        fleetSettledNormal();
        assertThat(decisions(recheck.run(), "rck-1")).containsExactly("INTENT POLICY_PASSED", "EXECUTED POLICY_PASSED");
        assertThat(bmc.resets("rck-1")).containsExactly(new FakeBmc.Reset("rck-1", "GracefulRestart"));

        // an incident with an attempt is never decided again, however often it is looked at
        assertThat(decisions(recheck.run(), "rck-1")).isEmpty();
        assertThat(decisions(recheck.run(), "rck-1")).isEmpty();
        assertThat(ItSupport.ledger("rck-1")).containsExactly("HELD FLEET_FROZEN", "INTENT POLICY_PASSED", "EXECUTED POLICY_PASSED");
        assertThat(bmc.resets("rck-1")).hasSize(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0);
    }

    @Test
    void aHangWhoseEventNeverReachedTheLedgerIsDecidedFromTheHostStateAndAForgedOneIsNot() throws Exception {
        fleetSettledNormal();
        ItSupport.inventory("rck-missed", "redfish", redfish("rck-missed"));
        ItSupport.inventory("rck-up", "redfish", redfish("rck-up"));
        ItSupport.inventory("rck-quarantined", "redfish", redfish("rck-quarantined"));
        // the evaluator reports rck-missed HUNG, but its HUNG event was dead-lettered (the database was down)
        it.state("rck-missed", HostStatus.HUNG, "rck-missed/b1/7", "b1", 7);
        // a HUNG for a host the evaluator believes UP: not corroborated, and the re-check never takes it up
        it.state("rck-up", HostStatus.UP, null, "b1", 8);
        it.hungOnly("rck-up", "b1", 8);
        // a quarantined host waits for a person, re-check or not
        try (var c = ItSupport.db(); var ps = c.prepareStatement(
                "INSERT INTO quarantine (host_id, since, reason) VALUES ('rck-quarantined', now(), 'test')")) {
            ps.executeUpdate();
        }
        it.hung("rck-quarantined", "b1", 9);
        // a HUNG state no evaluator wrote (another ce_source), no event: the re-check never acts on it
        ItSupport.inventory("rck-forged", "redfish", redfish("rck-forged"));
        it.stateFrom("/somebody/else", "rck-forged", HostStatus.HUNG, "rck-forged/b1/3", "b1", 3);
        it.flush();
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.ledger("rck-up").contains("SKIPPED NOT_CORROBORATED")
                && ItSupport.ledger("rck-quarantined").contains("SKIPPED HOST_QUARANTINED"));
        await().atMost(Duration.ofSeconds(20)).until(() -> executorSees("rck-missed", HostStatus.HUNG) && executorSees("rck-forged", HostStatus.HUNG));

        List<RebootRecord> first = recheck.run();
        assertThat(decisions(first, "rck-missed")).containsExactly("INTENT POLICY_PASSED", "EXECUTED POLICY_PASSED");
        assertThat(first).filteredOn(r -> r.hostId().equals("rck-missed") && r.decision() == io.hangcheck.events.RebootDecision.INTENT)
                .singleElement().satisfies(r -> assertThat(r.detail()).containsEntry("recheck", "true"));
        assertThat(decisions(first, "rck-up")).isEmpty();
        assertThat(decisions(first, "rck-quarantined")).isEmpty();
        assertThat(decisions(first, "rck-forged")).isEmpty();
        assertThat(decisions(recheck.run(), "rck-missed")).isEmpty();
        assertThat(bmc.resets("rck-forged")).isEmpty();
        assertThat(bmc.resets("rck-missed")).hasSize(1);
        assertThat(bmc.resets("rck-up")).isEmpty();
        assertThat(bmc.resets("rck-quarantined")).isEmpty();
    }

    private boolean executorSees(String host, HostStatus status) {
        var st = hostStates.get(host);
        return st != null && st.status() == status;
    }


    /** Messages saying the fleet is FROZEN (not those only saying a freeze is over). */
    int frozenMails() {
        return (int) Arrays.stream(smtp.getReceivedMessages()).filter(m -> isFrozenFiring(subject(m))).count();
    }

    static boolean isFrozenFiring(String subject) {
        return subject.contains("fleet-frozen") && !subject.endsWith(": resolved");
    }

    int frozenHooks() {
        return (int) hook.bodies.stream().filter(b -> b.contains("fleet-frozen") && b.contains("\"status\":\"firing\"")).count();
    }

    int resolvedHooks() {
        return (int) hook.bodies.stream().filter(b -> b.contains("fleet-frozen") && b.contains("\"status\":\"resolved\"")).count();
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void hangsFromADegradedHostGroupTakeTheSlowBucketWhileTheFleetIsNormal() throws Exception {
        fleetSettledNormal();
        String mark = "rack=r7 DEGRADED: 3 of 10 silent (0.30 >= 0.20)";
        for (String h : List.of("gd-1", "gd-2", "gd-3")) {
            ItSupport.inventory(h, "redfish", redfish(h));
            it.hungInDegradedGroup(h, "b1", 5, mark);
        }
        await().atMost(Duration.ofSeconds(60)).until(() ->
                ItSupport.count("SELECT count(*) FROM ledger WHERE host_id LIKE 'gd-%' AND decision IN ('SKIPPED', 'HELD', 'EXECUTED', 'FAILED')") == 3);
        // the slow bucket holds one token (1 per 10 min); the primary one (6) and the in-flight cap (3) would pass all three
        assertThat(bmc.resets()).extracting(FakeBmc.Reset::systemId).hasSize(1).allMatch(h -> h.startsWith("gd-"));
        assertThat(ItSupport.count("SELECT count(*) FROM ledger WHERE host_id LIKE 'gd-%' AND decision = 'HELD' AND reason = 'FLEET_DEGRADED_RATE'"))
                .isEqualTo(2);
        assertThat(ItSupport.count("SELECT count(*) FROM ledger WHERE host_id LIKE 'gd-%' AND decision = 'INTENT' AND detail::text LIKE '%rack=r7%'"))
                .as("the ledger row names the group").isEqualTo(1);
    }

    @Test
    void aGroupDegradedHangHeldWhileTheFleetWasFrozenKeepsTheSlowBucketWhenTheReCheckDecidesItAgain() throws Exception {
        String mark = "rack=r9 DEGRADED: 4 of 12 silent (0.33 >= 0.20)";
        it.fleet(FleetMode.FROZEN);
        it.flush();
        await().atMost(Duration.ofSeconds(20)).until(() -> given().when().get("/metrics").then().extract().asString()
                .contains("hangcheck_executor_fleet_frozen 1.0"));
        for (String h : List.of("gdr-1", "gdr-2", "gdr-3")) {
            ItSupport.inventory(h, "redfish", redfish(h));
            it.hungInDegradedGroup(h, "b1", 5, mark);
        }
        await().atMost(Duration.ofSeconds(60)).until(() ->
                ItSupport.count("SELECT count(*) FROM ledger WHERE host_id LIKE 'gdr-%' AND decision = 'HELD' AND reason = 'FLEET_FROZEN'") == 3);
        assertThat(ItSupport.count("SELECT count(*) FROM incident WHERE host_id LIKE 'gdr-%' AND group_degraded = '" + mark + "'"))
                .as("each claim keeps the mark").isEqualTo(3);

        // the fleet thaws; the re-check decides the three again from their host states (which carry no mark)
        fleetSettledNormal();
        List<RebootRecord> again = recheck.run().stream().filter(r -> r.hostId().startsWith("gdr-")).toList();
        // the slow bucket holds one token (1 per 10 min); the primary one (6) and the in-flight cap (3) would pass all three
        assertThat(again).extracting(r -> r.decision() + " " + r.reason()).containsExactlyInAnyOrder(
                "INTENT POLICY_PASSED", "EXECUTED POLICY_PASSED", "HELD FLEET_DEGRADED_RATE", "HELD FLEET_DEGRADED_RATE");
        assertThat(again).filteredOn(r -> r.decision() != io.hangcheck.events.RebootDecision.EXECUTED).hasSize(3)
                .allSatisfy(r -> assertThat(r.detail()).containsEntry("groupDegraded", mark).containsEntry("recheck", "true"));
        assertThat(bmc.resets()).extracting(FakeBmc.Reset::systemId).hasSize(1).allMatch(h -> h.startsWith("gdr-"));

        // looked at again: the same answer (the slow bucket is still empty), nothing written, nothing reset
        assertThat(recheck.run()).filteredOn(r -> r.hostId().startsWith("gdr-")).isEmpty();
        assertThat(bmc.resets()).hasSize(1);
    }

    @Test
    void fiftyIndependentHangsInANormalFleetNeverExceedTheCaps() throws Exception {
        for (int i = 0; i < 50; i++) {
            ItSupport.inventory("n50-" + i, "redfish", redfish("n50-" + i));
        }
        for (int i = 0; i < 50; i++) {
            it.hung("n50-" + i, "b1", 5);
        }
        await().atMost(Duration.ofSeconds(90)).until(() ->
                ItSupport.count("SELECT count(*) FROM ledger WHERE host_id LIKE 'n50-%' AND decision IN ('SKIPPED', 'HELD', 'EXECUTED', 'FAILED')") == 50);
        int executed = ItSupport.count("SELECT count(*) FROM ledger WHERE host_id LIKE 'n50-%' AND decision = 'EXECUTED'");
        int intents = ItSupport.count("SELECT count(*) FROM ledger WHERE host_id LIKE 'n50-%' AND decision = 'INTENT'");
        // in flight 3 (none confirmed yet), bucket 6, share of 50 hosts per hour 5: the in-flight cap binds
        assertThat(executed).isEqualTo(3);
        assertThat(intents).isEqualTo(3);
        assertThat(bmc.resets()).hasSize(3);
        assertThat(ItSupport.count("SELECT count(*) FROM ledger WHERE host_id LIKE 'n50-%' AND decision = 'SKIPPED' AND reason = 'IN_FLIGHT_CAP'"))
                .isEqualTo(47);
        // the three come back: in flight falls to zero, the next hangs pass until the bucket/share caps
        for (FakeBmc.Reset r : bmc.resets()) {
            it.rebooted(r.systemId(), "b1", 5, "b2");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.count("SELECT count(*) FROM action WHERE NOT closed") == 0);
        for (int i = 0; i < 50; i++) {
            it.hung("n50-" + i, "b1", 6); // a new incident on every host
        }
        await().atMost(Duration.ofSeconds(90)).until(() ->
                ItSupport.count("SELECT count(*) FROM ledger WHERE host_id LIKE 'n50-%' AND incident_id LIKE '%/6' AND decision IN ('SKIPPED', 'HELD', 'EXECUTED', 'FAILED')") == 50);
        assertThat(bmc.resets().size()).isLessThanOrEqualTo(5); // 10 % of 50 per hour; bucket 6; in flight 3
        assertThat(ItSupport.count("SELECT count(*) FROM action WHERE NOT closed")).isLessThanOrEqualTo(3);
        assertThat(bmc.resets().stream().map(FakeBmc.Reset::systemId).distinct().count()).isEqualTo(bmc.resets().size());
    }

    @Test
    void hungNotCorroboratedByHostStateIsNotActedOn() throws Exception {
        ItSupport.inventory("forged-1", "redfish", redfish("forged-1"));
        it.state("forged-1", HostStatus.UP, null, "b1", 77);
        it.hungOnly("forged-1", "b1", 77);
        await().atMost(Duration.ofSeconds(20)).until(() -> !ItSupport.ledger("forged-1").isEmpty());
        assertThat(ItSupport.ledger("forged-1")).containsExactly("SKIPPED NOT_CORROBORATED");
        assertThat(bmc.resets("forged-1")).isEmpty();
    }

    @Test
    void heldAndSuspectEventsAreNeverActedOnAndPoisonGoesToTheDlq() throws Exception {
        ItSupport.inventory("held-1", "redfish", redfish("held-1"));
        it.state("held-1", HostStatus.HELD, "held-1/b1/3", "b1", 3);
        var held = ItSupport.event(io.hangcheck.events.LivenessEventType.HELD, "held-1", "b1", 3, null);
        it.send(Topics.LIVENESS_EVENTS, "held-1", held, io.hangcheck.events.EventType.LIVENESS_EVENT, held.eventId());
        it.sendRaw(Topics.LIVENESS_EVENTS, "held-1", "{\"type\":\"HUNG\",\"hostId\":".getBytes());
        // a marker after both: once it is processed, the two before it were too
        ItSupport.inventory("marker-1", "dry-run", Map.of());
        it.hung("marker-1", "b1", 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.ledger("marker-1").contains("EXECUTED POLICY_PASSED"));
        assertThat(ItSupport.ledger("held-1")).isEmpty();
        List<ConsumerRecord<String, byte[]>> dlq = TestKafka.shared().drain(Topics.dlq(Topics.LIVENESS_EVENTS), Duration.ofSeconds(10), new ByteArrayDeserializer());
        assertThat(dlq).anySatisfy(r -> {
            assertThat(new String(r.value())).startsWith("{\"type\":\"HUNG\"");
            assertThat(CloudEvents.header(r.headers(), DeadLetter.REASON)).isPresent();
            assertThat(CloudEvents.header(r.headers(), DeadLetter.TOPIC)).contains(Topics.LIVENESS_EVENTS);
            assertThat(CloudEvents.header(r.headers(), DeadLetter.PARTITION)).isPresent();
            assertThat(CloudEvents.header(r.headers(), DeadLetter.OFFSET)).isPresent();
        });
    }

    @Test
    void aStateAndAHungFiledUnderAnotherHostsKeyGoToTheDlqAndNothingIsActedOn() throws Exception {
        ItSupport.inventory("keyed-1", "redfish", redfish("keyed-1"));
        it.state("keyed-1", HostStatus.UP, null, "b1", 5); // what the evaluator says about keyed-1
        // a state and a HUNG describing keyed-1, both under another key: either one taken would act on keyed-1
        // (the state corroborating the HUNG, or the HUNG answered NOT_CORROBORATED)
        java.time.Instant now = java.time.Instant.now();
        String incident = io.hangcheck.events.LivenessEvent.incidentId("keyed-1", "b1", 5);
        it.send(Topics.LIVENESS_STATE, "keyed-other", new io.hangcheck.events.HostState("keyed-1", HostStatus.HUNG, "b1", 5,
                        now.minusSeconds(300), now, incident, "ingest-0", Map.of("pool", "it"), now.plusSeconds(1), "ev-1"),
                io.hangcheck.events.EventType.HOST_STATE, "keyed-1@wrong-key");
        it.flush();
        var hung = ItSupport.event(io.hangcheck.events.LivenessEventType.HUNG, "keyed-1", "b1", 5, null);
        it.send(Topics.LIVENESS_EVENTS, "keyed-other", hung, io.hangcheck.events.EventType.LIVENESS_EVENT, hung.eventId());
        it.flush();

        for (String topic : List.of(Topics.LIVENESS_STATE, Topics.LIVENESS_EVENTS)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    TestKafka.shared().drain(Topics.dlq(topic), Duration.ofSeconds(3), new ByteArrayDeserializer()))
                    .as("dead letters of " + topic)
                    .anySatisfy(r -> {
                        assertThat(r.key()).isEqualTo("keyed-other");
                        assertThat(CloudEvents.header(r.headers(), DeadLetter.REASON).orElse(""))
                                .contains("does not match the record key");
                    }));
        }
        assertThat(ItSupport.ledger("keyed-1")).isEmpty();
        assertThat(bmc.resets("keyed-1")).isEmpty();
    }

    @Test
    void theDatabaseRefusesASecondOpenActionForAHostWhateverWritesIt() throws Exception {
        try (var c = ItSupport.db(); var st = c.createStatement()) {
            st.execute("INSERT INTO incident (incident_id, host_id, boot_id, origin, claimed_at) VALUES ('two-1/a', 'two-1', 'b1', 'HUNG', now()), ('two-1/b', 'two-1', 'b1', 'FORCED', now())");
            st.execute("INSERT INTO action (incident_id, host_id, attempt, driver, reset_type, boot_id, intent_at) VALUES ('two-1/a', 'two-1', 1, 'dry-run', 'GracefulRestart', 'b1', now())");
            assertThatThrownBy(() -> st.execute("INSERT INTO action (incident_id, host_id, attempt, driver, reset_type, boot_id, intent_at)"
                    + " VALUES ('two-1/b', 'two-1', 1, 'dry-run', 'ForceRestart', 'b1', now())"))
                    .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("action_one_open_per_host");
            // once the first is closed (confirmed, failed, UNKNOWN, escalated) the next may be opened
            st.execute("UPDATE action SET closed = TRUE, closed_as = 'CONFIRMED' WHERE incident_id = 'two-1/a'");
            st.execute("INSERT INTO action (incident_id, host_id, attempt, driver, reset_type, boot_id, intent_at) VALUES ('two-1/b', 'two-1', 1, 'dry-run', 'ForceRestart', 'b1', now())");
        }
    }

    @Test
    void adminApiNeedsAToken() {
        given().when().get("/v1/pause").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", "Bearer wrong").when().get("/v1/ledger").then().statusCode(401);
        given().header("Authorization", VIEW).when().get("/v1/pause").then().statusCode(200).body("paused", equalTo(false));
        given().header("Authorization", VIEW).contentType("application/json").body("{\"reason\":\"x\"}")
                .when().post("/v1/pause").then().statusCode(403);
        given().when().get("/q/health/ready").then().statusCode(200);
        String openapi = given().when().get("/q/openapi").then().statusCode(200).extract().asString();
        assertThat(openapi).contains("/v1/hosts/{id}/what-if").contains("/v1/silences/{id}").contains("bearer");
    }

    @Test
    void pauseSilenceInventoryWhatIfAndManualRebootThroughTheApi() throws Exception {
        // inventory
        given().header("Authorization", OP).contentType("application/json")
                .body(Map.of("driver", "redfish", "params", redfish("api-1"), "labels", Map.of("pool", "gpu")))
                .when().put("/v1/inventory/api-1").then().statusCode(201);
        given().header("Authorization", OP).contentType("application/json").body(Map.of("driver", "telnet"))
                .when().put("/v1/inventory/api-2").then().statusCode(400).body("field", equalTo("driver"));
        given().header("Authorization", VIEW).when().get("/v1/inventory/api-1").then().statusCode(200).body("driver", equalTo("redfish"));

        // pause: a HUNG is skipped as PAUSED
        given().header("Authorization", OP).contentType("application/json").body("{}")
                .when().post("/v1/pause").then().statusCode(400).body("field", equalTo("reason"));
        given().header("Authorization", OP).contentType("application/json").body(Map.of("reason", "storm", "author", "alice"))
                .when().post("/v1/pause").then().statusCode(200).body("paused", equalTo(true));
        given().header("Authorization", VIEW).when().get("/v1/hosts/api-1/what-if").then().statusCode(200)
                .body("manual.reason", equalTo("PAUSED"));
        it.hung("api-1", "b1", 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.ledger("api-1").contains("SKIPPED PAUSED"));
        given().header("Authorization", OP).when().delete("/v1/pause").then().statusCode(200).body("paused", equalTo(false));

        // a label silence
        given().header("Authorization", OP).contentType("application/json")
                .body(Map.of("labelKey", "pool", "labelValue", "gpu", "duration", "PT1H", "reason", "driver update"))
                .when().post("/v1/silences").then().statusCode(201);
        given().header("Authorization", OP).contentType("application/json").body(Map.of("reason", "x"))
                .when().post("/v1/silences").then().statusCode(400).body("field", equalTo("hostId"));
        given().header("Authorization", VIEW).when().get("/v1/hosts/api-1/what-if").then().statusCode(200)
                .body("hung.reason", equalTo("SILENCED"));
        int silenceId = given().header("Authorization", VIEW).when().get("/v1/silences").then().statusCode(200)
                .extract().path("[0].id");
        given().header("Authorization", OP).when().delete("/v1/silences/" + silenceId).then().statusCode(204);

        // manual reboot through the chain: requestId is required, and a retry of the same request is the same incident
        given().header("Authorization", OP).contentType("application/json").body(Map.of("author", "bob"))
                .when().post("/v1/hosts/api-1/reboot").then().statusCode(400).body("field", equalTo("requestId"));
        given().header("Authorization", OP).contentType("application/json").body(Map.of("author", "bob", "requestId", "req-1"))
                .when().post("/v1/hosts/api-1/reboot").then().statusCode(200)
                .body("verdict.decision", equalTo("INTENT")).body("records.decision", hasItem("EXECUTED"));
        for (int retry = 0; retry < 4; retry++) { // a client whose POST timed out sends it again
            given().header("Authorization", OP).contentType("application/json").body(Map.of("author", "bob", "requestId", "req-1"))
                    .when().post("/v1/hosts/api-1/reboot").then().statusCode(200).body("verdict.reason", equalTo("DUPLICATE_INCIDENT"));
        }
        assertThat(bmc.resets("api-1")).as("5 POSTs of one request").hasSize(1);
        // the reset waits for its new boot: another request is refused; force needs a reason, and while the attempt is open a 409 naming it
        given().header("Authorization", OP).contentType("application/json").body(Map.of("requestId", "req-2"))
                .when().post("/v1/hosts/api-1/reboot").then().statusCode(200).body("verdict.reason", equalTo("HOST_COOL_DOWN"));
        given().header("Authorization", OP).contentType("application/json").body(Map.of("force", true, "requestId", "req-3"))
                .when().post("/v1/hosts/api-1/reboot").then().statusCode(400).body("field", equalTo("reason"));
        given().header("Authorization", OP).contentType("application/json")
                .body(Map.of("force", true, "reason", "BIOS hung, checked by hand", "requestId", "req-4"))
                .when().post("/v1/hosts/api-1/reboot").then().statusCode(409).body("field", equalTo("id"))
                .body("detail", containsString("manual/api-1/req-1#1"));
        assertThat(bmc.resets("api-1")).hasSize(1);
        // once the host came back the attempt is closed, and a forced reset goes past the cool-down
        it.rebooted("api-1", "b1", 1, "b2");
        await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.ledger("api-1").contains("CONFIRMED NEW_BOOT_SEEN"));
        given().header("Authorization", OP).contentType("application/json")
                .body(Map.of("force", true, "reason", "BIOS hung, checked by hand", "requestId", "req-5"))
                .when().post("/v1/hosts/api-1/reboot").then().statusCode(200).body("verdict.reason", equalTo("MANUAL_FORCED"));
        assertThat(bmc.resets("api-1")).hasSize(2);

        // ledger query
        given().header("Authorization", VIEW).queryParam("host", "api-1").queryParam("decision", "EXECUTED")
                .when().get("/v1/ledger").then().statusCode(200).body("size()", equalTo(2));
        given().header("Authorization", VIEW).queryParam("decision", "MAYBE")
                .when().get("/v1/ledger").then().statusCode(400).body("field", equalTo("decision"));
        given().header("Authorization", VIEW).queryParam("from", "yesterday")
                .when().get("/v1/ledger").then().statusCode(400).body("field", equalTo("from"));

        // metrics
        String metrics = given().when().get("/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("hangcheck_executor_decisions_total{decision=\"EXECUTED\",reason=\"MANUAL_FORCED\",}")
                .contains("hangcheck_executor_in_flight").contains("hangcheck_executor_driver_latency_seconds_bucket");
    }
}
