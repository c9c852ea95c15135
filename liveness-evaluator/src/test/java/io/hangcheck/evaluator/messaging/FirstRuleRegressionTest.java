package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.HostRecord;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HostState;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.events.Transport;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import static io.hangcheck.evaluator.messaging.Lab.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One regression test per row of the evaluator's safety issue (S1, S3, S4, S5, S7, F1–F4, P1) and the evaluator's
 * part of the hostile-input issue (D1, D6, D7), each on the production topology ({@link Lab}).
 */
class FirstRuleRegressionTest {
    private static final Thresholds DEFAULTS = Thresholds.defaults();
    private static final Thresholds FAST = Thresholds.fast();

    @TempDir
    Path stateDir;

    private static long at(int second) {
        return T0 + second * 1000L;
    }

    /** Seconds {@code from}..{@code to}: a tick of each healthy instance, then {@code each}, then 1 s of wall time. */
    private static void seconds(Lab lab, int from, int to, IntConsumer each) {
        for (int s = from; s <= to; s++) {
            lab.tick(at(s));
            each.accept(s);
            lab.wall(1000);
        }
    }

    private static Heartbeat hb(String host, String boot, long seq, long receivedAt, String via, Long uptime) {
        return Heartbeat.fromHost(host, boot, seq, Instant.ofEpochMilli(receivedAt), Map.of("pool", "lab-a"), uptime)
                .stamped(Instant.ofEpochMilli(receivedAt), Transport.HTTP, via);
    }

    private static void send(Lab lab, Heartbeat hb) {
        lab.heartbeats.pipeInput(hb.hostId(), hb, hb.receivedAt().toEpochMilli());
    }

    /** Five bystanders beating every 60 s (so a fleet exists around the host under test). */
    private static void bystanders(Lab lab, int s) {
        if (s % 60 == 5) {
            for (int h = 0; h < 5; h++) {
                send(lab, hb("by-" + h, "boot-1", s, at(s), "ingest-0", null));
            }
        }
    }

    private static double metric(Lab lab, String name, String label, String value) {
        Double v = lab.registry.getSampleValue(name, new String[]{label}, new String[]{value});
        return v == null ? 0 : v;
    }

    /** The evaluator's current record of the host (its plain heartbeats reach the store only every few minutes). */
    private static HostRecord stored(Lab lab, String host) {
        return lab.current(host);
    }

    @Test
    void aLateHeartbeatOfAnOldBootNeverSilencesAHostThatBeats() {
        // S1: boot-1 → boot-2 → boot-3, a heartbeat a minute, then one late boot-1 record (its original receipt);
        // the variant: the same boot-1 heartbeat received anew (a host's buffered resend), later on.
        try (Lab lab = new Lab(DEFAULTS, stateDir)) {
            Heartbeat[] firstBoot = new Heartbeat[1];
            seconds(lab, 1, 1800, s -> {
                bystanders(lab, s);
                if (s % 60 == 0) {
                    String boot = s <= 180 ? "boot-1" : s <= 420 ? "boot-2" : "boot-3";
                    Heartbeat h = hb("host-s1", boot, s / 60, at(s), "ingest-0", null);
                    send(lab, h);
                    if (s == 60) {
                        firstBoot[0] = h;
                    }
                }
                if (s == 500) {
                    send(lab, firstBoot[0]); // late copy: received long ago
                }
                if (s == 930) {
                    send(lab, hb("host-s1", "boot-1", 1, at(s), "ingest-0", null)); // received now
                }
            });
            lab.collect();
            assertThat(lab.hosts(LivenessEventType.HUNG)).isEmpty();
            assertThat(stored(lab, "host-s1").status()).isEqualTo(HostStatus.UP);
            assertThat(stored(lab, "host-s1").bootId()).isEqualTo("boot-3");
            assertThat(metric(lab, "hangcheck_evaluator_ignored_total", "reason", "old_boot")).isEqualTo(1.0);
            assertThat(metric(lab, "hangcheck_evaluator_heartbeat_anomalies_total", "kind", "boot_returned")).isEqualTo(1.0);
        }
    }

