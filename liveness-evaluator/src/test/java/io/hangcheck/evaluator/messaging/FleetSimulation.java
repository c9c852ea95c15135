package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.GroupThresholds;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.IngestHealth;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.events.Tick;
import io.hangcheck.events.Transport;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static io.hangcheck.evaluator.messaging.Lab.T0;

/**
 * One random schedule of a small lab (hosts, two ingest instances, an executor), run second by second through
 * the production topology ({@link Lab}), and a reference model of the first rule written apart from the
 * evaluator: it knows the ground truth (which heartbeats were really sent and delivered, which ingest was
 * degraded, down or had its clock stepped) and checks the verdicts against it.
 *
 * <p>Invariants, in seconds of real (simulated) time, with {@code suspect}, {@code hang} the thresholds:
 * <ol type="a">
 *   <li>a host that delivered a fresh heartbeat within the last {@code suspect} is never HUNG;</li>
 *   <li>a host silent for {@code hang} + slack, while every ingest instance stayed healthy, its clock consistent,
 *   no reset pending and the fleet never FROZEN around that silence, is HUNG;</li>
 *   <li>no HUNG while any ingest instance is known DEGRADED, stopped, or stepped its clock, nor while the model's
 *   own count of silent hosts says the fleet must be FROZEN;</li>
 *   <li>no event id is emitted twice (across an evaluator restart too, where the schedule has one);</li>
 *   <li>(f, after (e) below) a HUNG comes after at least {@code hang} of real silence since ingest received the last
 *   fresh heartbeat, less how far apart the instances' clocks were meanwhile (at most stale-after).</li>
 * </ol>
 * An instance's clock is in doubt ((c), "clock stepped") while it ticks more than stale-after behind partition time
 * (the latest clock any tick showed): one instance stepped back, or another stepped ahead. When every instance
 * stepped alike the clocks agree again and verdicts resume (after the fresh grace of the jump; (f) holds them to
 * the real silence).
 * About a third of the schedules restart the evaluator once ({@link SurvivingStores}: its successor has the stores
 * as committed, not what the processor kept in memory): (a), (c) and (d) hold across it unchanged, (b) counts a
 * silence that spans the restart from the restart (the fresh grace of a restored task), never later, and (e) a host
 * that delivered a heartbeat in the second of the restart is not SUSPECT at the first tick after it (healthy paths).
 * With group guards on ({@link #FleetSimulation(long, boolean)}: hosts in racks, all in one source network), (b)
 * excludes silences while the host's rack was FROZEN, and (c) also forbids a HUNG while the model's count of silent
 * hosts in the host's rack says the rack must be FROZEN (min-size, min-silent and freeze-above of the group guard).
 */
final class FleetSimulation {
    static final int INSTANCES = 2;

    /** The evaluator's thresholds for the simulation: {@link Thresholds#fast()} with no boot grace. */
    static Thresholds thresholds() {
        return Thresholds.fast().withBootGraceMs(0);
    }

    final long seed;
    final int seconds;
    final int hostCount;
    final Thresholds t;
    final Random rnd;
    // ingest instances, per second: 0 ok, 1 degraded, 2 down
    final int[][] ingest;
    final long[][] offsetMs; // clock offset of the instance per second
    /** The latest instance clock any tick showed up to each second: the partition time the evaluator keeps. */
    final long[] partitionTimeMs;
    final HostPlan[] hosts;
    final int restartAt; // -1: none
    /** Group guards on: each host has a rack label and a source network. */
    final GroupThresholds groups;
    final List<String> violations = new ArrayList<>();
    final Set<String> features = new TreeSet<>();

    static final class HostPlan {
        final String id;
        String rack = "r0";
        int preferred;
        int hangAt = Integer.MAX_VALUE;      // stops sending from this second
        boolean comesBackAfterReset;
        final TreeSet<Integer> spontaneousReboots = new TreeSet<>();
        int agentRestartAt = -1;
        int operatorResetAt = -1;
        double lateRate;
        double duplicateRate;
        // running
        int boot = 1;
        long seq;
        int nextBeat = 1;
        int backAt = Integer.MAX_VALUE;      // after a reset: first beat of the new boot
        final List<Heartbeat> sent = new ArrayList<>();
        final TreeSet<Integer> freshBeats = new TreeSet<>(); // seconds a fresh heartbeat was delivered
        final TreeSet<Integer> resets = new TreeSet<>();     // seconds an EXECUTED record was piped
        final List<Integer> hung = new ArrayList<>();        // seconds HUNG was emitted
        boolean lateOldBoot;
        boolean regressed;

        HostPlan(String id) {
            this.id = id;
        }

