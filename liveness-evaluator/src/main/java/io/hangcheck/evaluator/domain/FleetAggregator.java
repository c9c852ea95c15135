package io.hangcheck.evaluator.domain;

import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.HostStatus;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The fleet guard of one evaluator instance. One instance runs several stream tasks (one per heartbeat
 * partition it owns), each with its own store and clock, while the guard must judge the instance's share of
 * the fleet as a whole: each task owns a {@link TaskSlot} here and updates its counts on every transition;
 * the guard re-assesses over the sum of the slots (O(tasks), a handful) each time. Thread-safe: tasks may
 * run on several stream threads, REST and metrics read concurrently. Wall time comes from the injected
 * {@link Clock}; the storm window counts in each task's partition time.
 *
 * <p>The task with the lowest partition is the reporter: it publishes {@link FleetHealth} every report
 * interval and when {@link #version()} moved (a change).
 */
public final class FleetAggregator {
    private static final HostStatus[] STATUSES = HostStatus.values();

    private final String instanceId;
    private final Thresholds t;
    private final Clock clock;
    private final FleetGuard guard;
    private final TreeMap<Integer, TaskSlot> slots = new TreeMap<>();
    private volatile FleetMode mode = FleetMode.NORMAL;
    private volatile List<String> reasons = List.of();
    private volatile long version;
    private volatile long thaws;

    public FleetAggregator(String instanceId, Thresholds thresholds, Clock clock) {
        this.instanceId = instanceId;
        this.t = thresholds;
        this.clock = clock;
        this.guard = new FleetGuard(thresholds, clock.millis());
    }

    /** One stream task's share of the figures. Mutated only by its own task (under the aggregator's lock). */
    public final class TaskSlot {
        final int partition;
        final int[] byStatus = new int[STATUSES.length];
        final long[] stormSecond;
        final int[] stormCount;
        volatile long partitionTime = -1;
        volatile long graceBase = Long.MIN_VALUE;
        boolean stale;
        boolean noTicks;
        String clockProblem;
        /** Hosts that went silent within the storm window, by the second they did (F4: a flapper counts once). */
        final java.util.LinkedHashMap<String, Long> stormHosts = new java.util.LinkedHashMap<>();

        TaskSlot(int partition) {
            this.partition = partition;
            int n = (int) Math.max(1, t.stormWindowMs() / 1000) + 1;
            stormSecond = new long[n];
            stormCount = new int[n];
            java.util.Arrays.fill(stormSecond, Long.MIN_VALUE);
        }

        public int partition() {
            return partition;
        }

        /** Host {@code host} moved from {@code from} (null: new) to {@code to} (null: forgotten). */
        public void move(HostStatus from, HostStatus to, long partitionNow, String host) {
            synchronized (FleetAggregator.this) {
                if (from != null) {
                    byStatus[from.ordinal()]--;
                }
                if (to != null) {
                    byStatus[to.ordinal()]++;
                }
                if (from == HostStatus.UP && to == HostStatus.SUSPECT && firstSilenceInWindow(host, partitionNow)) {
                    long sec = Math.floorDiv(partitionNow, 1000);
                    int i = (int) Math.floorMod(sec, (long) stormSecond.length);
                    if (stormSecond[i] != sec) {
                        stormSecond[i] = sec;
                        stormCount[i] = 0;
                    }
                    stormCount[i]++;
                }
                if (silent(from) != silent(to) || from == null || to == null) {
                    reassess();
                }
            }
        }

        /**
         * True when the host has not already gone silent within the storm window: the storm rule counts distinct
         * hosts. Bounded: beyond {@link #STORM_HOSTS_MAX} remembered hosts every silence counts (a storm that
         * large is one anyway).
         */
        private boolean firstSilenceInWindow(String host, long partitionNow) {
            long windowStart = partitionNow - t.stormWindowMs();
            var it = stormHosts.entrySet().iterator();
            while (it.hasNext()) {
                if (it.next().getValue() > windowStart) {
                    break;
                }
                it.remove();
            }
            Long before = stormHosts.remove(host);
            if (stormHosts.size() < STORM_HOSTS_MAX) {
                stormHosts.put(host, partitionNow);
            }
            return before == null || before <= windowStart;
        }

        /** Sets counts in bulk (task start, after scanning its store). */
        public void reset(int[] counts) {
            synchronized (FleetAggregator.this) {
                System.arraycopy(counts, 0, byStatus, 0, byStatus.length);
                reassess();
            }
        }

        /** {@code clockProblem}: why the partition's clock is inconsistent (ingest clocks disagree), or null. */
        public void clock(long partitionTime, boolean stale, boolean noTicks, String clockProblem) {
            synchronized (FleetAggregator.this) {
                boolean changed = stale != this.stale || noTicks != this.noTicks
                        || !java.util.Objects.equals(clockProblem, this.clockProblem);
                this.partitionTime = partitionTime;
                this.stale = stale;
                this.noTicks = noTicks;
                this.clockProblem = clockProblem;
                if (changed) {
                    reassess();
                }
            }
        }

        int newlySilent() {
            if (partitionTime < 0) {
                return 0;
            }
            long nowSec = Math.floorDiv(partitionTime, 1000);
            long fromSec = nowSec - t.stormWindowMs() / 1000;
            int sum = 0;
            for (int i = 0; i < stormSecond.length; i++) {
                if (stormSecond[i] > fromSec && stormSecond[i] <= nowSec) {
                    sum += stormCount[i];
                }
            }
            return sum;
        }

        /** For queries: the partition time and the fresh-grace base (clock resumed, fleet thawed). */
        public void view(long graceBase) {
            this.graceBase = graceBase;
        }

        public long partitionTime() {
            return partitionTime;
        }

        public long graceBase() {
            return graceBase;
        }

        public boolean reporter() {
            synchronized (FleetAggregator.this) {
                return !slots.isEmpty() && slots.firstKey() == partition && slots.get(partition) == this;
            }
        }
    }

    static final int STORM_HOSTS_MAX = 100_000;

    /**
     * Down for the fleet guard: silent (SUSPECT, HELD, HUNG) or REBOOTING (F3: a host reset and not back is as
     * down as a silent one; not counting it let a fleet with most hosts resetting look healthy).
     */
    public static boolean down(HostStatus s) {
        return s == HostStatus.SUSPECT || s == HostStatus.HUNG || s == HostStatus.HELD || s == HostStatus.REBOOTING;
    }

    private static boolean silent(HostStatus s) {
        return s != null && down(s);
    }

    public synchronized TaskSlot register(int partition) {
        TaskSlot s = new TaskSlot(partition);
        slots.put(partition, s);
        reassess();
        return s;
    }

    public synchronized void unregister(TaskSlot slot) {
        if (slots.get(slot.partition) == slot) {
            slots.remove(slot.partition);
            reassess();
        }
    }

    /** Re-assesses with the wall clock now (also called every punctuation, for the thaw timer). */
    public synchronized boolean reassess() {
        FleetGuard.Figures f = figures();
        FleetMode before = guard.mode();
        boolean changed = guard.assess(f, clock.millis());
        mode = guard.mode();
        reasons = guard.reasons();
        thaws = guard.thaws();
        if (changed || before != mode) {
            version++;
        }
        return changed;
    }

    private FleetGuard.Figures figures() {
        int tracked = 0;
        int silent = 0;
        int newly = 0;
        List<Integer> noTicks = new ArrayList<>();
        List<String> clocks = new ArrayList<>();
        for (TaskSlot s : slots.values()) {
            for (HostStatus st : STATUSES) {
                int n = s.byStatus[st.ordinal()];
                tracked += n;
                if (silent(st)) {
                    silent += n;
                }
            }
            newly += s.newlySilent();
            if (s.noTicks) {
                noTicks.add(s.partition);
            }
            if (s.clockProblem != null) {
                clocks.add("partition " + s.partition + " " + s.clockProblem);
            }
        }
        return new FleetGuard.Figures(tracked, silent, newly, noTicks, clocks);
    }

    /** The slot of a local partition, or null. */
    public synchronized TaskSlot slot(int partition) {
        return slots.get(partition);
    }

    public FleetMode mode() {
        return mode;
    }

    public List<String> reasons() {
        return reasons;
    }

    /** Moves on every mode change. */
    public long version() {
        return version;
    }

    /** Moves each time the fleet leaves FROZEN: tasks then give every host a fresh grace. */
    public long thaws() {
        return thaws;
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Long> retireRequests = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * An operator asks to retire a host of this instance (admin API): the task that holds it deletes it on its next
     * wall-clock punctuation (within a second) and writes a tombstone. Requests for hosts no task holds lapse
     * after a minute.
     */
    public void requestRetire(String hostId) {
        retireRequests.put(hostId, clock.millis());
    }

    /** Pending retirements (a snapshot); drops lapsed ones. */
    public List<String> retireRequests() {
        if (retireRequests.isEmpty()) {
            return List.of();
        }
        long lapsed = clock.millis() - 60_000;
        retireRequests.values().removeIf(at -> at < lapsed);
        return new ArrayList<>(retireRequests.keySet());
    }

    /** The request for {@code hostId} was carried out. */
    public void retired(String hostId) {
        retireRequests.remove(hostId);
    }

    public String instanceId() {
        return instanceId;
    }

    /** Hosts per status over the instance's tasks. */
    public synchronized int[] countsByStatus() {
        int[] c = new int[STATUSES.length];
        for (TaskSlot s : slots.values()) {
            for (int i = 0; i < c.length; i++) {
                c[i] += s.byStatus[i];
            }
        }
        return c;
    }

    public synchronized FleetHealth report() {
        FleetGuard.Figures f = figures();
        List<Integer> stale = new ArrayList<>();
        for (TaskSlot s : slots.values()) {
            if (s.stale) {
                stale.add(s.partition);
            }
        }
        return new FleetHealth(instanceId, guard.mode(), guard.reasons(), f.tracked(), f.silent(), f.share(),
                f.newlySilent(), new ArrayList<>(slots.keySet()), stale, Instant.ofEpochMilli(clock.millis()),
                Instant.ofEpochMilli(guard.since()));
    }
}