    @Test
    void anAgentRestartedWithALowerSeqStaysUpAndItsIncidentIdsDoNotRepeat() {
        // S3: within one boot the seq goes back to 10 (state file lost) and beats go on; later the host hangs
        try (Lab lab = new Lab(DEFAULTS, stateDir)) {
            seconds(lab, 1, 2400, s -> {
                bystanders(lab, s);
                if (s % 60 == 0 && s <= 1800) {
                    long seq = s <= 600 ? s / 60 + 100 : s / 60;
                    send(lab, hb("host-s3", "boot-1", seq, at(s), "ingest-0", null));
                }
            });
            List<LivenessEvent> hung = lab.events(LivenessEventType.HUNG);
            assertThat(hung).extracting(LivenessEvent::hostId).containsExactly("host-s3");
            assertThat(hung.get(0).lastSeenAt()).isEqualTo(Instant.ofEpochMilli(at(1800)));
            // seq 110 at 600 s, then 11..30: re-based to 111..130, so the incident id is new
            assertThat(hung.get(0).incidentId()).isEqualTo("host-s3/boot-1/130");
            assertThat(metric(lab, "hangcheck_evaluator_heartbeat_anomalies_total", "kind", "seq_regressed")).isEqualTo(1.0);
            assertThat(lab.events.stream().map(r -> r.value().eventId())).doesNotHaveDuplicates();
        }
    }

    @Test
    void forgedHeartbeatsOfD1CannotSilenceALiveHost() {
        // the hostile-input row D1 (RELIABILITY.md): a forged seq for the live boot, and boot=x1 seq=1 up=999999. The exact seq=999999999999999999
        // is refused by the contract now (seq <= 2^53, ContractBoundsTest); the largest seq it lets through must not
        // silence the host either
        try (Lab lab = new Lab(DEFAULTS, stateDir)) {
            seconds(lab, 1, 1500, s -> {
                bystanders(lab, s);
                if (s % 60 == 30) {
                    send(lab, hb("host-d1", "b-live", s / 60, at(s), "ingest-0", 86_400L + s));
                }
                if (s == 200) {
                    send(lab, hb("host-d1", "b-live", Heartbeat.SEQ_MAX, at(s), "ingest-0", null));
                }
                if (s == 500) {
                    send(lab, hb("host-d1", "x1", 1, at(s), "ingest-0", 999999L));
                }
            });
            assertThat(lab.hosts(LivenessEventType.HUNG)).isEmpty();
            HostRecord r = stored(lab, "host-d1");
            assertThat(r.status()).isEqualTo(HostStatus.UP);
            assertThat(r.bootId()).isEqualTo("b-live");
            assertThat(r.lastSeenAt()).isEqualTo(at(1470));
        }
    }

    @Test
    void aForgedUptimeCannotStretchTheBootGrace() {
        // D6: uptimeSeconds 13835058055282164 (× 1000 overflowed) is refused by the contract now (<= 10 years,
        // ContractBoundsTest); with the largest uptime it lets through the host that then stops is judged on time
        try (Lab lab = new Lab(DEFAULTS, stateDir)) {
            seconds(lab, 1, 1000, s -> {
                bystanders(lab, s);
                if (s == 10) {
                    send(lab, hb("host-d6", "boot-1", 1, at(s), "ingest-0", Heartbeat.UPTIME_MAX_SECONDS));
                }
            });
            assertThat(stored(lab, "host-d6").bootGraceUntil()).isLessThanOrEqualTo(at(10) + DEFAULTS.bootGraceMs());
            assertThat(lab.hosts(LivenessEventType.HUNG)).containsExactly("host-d6");
        }
    }

    @Test
    void aDegradedIngestAnywhereInThePartitionHoldsTheVerdict() {
        // S7: ingest-1 DEGRADED (refuses) from 300 s; ingest-0 down 600–720 s; the host last came via ingest-0
        try (Lab lab = new Lab(DEFAULTS, stateDir)) {
            for (int s = 1; s <= 1300; s++) {
                if (s < 600 || s > 720) {
                    lab.tick("ingest-0", at(s), false);
                }
                lab.tick("ingest-1", at(s), s >= 300);
                if (s % 60 == 5) {
                    for (int h = 0; h < 10; h++) {
                        send(lab, hb("by-" + h, "boot-1", s, at(s), "ingest-1", null));
                    }
                }
                if (s % 60 == 50 && s < 600) {
                    send(lab, hb("host-s7", "boot-1", s, at(s), "ingest-0", null));
                }
                lab.wall(1000);
            }
            assertThat(lab.hosts(LivenessEventType.HUNG)).isEmpty();
            List<LivenessEvent> held = lab.events(LivenessEventType.HELD);
            assertThat(held).extracting(LivenessEvent::hostId).containsExactly("host-s7");
            assertThat(String.join(" ", held.get(0).reasons())).contains("ingest-1 DEGRADED");
        }
    }