        String bootId() {
            return "boot-" + boot;
        }
    }

    FleetSimulation(long seed) {
        this(seed, false);
    }

    FleetSimulation(long seed, boolean withGroups) {
        this.seed = seed;
        this.groups = withGroups ? GroupThresholds.defaults().withThawAfter(thresholds().thawAfterMs()) : GroupThresholds.off();
        this.t = thresholds();
        this.rnd = new Random(seed);
        this.seconds = 40;
        this.hostCount = 4 + rnd.nextInt(3);
        this.ingest = new int[INSTANCES][seconds + 1];
        this.offsetMs = new long[INSTANCES][seconds + 1];
        for (int i = 0; i < INSTANCES; i++) {
            if (rnd.nextDouble() < 0.35) {
                int a = 5 + rnd.nextInt(seconds - 10);
                int d = 2 + rnd.nextInt(20);
                for (int s = a; s <= Math.min(seconds, a + d); s++) {
                    ingest[i][s] = 1;
                }
                features.add("degraded");
            }
            if (rnd.nextDouble() < 0.35) {
                int a = 5 + rnd.nextInt(seconds - 10);
                int d = 1 + rnd.nextInt(20);
                for (int s = a; s <= Math.min(seconds, a + d); s++) {
                    ingest[i][s] = 2;
                }
                features.add("down");
            }
            if (rnd.nextDouble() < 0.12) {
                int a = 5 + rnd.nextInt(seconds - 10);
                int end = rnd.nextBoolean() ? seconds : a + 5 + rnd.nextInt(20);
                long step = (rnd.nextBoolean() ? -1 : 1) * (5_000L + rnd.nextInt(60) * 1000L);
                for (int s = a; s <= Math.min(seconds, end); s++) {
                    offsetMs[i][s] = step;
                }
                features.add(step < 0 ? "clock-back" : "clock-ahead");
            }
        }
        partitionTimeMs = new long[seconds + 1];
        partitionTimeMs[0] = Long.MIN_VALUE;
        for (int s = 1; s <= seconds; s++) {
            partitionTimeMs[s] = partitionTimeMs[s - 1];
            for (int i = 0; i < INSTANCES; i++) {
                if (instanceUp(i, s)) {
                    partitionTimeMs[s] = Math.max(partitionTimeMs[s], s * 1000L + offsetMs[i][s]);
                }
            }
        }
        hosts = new HostPlan[hostCount];
        for (int h = 0; h < hostCount; h++) {
            HostPlan p = new HostPlan(String.format("host-%02d", h));
            p.preferred = rnd.nextInt(INSTANCES);
            p.nextBeat = 1 + rnd.nextInt(2);
            if (rnd.nextDouble() < 0.35) {
                p.hangAt = 8 + rnd.nextInt(seconds - 15);
                p.comesBackAfterReset = rnd.nextDouble() < 0.6;
                features.add("hang");
            }
            if (rnd.nextDouble() < 0.3) {
                for (int k = rnd.nextInt(3); k >= 0; k--) {
                    p.spontaneousReboots.add(4 + rnd.nextInt(seconds - 10));
                }
                features.add("reboot");
            }
            if (rnd.nextDouble() < 0.2) {
                p.agentRestartAt = 4 + rnd.nextInt(seconds - 10);
                features.add("agent-restart");
            }
            if (rnd.nextDouble() < 0.1) {
                p.operatorResetAt = 4 + rnd.nextInt(seconds - 10);
                features.add("operator-reset");
            }
            if (withGroups) {
                p.rack = rnd.nextDouble() < 0.5 ? "r0" : "r" + rnd.nextInt(2); // often one rack of 4-6 hosts
                features.add("groups");
            }
            p.lateRate = rnd.nextDouble() < 0.4 ? 0.08 : 0;
            p.duplicateRate = rnd.nextDouble() < 0.4 ? 0.08 : 0;
            hosts[h] = p;
        }
        // drawn apart, so that the schedules of a seed are the ones they were before restarts existed
        Random restarts = new Random(seed * 31 + 17);
        restartAt = restarts.nextDouble() < 0.3 ? 6 + restarts.nextInt(seconds - 10) : -1;
        if (restartAt >= 0) {
            features.add("restart");
        }
    }

    boolean instanceUp(int i, int s) {
        return s >= 0 && s <= seconds && ingest[i][s] != 2;
    }

