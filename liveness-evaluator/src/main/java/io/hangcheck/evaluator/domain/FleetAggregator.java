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
 *
 * <p><b>Host groups</b> ({@link GroupThresholds}): each slot also counts its hosts per group ({@code rack=r12},
 * {@code net=10.1.7.0/24}: tracked and down), and the aggregator keeps the sum over its slots per group with one
 * {@link GroupGuard} each, so a group whose hosts fall on several partitions of this instance is judged whole. A
 * change touches only the host's own groups (O(keys)); the periodic pass re-assesses only unhealthy groups (their
 * thaw timers).
 *
 * <p><b>Across evaluator instances</b> ({@link PeerSettings}): the reporter task publishes this instance's counts
 * per group ({@link #localGroupCounts}, topic {@code hangcheck.groups.v1}, compacted, keyed by instance id) and every
 * instance hands the other instances' latest records to {@link #peer}. A group is judged over its local counts plus
 * the counts of every <i>fresh</i> peer (received within peer-stale-after). Doubt means "do not reboot": the view
 * must never be more permissive than this instance's own counts alone would be. So a group is <i>in doubt</i> when
 * some peer is stale (its counts older than peer-stale-after and not yet superseded), or a fresh peer left the group
 * out of a capped record (its share unknown); a group in doubt is judged on the most cautious of three views
 * ({@link GroupGuard#moreCautious}): the local counts alone, local plus fresh peers, and local plus fresh peers plus
 * the doubtful peers' last counts. A stale peer is dropped (no longer in doubt) once every partition it listed is
 * held here or listed by a fresher peer (their hosts are counted again, by their new owner), or at the latest after
 * peer-expire-after. Counts of a peer arrive up to a report interval late; a whole group going dark is still seen at
 * once by each instance for its own hosts, and a host is SUSPECT (counted) hang-after − suspect-after before it
 * can be HUNG, far longer than the report interval.
 */
public final class FleetAggregator {
    private static final HostStatus[] STATUSES = HostStatus.values();

    private final String instanceId;
    private final Thresholds t;
    private final Clock clock;
    private final FleetGuard guard;
    private final GroupThresholds g;
    private final TreeMap<Integer, TaskSlot> slots = new TreeMap<>();
    /** Per group over all slots: counts and guard. Removed when the group tracks no host. */
    private final java.util.HashMap<String, Group> groups = new java.util.HashMap<>();
    /** Groups not NORMAL (their thaw timers run on the periodic pass). */
    private final java.util.TreeSet<String> unhealthy = new java.util.TreeSet<>();
    /** The last {@value #THAW_LOG} group thaws, by sequence number: tasks give those groups' hosts a fresh grace. */
    private final String[] thawLog = new String[THAW_LOG];
    private volatile long groupThawSeq;
    static final int THAW_LOG = 4096;
    private volatile FleetMode mode = FleetMode.NORMAL;
    private volatile List<String> reasons = List.of();
    private volatile long version;
    private volatile long thaws;

    public FleetAggregator(String instanceId, Thresholds thresholds, Clock clock) {
        this(instanceId, thresholds, GroupThresholds.off(), clock);
    }

    public FleetAggregator(String instanceId, Thresholds thresholds, GroupThresholds groupThresholds, Clock clock) {
        this.instanceId = instanceId;
        this.t = thresholds;
        this.g = groupThresholds;
        this.clock = clock;
        this.guard = new FleetGuard(thresholds, clock.millis());
        this.startedAt = clock.millis();
    }

    private final class Group {
        int tracked;
        int silent;
        /** Instances whose counts the last judgement used (1: this one alone). */
        int instances = 1;
        /** The last judgement was in doubt (most cautious view). */
        boolean doubt;
        /** ... because another instance publishes under this instance's id. */
        boolean duplicate;
        final GroupGuard guard;

        Group(long now) {
            guard = new GroupGuard(g, now);
        }
    }

    public GroupThresholds groupThresholds() {
        return g;
    }

    private PeerSettings peerSettings = PeerSettings.defaults();

    /** How counts are shared with other instances (before the first task starts). */
    public synchronized FleetAggregator peerSettings(PeerSettings settings) {
        this.peerSettings = settings;
        return this;
    }

    public synchronized PeerSettings peerSettings() {
        return peerSettings;
    }

    private enum PeerState { FRESH, DOUBT, GONE }

    /** Another instance's latest counts. */
    private static final class Peer {
        final String id;
        /** When its counts were taken: the record's date, cut to when it was received here. */
        final long at;
        final java.util.Map<String, int[]> counts;
        final int omitted;
        final java.util.Set<Integer> partitions;
        /** Another instance that publishes under this instance's own id: never FRESH, in doubt until it expires. */
        final boolean duplicate;
        PeerState state = PeerState.FRESH;

        Peer(String id, long at, java.util.Map<String, int[]> counts, int omitted, java.util.Set<Integer> partitions) {
            this(id, at, counts, omitted, partitions, false);
        }

        Peer(String id, long at, java.util.Map<String, int[]> counts, int omitted, java.util.Set<Integer> partitions,
             boolean duplicate) {
            this.duplicate = duplicate;
            this.id = id;
            this.at = at;
            this.counts = counts;
            this.omitted = omitted;
            this.partitions = partitions;
        }
    }

    private final java.util.HashMap<String, Peer> peers = new java.util.HashMap<>();
    /** Moves on every change of a local group count: the reporter then publishes within a punctuation. */
    private volatile long localGroupsVersion;
    private volatile int lastOmitted;
    private volatile long peerRecordsIgnored;

    /** When this instance (this aggregator) started: records under its id taken before are a former incarnation's. */
    private final long startedAt;
    /** The {@code at} of the records this instance built in the last peer-expire-after (oldest first), at most {@value #PUBLISHED_MAX}. */
    private final java.util.ArrayDeque<Long> publishedAt = new java.util.ArrayDeque<>();
    private final java.util.HashSet<Long> published = new java.util.HashSet<>();
    static final int PUBLISHED_MAX = 10_000;
    /** Records under this instance's id that it did not write (a duplicated instance id). */
    private volatile long duplicateRecords;
    private long duplicateLoggedAt = Long.MIN_VALUE;
    /** An ERROR about a duplicated instance id at most this often while it lasts. */
    static final long DUPLICATE_LOG_EVERY_MS = 60_000;

    /**
     * Another instance's latest counts ({@code hangcheck.groups.v1}), received now; {@code counts} null: a tombstone
     * (the instance is gone). Re-assesses the groups they touch. A record under this instance's own id is its own
     * (ignored) when it is one this instance built, or older than this instance's start (a former incarnation's);
     * any other is another instance configured with the same id ({@link #duplicateInstanceId()}): it is held as a
     * peer in doubt (never FRESH) until peer-expire-after after its last record, so every group is judged on the most
     * cautious view, with that instance's hosts counted, meanwhile.
     *
     * @return true when an ERROR about a duplicated id is due (the first such record, then at most every
     *         {@value #DUPLICATE_LOG_EVERY_MS} ms while they keep coming)
     */
    public synchronized boolean peer(String instance, io.hangcheck.events.GroupCounts counts) {
        if (instance == null) {
            peerRecordsIgnored++;
            return false;
        }
        long now = clock.millis();
        boolean duplicate = false;
        if (instance.equals(instanceId)) {
            if (counts == null || !foreign(counts, now)) {
                return false;
            }
            duplicate = true;
            duplicateRecords++;
        }
        Peer before = peers.remove(instance);
        Peer after = null;
        if (counts != null) {
            java.util.HashMap<String, int[]> m = new java.util.HashMap<>(counts.groups().size() * 2);
            for (var c : counts.groups()) {
                m.merge(c.group(), new int[]{c.tracked(), c.silent()}, (a, b) -> new int[]{a[0] + b[0], a[1] + b[1]});
            }
            after = new Peer(instance, Math.min(counts.at().toEpochMilli(), now), m, counts.omitted(),
                    new java.util.HashSet<>(counts.partitions()), duplicate);
            peers.put(instance, after);
        }
        sweepPeers(now);
        boolean all = after == null || before == null || before.omitted > 0 || after.omitted > 0
                || before.state != PeerState.FRESH || after.state != PeerState.FRESH;
        java.util.Collection<String> touched;
        if (all) {
            touched = new ArrayList<>(groups.keySet());
        } else {
            java.util.Set<String> t = new java.util.HashSet<>(before.counts.keySet());
            t.addAll(after.counts.keySet());
            t.retainAll(groups.keySet());
            touched = t;
        }
        boolean changed = false;
        for (String group : touched) {
            changed |= assessGroup(group, now);
        }
        if (changed) {
            version++;
        }
        if (duplicate && (duplicateLoggedAt == Long.MIN_VALUE || now - duplicateLoggedAt >= DUPLICATE_LOG_EVERY_MS)) {
            duplicateLoggedAt = now;
            return true;
        }
        return false;
    }

    /** A record under this instance's id that this instance did not write (nor a former incarnation of it). */
    private boolean foreign(io.hangcheck.events.GroupCounts counts, long now) {
        long at = counts.at().toEpochMilli();
        if (at < startedAt || published.contains(at)) {
            return false;
        }
        // too old to be one of ours still remembered: counts so old would be expired anyway
        return at >= now - peerSettings.expireAfterMs();
    }

    /** Remembers the date of a record this instance built (caller holds the lock). */
    private void built(long at, long now) {
        if (published.add(at)) {
            publishedAt.addLast(at);
        }
        while (!publishedAt.isEmpty() && (publishedAt.size() > PUBLISHED_MAX
                || publishedAt.peekFirst() < now - peerSettings.expireAfterMs())) {
            published.remove(publishedAt.removeFirst());
        }
    }

    /**
     * True while another instance publishes under this instance's id (its last record within peer-expire-after):
     * groups are judged on the most cautious view meanwhile.
     */
    public synchronized boolean duplicateInstanceId() {
        Peer p = peers.get(instanceId);
        return p != null && peerState(p, clock.millis()) != PeerState.GONE;
    }

    /** Records under this instance's id that another instance wrote, since start. */
    public long duplicateRecords() {
        return duplicateRecords;
    }

    /**
     * Updates each peer's state ({@link PeerState}); drops peers that are gone. True when some peer changed state
     * (every group then needs a new judgement: doubt concerns them all).
     */
    private boolean sweepPeers(long now) {
        if (peers.isEmpty()) {
            return false;
        }
        boolean changed = false;
        var it = peers.values().iterator();
        while (it.hasNext()) {
            Peer p = it.next();
            PeerState s = peerState(p, now);
            if (s != p.state) {
                changed = true;
                p.state = s;
            }
            if (s == PeerState.GONE) {
                it.remove();
            }
        }
        return changed;
    }

    private PeerState peerState(Peer p, long now) {
        long age = now - p.at;
        if (p.duplicate) {
            return age > peerSettings.expireAfterMs() ? PeerState.GONE : PeerState.DOUBT;
        }
        if (age <= peerSettings.staleAfterMs()) {
            return PeerState.FRESH;
        }
        if (age > peerSettings.expireAfterMs()) {
            return PeerState.GONE;
        }
        for (int partition : p.partitions) {
            TaskSlot mine = slots.get(partition);
            if (mine != null && mine.counted) {
                continue;
            }
            boolean claimed = false;
            for (Peer q : peers.values()) {
                if (q != p && q.at > p.at && now - q.at <= peerSettings.staleAfterMs() && q.partitions.contains(partition)) {
                    claimed = true;
                    break;
                }
            }
            if (!claimed) {
                return PeerState.DOUBT;
            }
        }
        return PeerState.GONE; // superseded: its partitions' hosts are counted by their new owners
    }

    /**
     * The other instances whose counts are known: id → FRESH or DOUBT (for metrics and queries); DUPLICATE under this
     * instance's own id while another instance publishes under it.
     */
    public synchronized java.util.Map<String, String> peers() {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (Peer p : peers.values()) {
            out.put(p.id, p.duplicate ? "DUPLICATE" : p.state.name());
        }
        return out;
    }

    /** Moves on every change of a local group count. */
    public long localGroupsVersion() {
        return localGroupsVersion;
    }

    /** Groups the last published record left out (the publish cap). */
    public int lastOmitted() {
        return lastOmitted;
    }

    /** A JSON size budget for one record, under Kafka's default 1 MB message size. */
    static final int PUBLISH_BYTES_MAX = 900_000;

    /**
     * This instance's counts per group for {@code hangcheck.groups.v1}: groups with down hosts first (most down
     * first), then the largest; at most publish-max groups and about {@value #PUBLISH_BYTES_MAX} bytes, the rest
     * counted in {@code omitted}.
     */
    public synchronized io.hangcheck.events.GroupCounts localGroupCounts() {
        List<java.util.Map.Entry<String, Group>> all = new ArrayList<>(groups.entrySet());
        all.removeIf(e -> e.getValue().tracked <= 0);
        all.sort(java.util.Comparator.comparingInt((java.util.Map.Entry<String, Group> e) -> -e.getValue().silent)
                .thenComparingInt(e -> -e.getValue().tracked).thenComparing(java.util.Map.Entry::getKey));
        List<io.hangcheck.events.GroupCounts.Count> out = new ArrayList<>(Math.min(all.size(), peerSettings.publishMax()));
        int bytes = 200;
        for (var e : all) {
            bytes += e.getKey().length() + 48;
            if (out.size() >= peerSettings.publishMax() || bytes > PUBLISH_BYTES_MAX) {
                break;
            }
            Group gr = e.getValue();
            out.add(new io.hangcheck.events.GroupCounts.Count(e.getKey(), gr.tracked, Math.min(gr.silent, gr.tracked)));
        }
        int omitted = all.size() - out.size();
        lastOmitted = omitted;
        List<Integer> counted = new ArrayList<>(slots.size());
        for (TaskSlot slot : slots.values()) {
            if (slot.counted) {
                counted.add(slot.partition);
            }
        }
        long now = clock.millis();
        built(now, now);
        return new io.hangcheck.events.GroupCounts(instanceId, Instant.ofEpochMilli(now), counted, out, omitted);
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
        /** Its hosts are in the group counts (set by the first {@link #resetGroups}, after the task scanned its store). */
        boolean counted;
        String clockProblem;
        /** This slot's hosts per group: {tracked, down}. */
        final java.util.HashMap<String, int[]> groupCounts = new java.util.HashMap<>();
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

        /**
         * A host left groups {@code from} (down or not) and joined {@code to}: on a change of its labels, its source
         * network, or between up and down; {@code from} empty for a new host, {@code to} empty for a forgotten one.
         */
        public void moveGroups(List<String> from, boolean fromDown, List<String> to, boolean toDown) {
            if (from.isEmpty() && to.isEmpty()) {
                return;
            }
            synchronized (FleetAggregator.this) {
                long now = clock.millis();
                for (String group : from) {
                    add(group, -1, fromDown ? -1 : 0);
                }
                for (String group : to) {
                    add(group, 1, toDown ? 1 : 0);
                }
                boolean changed = false;
                for (String group : from) {
                    changed |= assessGroup(group, now);
                }
                for (String group : to) {
                    changed |= assessGroup(group, now);
                }
                if (changed) {
                    version++;
                }
            }
        }

        private void add(String group, int tracked, int down) {
            int[] c = groupCounts.computeIfAbsent(group, k -> new int[2]);
            c[0] += tracked;
            c[1] += down;
            if (c[0] <= 0) {
                groupCounts.remove(group);
            }
            Group total = groups.get(group);
            if (total == null) {
                total = new Group(clock.millis());
                groups.put(group, total);
            }
            total.tracked += tracked;
            total.silent += down;
            localGroupsVersion++;
        }

        /** Sets this slot's group counts in bulk (task start, after scanning its store): group → {tracked, down}. */
        public void resetGroups(java.util.Map<String, int[]> counts) {
            synchronized (FleetAggregator.this) {
                long now = clock.millis();
                java.util.Set<String> touched = new java.util.HashSet<>(groupCounts.keySet());
                for (var e : groupCounts.entrySet()) {
                    Group total = groups.get(e.getKey());
                    if (total != null) {
                        total.tracked -= e.getValue()[0];
                        total.silent -= e.getValue()[1];
                    }
                }
                groupCounts.clear();
                counted = true;
                localGroupsVersion++;
                for (var e : counts.entrySet()) {
                    int[] c = e.getValue();
                    if (c[0] <= 0) {
                        continue;
                    }
                    groupCounts.put(e.getKey(), new int[]{c[0], c[1]});
                    Group total = groups.computeIfAbsent(e.getKey(), k -> new Group(now));
                    total.tracked += c[0];
                    total.silent += c[1];
                    touched.add(e.getKey());
                }
                boolean changed = false;
                for (String group : touched) {
                    changed |= assessGroup(group, now);
                }
                if (changed) {
                    version++;
                }
            }
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
            slot.resetGroups(java.util.Map.of());
            reassess();
        }
    }

    /** Re-assesses one group (caller holds the lock); true when its mode changed. Drops a group without hosts. */
    private boolean assessGroup(String group, long now) {
        Group gr = groups.get(group);
        if (gr == null) {
            return false;
        }
        if (gr.tracked <= 0) {
            groups.remove(group);
            return unhealthy.remove(group);
        }
        FleetMode before = gr.guard.mode();
        int vt = gr.tracked;
        int vs = gr.silent;
        int instances = 1;
        boolean doubt = false;
        boolean duplicate = false;
        if (!peers.isEmpty()) {
            int dt = 0;
            int ds = 0;
            for (Peer p : peers.values()) {
                int[] c = p.counts.get(group);
                if (p.state == PeerState.FRESH) {
                    if (c != null) {
                        vt += c[0];
                        vs += c[1];
                        instances++;
                    } else if (p.omitted > 0) {
                        doubt = true;
                    }
                } else if (p.state == PeerState.DOUBT) {
                    doubt = true;
                    duplicate |= p.duplicate;
                    if (c != null) {
                        dt += c[0];
                        ds += c[1];
                    }
                }
            }
            if (doubt) {
                // the most cautious of: local alone, local + fresh peers, local + fresh + doubtful peers' last counts
                if (gr.guard.moreCautious(gr.tracked, gr.silent, vt, vs)) {
                    vt = gr.tracked;
                    vs = gr.silent;
                    instances = 1;
                }
                int wt = gr.tracked;
                int ws = gr.silent;
                for (Peer p : peers.values()) {
                    int[] c = p.counts.get(group);
                    if (c != null && p.state != PeerState.GONE) {
                        wt += c[0];
                        ws += c[1];
                    }
                }
                if (dt > 0 && gr.guard.moreCautious(wt, ws, vt, vs)) {
                    vt = wt;
                    vs = ws;
                }
            }
        }
        gr.instances = instances;
        gr.doubt = doubt;
        gr.duplicate = duplicate;
        boolean changed = gr.guard.assess(vt, vs, now);
        if (gr.guard.mode() == FleetMode.NORMAL) {
            unhealthy.remove(group);
        } else {
            unhealthy.add(group);
        }
        if (before == FleetMode.FROZEN && gr.guard.mode() != FleetMode.FROZEN) {
            thawLog[(int) (groupThawSeq % THAW_LOG)] = group;
            groupThawSeq++;
        }
        return changed;
    }

    /** Moves each time a group leaves FROZEN. */
    public long groupThawSeq() {
        return groupThawSeq;
    }

    /**
     * The groups that thawed after sequence number {@code seen} (exclusive) up to {@link #groupThawSeq()}; null when
     * the log no longer holds them all (the caller then gives all its hosts a fresh grace).
     */
    public synchronized List<String> groupsThawedSince(long seen) {
        long now = groupThawSeq;
        if (now - seen > THAW_LOG) {
            return null;
        }
        List<String> out = new ArrayList<>((int) (now - seen));
        for (long i = seen; i < now; i++) {
            out.add(thawLog[(int) (i % THAW_LOG)]);
        }
        return out;
    }

    /** Why these groups forbid a HUNG: one line per FROZEN group ({@code group rack=r12 FROZEN: 38 of 40 silent}). */
    public synchronized List<String> frozenGroups(List<String> hostGroups) {
        List<String> out = null;
        for (String group : hostGroups) {
            Group gr = groups.get(group);
            if (gr != null && gr.guard.mode() == FleetMode.FROZEN) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add("group " + group + " FROZEN: " + reason(gr));
            }
        }
        return out == null ? List.of() : out;
    }

    /** The first DEGRADED group of these and why ({@code rack=r12 DEGRADED: 9 of 40 silent ...}), or null. */
    public synchronized String degradedGroup(List<String> hostGroups) {
        for (String group : hostGroups) {
            Group gr = groups.get(group);
            if (gr != null && gr.guard.mode() == FleetMode.DEGRADED) {
                return group + " DEGRADED: " + reason(gr);
            }
        }
        return null;
    }

    /** Why the group is in its mode, with how many instances' counts and whether in doubt. */
    private static String reason(Group gr) {
        String r = gr.guard.reason();
        if (gr.instances > 1) {
            r += " over " + gr.instances + " evaluator instances";
        }
        if (gr.duplicate) {
            r += "; another evaluator instance publishes under this instance's id: the most cautious view";
        } else if (gr.doubt) {
            r += "; peer counts in doubt: the most cautious view";
        }
        return r;
    }

    private static FleetHealth.GroupHealth health(String group, Group gr) {
        return new FleetHealth.GroupHealth(group, gr.guard.mode(), gr.guard.tracked(), gr.guard.silent(),
                Instant.ofEpochMilli(gr.guard.since()), reason(gr));
    }

    /** These groups as judged now (for a host's detail); groups this instance does not know are left out. */
    public synchronized List<FleetHealth.GroupHealth> groupHealth(List<String> hostGroups) {
        List<FleetHealth.GroupHealth> out = new ArrayList<>(hostGroups.size());
        for (String group : hostGroups) {
            Group gr = groups.get(group);
            if (gr != null) {
                out.add(health(group, gr));
            }
        }
        return out;
    }

    /** A group's {tracked, down} as last judged (with other instances' counts); {0, 0} when unknown. */
    public synchronized int[] groupView(String group) {
        Group gr = groups.get(group);
        return gr == null ? new int[2] : new int[]{gr.guard.tracked(), gr.guard.silent()};
    }

    /** A group's mode ({@code rack=r12}); NORMAL when unknown. */
    public synchronized FleetMode groupMode(String group) {
        Group gr = groups.get(group);
        return gr == null ? FleetMode.NORMAL : gr.guard.mode();
    }

    /** A group's {tracked, down} over this instance's partitions; {0, 0} when unknown. */
    public synchronized int[] groupCounts(String group) {
        Group gr = groups.get(group);
        return gr == null ? new int[2] : new int[]{gr.tracked, gr.silent};
    }

    /** The unhealthy groups, worst first (FROZEN, then by silent share, then by name), at most {@code max}. */
    public synchronized List<FleetHealth.GroupHealth> worstGroups(int max) {
        List<FleetHealth.GroupHealth> all = new ArrayList<>(unhealthy.size());
        for (String group : unhealthy) {
            Group gr = groups.get(group);
            all.add(health(group, gr));
        }
        all.sort(java.util.Comparator.comparing((FleetHealth.GroupHealth h) -> h.mode() != FleetMode.FROZEN)
                .thenComparing(h -> -(double) h.silent() / Math.max(1, h.tracked()))
                .thenComparing(FleetHealth.GroupHealth::group));
        return all.size() <= max ? all : new ArrayList<>(all.subList(0, max));
    }

    /** Groups known per configured key and mode: key → counts indexed by {@link FleetMode#ordinal()}. */
    public synchronized java.util.Map<String, int[]> groupModesByKey() {
        java.util.Map<String, int[]> out = new java.util.LinkedHashMap<>();
        for (String k : g.keys()) {
            out.put(k, new int[FleetMode.values().length]);
        }
        for (var e : groups.entrySet()) {
            String key = e.getKey().substring(0, e.getKey().indexOf('='));
            int[] c = out.get(key);
            if (c != null) {
                c[e.getValue().guard.mode().ordinal()]++;
            }
        }
        return out;
    }

    /** Re-assesses with the wall clock now (also called every punctuation, for the thaw timer). */
    public synchronized boolean reassess() {
        long wallNow = clock.millis();
        if (sweepPeers(wallNow)) {
            boolean groupChanged = false;
            for (String group : new ArrayList<>(groups.keySet())) {
                groupChanged |= assessGroup(group, wallNow);
            }
            if (groupChanged) {
                version++;
            }
        } else if (!unhealthy.isEmpty()) {
            long now = wallNow;
            boolean groupChanged = false;
            for (String group : new ArrayList<>(unhealthy)) {
                groupChanged |= assessGroup(group, now);
            }
            if (groupChanged) {
                version++;
            }
        }
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
                Instant.ofEpochMilli(guard.since()), g.enabled() ? unhealthy.size() : null,
                g.enabled() ? worstGroups(FleetHealth.GROUPS_MAX) : List.of());
    }
}