    @Test
    void aStaleOperatorResetDoesNotHideALaterHang() {
        // S4: the host hangs at 600 s; while it is SUSPECT an operator's reset (incident not host/boot/seq) is relayed
        try (Lab lab = new Lab(DEFAULTS, stateDir)) {
            seconds(lab, 1, 2400, s -> {
                bystanders(lab, s);
                if (s % 60 == 0 && s <= 600) {
                    send(lab, hb("host-s4", "boot-1", s / 60, at(s), "ingest-0", null));
                }
                if (s == 760) {
                    lab.reboots.pipeInput("host-s4", new RebootRecord("op-1", "manual/op-1", "host-s4", RebootDecision.EXECUTED,
                            RebootReason.values()[0], null, "dry-run", 1, Instant.ofEpochMilli(at(s)), Map.of()), at(s));
                }
            });
            List<LivenessEvent> hung = lab.events(LivenessEventType.HUNG);
            assertThat(hung).extracting(LivenessEvent::hostId).containsExactly("host-s4");
            // REBOOTING for reboot-confirmation (20 min) from 760 s, then judged again: HUNG on the next look
            assertThat(hung.get(0).at()).isBetween(Instant.ofEpochMilli(at(760) + DEFAULTS.rebootConfirmMs()),
                    Instant.ofEpochMilli(at(760) + DEFAULTS.rebootConfirmMs() + 2_000));
            assertThat(lab.events.stream().map(r -> r.value().eventId())).doesNotHaveDuplicates();
        }
    }

    @Test
    void aResetHostThatNeverComesBackIsHungAgainWithoutASecondHungEvent() {
        try (Lab lab = new Lab(FAST, stateDir)) {
            seconds(lab, 1, 40, s -> {
                for (int h = 0; h < 10; h++) {
                    if (h != 4 || s <= 10) {
                        lab.heartbeat("host-" + h, s, at(s));
                    }
                }
                if (s == 20) {
                    LivenessEvent hung = lab.events(LivenessEventType.HUNG).get(0);
                    lab.reboots.pipeInput("host-4", new RebootRecord("r-1", hung.incidentId(), "host-4", RebootDecision.EXECUTED,
                            RebootReason.values()[0], null, "dry-run", 1, Instant.ofEpochMilli(at(s)), Map.of()), at(s));
                }
            });
            assertThat(lab.hosts(LivenessEventType.HUNG)).containsExactly("host-4");
            assertThat(lab.states.stream().filter(r -> r.key().equals("host-4")).map(r -> r.value().status()).toList())
                    .containsSubsequence(HostStatus.HUNG, HostStatus.REBOOTING, HostStatus.HUNG);
        }
    }

    @Test
    void anIngestClockSteppingBackHoldsVerdictsAndIsReported() {
        // S5: the only ingest's clock steps back 600 s at 600 s; ticks keep coming; a host hangs at 620 s
        try (Lab lab = new Lab(DEFAULTS, stateDir)) {
            for (int s = 1; s <= 1900; s++) {
                long tickAt = s < 600 ? at(s) : at(s) - 600_000;
                lab.tick("ingest-0", tickAt, false);
                if (s % 60 == 5) {
                    for (int h = 0; h < 5; h++) {
                        send(lab, hb("by-" + h, "boot-1", s, tickAt, "ingest-0", null));
                    }
                }
                if (s % 60 == 20 && s <= 620) {
                    send(lab, hb("host-s5", "boot-1", s, tickAt, "ingest-0", null));
                }
                lab.wall(1000);
                if (s == 700) {
                    FleetHealth fh = lab.lastFleet();
                    assertThat(fh.mode()).isEqualTo(FleetMode.FROZEN);
                    assertThat(fh.reasons()).anySatisfy(r -> assertThat(r).contains("clock inconsistent")
                            .contains("ingest-0 ticks").contains("behind partition time"));
                }
            }
            assertThat(metric(lab, "hangcheck_evaluator_clock_steps_total", "direction", "back")).isEqualTo(1.0);
            // no verdict while the clocks disagreed (until ingest's clock caught up, ~1200 s); then judged
            List<LivenessEvent> hung = lab.events(LivenessEventType.HUNG);
            assertThat(hung).extracting(LivenessEvent::hostId).containsExactly("host-s5");
            assertThat(hung.get(0).at()).isAfter(Instant.ofEpochMilli(at(600)));
        }
    }