    /** Runs the schedule through the production topology; returns the violations found (empty: all held). */
    List<String> run(Path stateDir) {
        Set<String> eventIds = new HashSet<>();
        FleetMode[] fleetAt = new FleetMode[seconds + 1];
        List<Map<String, FleetMode>> racksAt = new ArrayList<>();
        racksAt.add(Map.of());
        long tickSeq = 0;
        SurvivingStores disk = restartAt >= 0 ? new SurvivingStores() : null;
        Lab lab = new Lab(t, groups, stateDir, T0, false, disk);
        try {
            for (int s = 1; s <= seconds; s++) {
                for (int i = 0; i < INSTANCES; i++) {
                    if (instanceUp(i, s)) {
                        IngestHealth health = ingest[i][s] == 1
                                ? new IngestHealth(IngestHealth.State.DEGRADED, List.of("connections 480/500 >= 80%"), 480, 500, 0, 0, 0, 0)
                                : IngestHealth.ok(10, 500);
                        long at = T0 + s * 1000L + offsetMs[i][s];
                        Tick tick = new Tick("ingest-" + i, Instant.ofEpochMilli(at), 0, tickSeq++, health);
                        lab.heartbeats.pipeInput(tick.key(), tick, T0 + s * 1000L);
                    }
                }
                for (HostPlan p : hosts) {
                    step(lab, p, s);
                }
                lab.wall(1000);
                fleetAt[s] = lab.fleet.mode();
                Map<String, FleetMode> racks = new HashMap<>();
                for (HostPlan p : hosts) {
                    racks.put(p.rack, lab.fleet.groupMode("rack=" + p.rack));
                }
                racksAt.add(racks);
                for (LivenessEvent e : lab.eventsOut.readValuesToList()) {
                    if (!eventIds.add(e.eventId())) {
                        violations.add("(d) event " + e.eventId() + " emitted twice (second " + s + ")");
                    }
                    HostPlan p = plan(e.hostId());
                    if (e.type() == LivenessEventType.SUSPECT && restartAt >= 0 && s == restartAt + 1) {
                        checkSuspectAfterRestart(p, s);
                    }
                    if (e.type() == LivenessEventType.HUNG) {
                        p.hung.add(s);
                        checkHung(p, s);
                        // the executor resets most HUNG hosts; some come back with a new boot
                        if (rnd.nextDouble() < 0.7) {
                            lab.reboots.pipeInput(p.id, new RebootRecord("r-" + s + "-" + p.id, e.incidentId(), p.id,
                                    RebootDecision.EXECUTED, RebootReason.values()[0], null, "dry-run", 1,
                                    Instant.ofEpochMilli(T0 + s * 1000L), Map.of()), T0 + s * 1000L + 900);
                            p.resets.add(s);
                            if (p.comesBackAfterReset && s >= p.hangAt) {
                                p.backAt = s + 3 + rnd.nextInt(5);
                            }
                        }
                    }
                }
                if (s == restartAt) {
                    // the evaluator crashes after this second's records were committed: its successor (the same
                    // process restarted, or another instance) has the stores as committed and nothing it kept in memory
                    lab.close();
                    lab = new Lab(t, groups, stateDir, T0 + s * 1000L, false, disk);
                }
            }
            checkSilentHostsAreHung(fleetAt, racksAt);
        } finally {
            lab.close();
        }
        return violations;
    }

    private HostPlan plan(String id) {
        for (HostPlan p : hosts) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalStateException(id);
    }

    private void step(Lab lab, HostPlan p, int s) {
        if (p.operatorResetAt == s) {
            // an operator's reset relayed late: its incident id is not host/boot/seq
            lab.reboots.pipeInput(p.id, new RebootRecord("op-" + s, "manual/op-" + s, p.id, RebootDecision.EXECUTED,
                    RebootReason.values()[0], null, "dry-run", 1, Instant.ofEpochMilli(T0 + s * 1000L), Map.of()),
                    T0 + s * 1000L + 100);
            p.resets.add(s);
        }
        boolean alive = s < p.hangAt || s >= p.backAt;
        boolean spontaneous = p.spontaneousReboots.contains(s);
        if (s == p.backAt || spontaneous) {
            p.boot++;
            p.seq = 0;
            p.nextBeat = s + (spontaneous ? 1 + rnd.nextInt(2) : 0);
        }
        if (s == p.agentRestartAt && p.seq > 6) {
            p.seq = 1 + rnd.nextInt(5);
            p.regressed = true;
        }
        if (alive && s >= p.nextBeat) {
            p.nextBeat = s + 1 + (rnd.nextDouble() < 0.1 ? 1 : 0); // jitter, never more than suspect-after apart
            p.seq++;
            int target = instanceUp(p.preferred, s) ? p.preferred : 1 - p.preferred;
            boolean delivered = instanceUp(target, s) && !(ingest[target][s] == 1 && rnd.nextBoolean());
            if (delivered) {
                long received = T0 + s * 1000L + 300 + offsetMs[target][s];
                Heartbeat hb = Heartbeat.fromHost(p.id, p.bootId(), p.seq, Instant.ofEpochMilli(T0 + s * 1000L),
                                groups.enabled() ? Map.of("pool", "sim", "rack", p.rack) : Map.of("pool", "sim"), null)
                        .stamped(Instant.ofEpochMilli(received), Transport.HTTP, "ingest-" + target,
                                groups.enabled() ? "10.0.0.0/24" : null);
                lab.heartbeats.pipeInput(p.id, hb, T0 + s * 1000L + 300);
                p.sent.add(hb);
                p.freshBeats.add(s);
            }
        }
        if (!p.sent.isEmpty() && rnd.nextDouble() < p.duplicateRate) {
            Heartbeat last = p.sent.get(p.sent.size() - 1);
            lab.heartbeats.pipeInput(p.id, last, T0 + s * 1000L + 500);
        }
        if (p.sent.size() > 2 && rnd.nextDouble() < p.lateRate) {
            Heartbeat late = p.sent.get(rnd.nextInt(p.sent.size() - 1));
            if (!late.bootId().equals(p.bootId())) {
                p.lateOldBoot = true;
            }
            lab.heartbeats.pipeInput(p.id, late, T0 + s * 1000L + 600);
        }
    }

    /**
     * (e) The fresh grace of a restore: a host that delivered a fresh heartbeat in the second of the restart is
     * silent for one second at the first tick after it, on a healthy path — never SUSPECT there. (Its heartbeat
     * was committed but, as a plain heartbeat of an UP host, not written to the store: silence counted from the
     * stored last-seen time would make it SUSPECT at once.)
     */
    private void checkSuspectAfterRestart(HostPlan p, int s) {
        if (!p.freshBeats.contains(restartAt)) {
            return;
        }
        for (int k = Math.max(1, restartAt - 3); k <= s; k++) {
            for (int i = 0; i < INSTANCES; i++) {
                if (ingest[i][k] != 0 || offsetMs[i][k] != 0) {
                    return;
                }
            }
        }
        violations.add(String.format("(e) %s SUSPECT at %d s, the first tick after the restart, though it delivered a"
                + " heartbeat at %d s", p.id, s, restartAt));
    }

    /** The instance's trouble the evaluator has certainly seen by second {@code s}, or null. */
    private String instanceTrouble(int i, int s) {
        if (s >= 1 && ingest[i][s] == 1 && ingest[i][s - 1] == 1) {
            return "ingest-" + i + " DEGRADED";
        }
        int staleSeconds = (int) (t.staleAfterMs() / 1000);
        boolean downLong = true;
        for (int k = s - staleSeconds; k <= s; k++) {
            downLong &= k >= 1 && !instanceUp(i, k);
        }
        if (downLong) {
            return "ingest-" + i + " stopped";
        }
        if (behindMs(i, s) > t.staleAfterMs() && behindMs(i, s - 1) > t.staleAfterMs()) {
            return "ingest-" + i + " clock stepped " + offsetMs[i][s] / 1000 + " s, " + behindMs(i, s) / 1000
                    + " s behind partition time";
        }
        return null;
    }

    /**
     * How far the instance's clock is behind partition time at second {@code s} while it ticks (0 when it does not):
     * more than stale-after, the clocks disagree. Instances whose clocks all stepped alike agree again — silences are
     * then measured on one clock (the jump of partition time gave every host a fresh grace, and (f) checks that no
     * HUNG came before the host's real silence).
     */
    private long behindMs(int i, int s) {
        return s >= 1 && instanceUp(i, s) ? partitionTimeMs[s] - (s * 1000L + offsetMs[i][s]) : 0;
    }