    @Test
    void aFleetOfTwoHostsAllSilentIsFrozenNotHung() {
        // F1: as Kubernetes' full disruption — all of a small fleet down is no evidence either
        try (Lab lab = new Lab(FAST, stateDir)) {
            seconds(lab, 1, 30, s -> {
                if (s <= 10) {
                    lab.heartbeat("host-0", s, at(s));
                    lab.heartbeat("host-1", s, at(s));
                }
            });
            assertThat(lab.hosts(LivenessEventType.HUNG)).isEmpty();
            assertThat(lab.lastFleet().mode()).isEqualTo(FleetMode.FROZEN);
            assertThat(lab.lastFleet().reasons()).anySatisfy(r -> assertThat(r).contains("all 2 tracked hosts down"));
        }
    }

    @Test
    void aRetiredHostIsForgottenWithATombstoneAndNoLongerHoldsARealHang() {
        // F2: a fleet of 5, one host retired for good (HUNG), then a real hang: judged, not HELD at share 0.40
        try (Lab lab = new Lab(FAST, stateDir)) {
            seconds(lab, 1, 40, s -> {
                for (int h = 0; h < 5; h++) {
                    boolean alive = h == 0 ? s <= 5 : h == 1 ? s <= 25 : true;
                    if (alive) {
                        lab.heartbeat("host-" + h, s, at(s));
                    }
                }
                if (s == 15) {
                    lab.fleet.requestRetire("host-0");
                }
            });
            assertThat(stored(lab, "host-0")).isNull();
            lab.collect();
            TestRecord<String, HostState> tomb = lab.states.stream().filter(r -> r.key().equals("host-0"))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(tomb.value()).isNull();
            assertThat(metric(lab, "hangcheck_evaluator_hosts_forgotten_total", "reason", "retired")).isEqualTo(1.0);
            assertThat(lab.hosts(LivenessEventType.HUNG)).containsExactly("host-0", "host-1");
        }
    }

    @Test
    void madeUpHostsThatFallSilentAreForgottenAndTheFleetThaws() {
        // D7: heartbeats for 10 made-up ids, then silence: FROZEN, until forget-after (here 60 s) forgets them
        Thresholds t = FAST.withLifetimes(10_000, 60_000, 60_000);
        try (Lab lab = new Lab(t, stateDir)) {
            seconds(lab, 1, 120, s -> {
                for (int h = 0; h < 10; h++) {
                    lab.heartbeat("real-" + h, s, at(s));
                    if (s <= 5) {
                        lab.heartbeat("fake-" + h, s, at(s));
                    }
                }
                if (s == 30) {
                    assertThat(lab.fleet.mode()).isEqualTo(FleetMode.FROZEN);
                }
            });
            assertThat(lab.hosts(LivenessEventType.HUNG)).isEmpty();
            assertThat(metric(lab, "hangcheck_evaluator_hosts_forgotten_total", "reason", "silent")).isEqualTo(10.0);
            assertThat(lab.states.stream().filter(r -> r.key().startsWith("fake-") && r.value() == null)).hasSize(10);
            assertThat(lab.fleet.mode()).isEqualTo(FleetMode.NORMAL);
        }
    }

    @Test
    void rebootingHostsCountAsDownForTheFleetGuard() {
        // F3: hosts hang one after another and are reset and never come back; the fleet must freeze at 40 % down
        try (Lab lab = new Lab(FAST, stateDir)) {
            seconds(lab, 1, 80, s -> {
                for (int h = 0; h < 10; h++) {
                    int stopsAt = h < 7 ? 10 + h * 10 : Integer.MAX_VALUE;
                    if (s <= stopsAt) {
                        lab.heartbeat("host-" + h, s, at(s));
                    }
                }
                for (LivenessEvent e : lab.events(LivenessEventType.HUNG)) {
                    if (!resetDone.contains(e.hostId())) {
                        resetDone.add(e.hostId());
                        lab.reboots.pipeInput(e.hostId(), new RebootRecord("r-" + e.hostId(), e.incidentId(), e.hostId(),
                                RebootDecision.EXECUTED, RebootReason.values()[0], null, "dry-run", 1,
                                Instant.ofEpochMilli(at(s)), Map.of()), at(s));
                    }
                }
            });
            // 4 of 10 down freezes the fleet: at most 4 hosts are judged HUNG, the rest are HELD
            assertThat(lab.hosts(LivenessEventType.HUNG)).hasSizeLessThanOrEqualTo(4);
            assertThat(lab.hosts(LivenessEventType.HELD)).isNotEmpty();
            assertThat(lab.lastFleet().silentHosts()).isEqualTo(7);
        }
    }

    private final java.util.Set<String> resetDone = new java.util.HashSet<>();

    @Test
    void flappingHostsCountOnceInTheStormRule() {
        // F4: 5 of 30 hosts flap (silent 3 s, back, again) within a 30-s storm window: 5 hosts, not 15 silences
        Thresholds t = FAST.withStormWindow(30_000);
        try (Lab lab = new Lab(t, stateDir)) {
            seconds(lab, 1, 40, s -> {
                for (int h = 0; h < 30; h++) {
                    boolean flapping = h < 5 && s > 10 && s % 4 != 0;
                    if (!flapping) {
                        lab.heartbeat("host-" + h, s, at(s));
                    }
                }
            });
            assertThat(lab.hosts(LivenessEventType.SUSPECT).size()).isGreaterThanOrEqualTo(15);
            assertThat(lab.fleetReports).noneMatch(f -> f.mode() == FleetMode.FROZEN);
        }
    }

    @Test
    void aPhiHangAbove308StillSchedulesLooksAndJudges() {
        // P1: phi-hang 400 made the inverse NaN (a look on every tick); now finite, and the hang is still caught
        try (Lab lab = new Lab(FAST.withPhi(3.0, 400.0), stateDir)) {
            seconds(lab, 1, 60, s -> {
                for (int h = 0; h < 10; h++) {
                    if (h != 3 || s <= 20) {
                        lab.heartbeat("host-" + h, s, at(s));
                    }
                }
            });
            assertThat(lab.hosts(LivenessEventType.HUNG)).containsExactly("host-3");
            // looks follow the schedule (about one per host per second here), not one per tick and host on top
            assertThat(lab.registry.getSampleValue("hangcheck_evaluator_evaluations_total")).isLessThan(60 * 10 * 1.5);
        }
    }

    /**
     * Schedules the property search found broken, replayed: 441331 — ingest-1 stopped, then ingest-0's clock stepped
     * 62 s ahead; the jump of partition time aged the stopped instance out of the paths in doubt and a host was
     * judged HUNG while ingest-1 was still down (PartitionClockTest#aClockThatJumpsAheadDoesNotForgetAStoppedInstance).
     * -2492 — a hung host's late copy of seq 8 after an evaluator restart was taken as news (RECOVERED, HUNG a
     * second after the bound; LivenessRulesTest#aLateCopyAfterARestoreIsNotNewsOfTheHost). 30789 — both ingest
     * clocks stepped ahead alike (24 and 27 s): the evaluator rightly judged after the jump's grace, the model had
     * called every stepped clock trouble for good (it now asks, as the design says, whether clocks disagree).
     * -2043 — the model's real-silence rule (f): a host that beat in the second of a restart was HUNG 4.7 s after
     * its last heartbeat (the restore's grace counted from the tick before it; now from a tick after).
     */
    @Test
    void schedulesOnceBrokenKeepTheFirstRule() {
        for (long seed : new long[]{441331, 5709176, -9147329752347278345L, -2492, 30789, -2043}) {
            FleetSimulation sim = new FleetSimulation(seed);
            assertThat(sim.run(stateDir)).as(sim.toString()).isEmpty();
        }
    }
}