    private void checkHung(HostPlan p, int s) {
        Integer last = p.freshBeats.lower(s);
        long suspect = t.suspectAfterMs() / 1000;
        if (last != null && s - last <= suspect) {
            violations.add(String.format("(a) %s HUNG at %d s but its last fresh heartbeat was at %d s%s%s", p.id, s, last,
                    p.lateOldBoot ? " [late old-boot records]" : "", p.regressed ? " [seq regressed]" : ""));
        }
        // (f) the silence of a HUNG is real: at least hang-after since ingest received the last fresh heartbeat (at
        // .3 s of its second), less how far the clocks were apart meanwhile (at most stale-after: further apart
        // they disagree, see (c)), whatever the clocks did
        if (last != null) {
            long spread = 0;
            for (int k = last; k <= s; k++) {
                for (int i = 0; i < INSTANCES; i++) {
                    spread = Math.max(spread, behindMs(i, k));
                }
            }
            long realSilence = (s - last) * 1000L - 300;
            if (realSilence < t.hangAfterMs() - Math.min(spread, t.staleAfterMs())) {
                violations.add(String.format("(f) %s HUNG at %d s after %d ms of real silence (last fresh heartbeat at %d s,"
                        + " clocks up to %d ms apart)", p.id, s, realSilence, last, spread));
            }
        }
        for (int i = 0; i < INSTANCES; i++) {
            String why = instanceTrouble(i, s);
            if (why != null) {
                violations.add(String.format("(c) %s HUNG at %d s while %s (host prefers ingest-%d)", p.id, s, why, p.preferred));
            }
        }
        int silent = 0;
        int tracked = 0;
        for (HostPlan q : hosts) {
            Integer first = q.freshBeats.isEmpty() ? null : q.freshBeats.first();
            if (first == null || first >= s) {
                continue;
            }
            tracked++;
            Integer l = q.freshBeats.lower(s);
            if (l == null || s - l > suspect + 1) {
                silent++;
            }
        }
        if (tracked > 0 && (silent == tracked || (tracked > t.minTracked() && silent >= t.freezeAbove() * tracked))) {
            violations.add(String.format("(c) %s HUNG at %d s while %d of %d hosts were silent (fleet must be FROZEN)",
                    p.id, s, silent, tracked));
        }
        if (groups.enabled()) {
            int rackSilent = 0;
            int rackTracked = 0;
            for (HostPlan q : hosts) {
                Integer first = q.freshBeats.isEmpty() ? null : q.freshBeats.first();
                if (!q.rack.equals(p.rack) || first == null || first >= s) {
                    continue;
                }
                rackTracked++;
                Integer l = q.freshBeats.lower(s);
                if (l == null || s - l > suspect + 1) {
                    rackSilent++;
                }
            }
            if (rackTracked >= groups.minSize() && rackSilent >= groups.minSilent()
                    && rackSilent >= groups.freezeAbove() * rackTracked) {
                violations.add(String.format("(c) %s HUNG at %d s while %d of %d hosts of rack %s were silent (rack must be FROZEN)",
                        p.id, s, rackSilent, rackTracked, p.rack));
            }
        }
    }

    /** (b): every host silent long enough on a healthy path, with the fleet not FROZEN, was judged HUNG. */
    private void checkSilentHostsAreHung(FleetMode[] fleetAt, List<Map<String, FleetMode>> racksAt) {
        int hang = (int) (t.hangAfterMs() / 1000);
        int slack = 3;
        int margin = hang + (int) (t.thawAfterMs() / 1000) + 2; // graces handed out before the silence
        for (HostPlan p : hosts) {
            if (p.freshBeats.isEmpty()) {
                continue;
            }
            // each maximal silence: from a fresh heartbeat at L to the next one (or the end)
            for (int l : p.freshBeats) {
                Integer next = p.freshBeats.higher(l);
                int end = next == null ? seconds : next - 1;
                // after a restart every host's silence counts from the restart at the latest (fresh grace: the store
                // may lack an UP host's last heartbeats)
                int due = (restartAt >= 0 && l <= restartAt && restartAt < l + hang + slack ? restartAt : l) + hang + slack;
                if (end < due) {
                    continue;
                }
                boolean clean = true;
                for (int s = Math.max(1, l - margin); s <= due && clean; s++) {
                    for (int i = 0; i < INSTANCES; i++) {
                        clean &= ingest[i][s] == 0 && offsetMs[i][s] == 0;
                    }
                    clean &= fleetAt[s] != FleetMode.FROZEN;
                    clean &= racksAt.get(s).get(p.rack) != FleetMode.FROZEN;
                }
                Integer reset = p.resets.ceiling(Math.max(0, l - margin));
                clean &= reset == null || reset > due;
                if (!clean) {
                    continue;
                }
                boolean judged = p.hung.stream().anyMatch(h -> h > l && h <= due);
                if (!judged) {
                    violations.add(String.format("(b) %s silent from %d s on a healthy path, fleet not FROZEN, not HUNG by %d s%s%s",
                            p.id, l, due, p.lateOldBoot ? " [late old-boot records]" : "", p.regressed ? " [seq regressed]" : ""));
                }
                break; // later silences of a host already checked or HUNG depend on this one
            }
        }
    }

    @Override
    public String toString() {
        return "schedule seed " + seed + " " + features + " hosts " + hostCount
                + (groups.enabled() ? " racks " + java.util.Arrays.stream(hosts).map(h -> h.rack).toList() : "");
    }
}
