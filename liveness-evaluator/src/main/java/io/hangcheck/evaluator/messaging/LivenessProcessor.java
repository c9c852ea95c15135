package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.DeadlineIndex;
import io.hangcheck.evaluator.domain.Evidence;
import io.hangcheck.evaluator.domain.FleetAggregator;
import io.hangcheck.evaluator.domain.Forgotten;
import io.hangcheck.evaluator.domain.GroupThresholds;
import io.hangcheck.evaluator.domain.HostRecordSerde;
import io.hangcheck.evaluator.domain.HostRecord;
import io.hangcheck.evaluator.domain.LivenessRules;
import io.hangcheck.evaluator.domain.Outcome;
import io.hangcheck.evaluator.domain.PartitionClock;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.evaluator.metrics.EvaluatorMetrics;
import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.DeadLetter;
import io.hangcheck.events.EventType;
import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.GroupCounts;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HeartbeatTopicRecord;
import io.hangcheck.events.HostState;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.InvalidEventException;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.events.Tick;
import io.hangcheck.events.kafka.HeartbeatTopicDeserializer;
import io.hangcheck.events.kafka.RebootRecordSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One stream task of the evaluator: the hosts of one heartbeat partition. Ticks move the partition clock
 * and pop the hosts whose next look is due ({@link DeadlineIndex}); heartbeats and executed reboots update
 * one host each; a wall-clock punctuation (injected {@link Clock}) notices stopped ticks, persists the
 * partition clock, re-assesses the fleet guard and, on the reporting task, publishes fleet health.
 *
 * <p>Host groups (rack, switch, pool, hypervisor, source network: {@link GroupThresholds}) are counted in the fleet
 * aggregator on every change of a host between up and down, of its labels or of its source network, never on a plain
 * heartbeat of an UP host; a SUSPECT or HELD host about to be judged is HELD while one of its groups is FROZEN, and
 * its HUNG carries {@code groupDegraded} while one is DEGRADED. When a group leaves FROZEN its hosts get a fresh grace.
 *
 * <p>Cost: a heartbeat is a lookup in the task's in-memory host table and O(1) index work; it is written to the
 * hosts store (and its changelog) only when something durable changed or the host's write interval has passed
 * ({@link HostTable}). A tick is one small put (the partition clock) and pops only the hosts that are due.
 * Task start scans the task's store once to load the table and rebuild the index and the counts (O(hosts of the
 * task)); UP hosts restored from it count their silence from the restored partition time ({@link HostRecord#restored}).
 */
public final class LivenessProcessor implements Processor<String, byte[], String, Object> {
    static final String EVENTS_SINK = "events-out";
    static final String STATE_SINK = "state-out";
    static final String FLEET_SINK = "fleet-out";
    static final String GROUPS_SINK = "groups-out";
    static final String HEARTBEATS_DLQ_SINK = "heartbeats-dlq-out";
    static final String REBOOTS_DLQ_SINK = "reboots-dlq-out";
    private static final Logger LOG = Logger.getLogger(LivenessProcessor.class);

    private final Thresholds t;
    private final LivenessRules rules;
    private final TopicNames topics;
    private final LivenessTopology.Settings settings;
    private final FleetAggregator fleet;
    private final EvaluatorMetrics metrics;
    private final Clock clock;
    private final HeartbeatTopicDeserializer heartbeatSerde = new HeartbeatTopicDeserializer();
    private final RebootRecordSerde rebootSerde = new RebootRecordSerde();
    /** New in every {@link #init}: see there. */
    private DeadlineIndex<HostTable.Entry> index;
    private final String source;
    private final GroupThresholds groups;
    /** Partition time at which each recently thawed group thawed here: its hosts' fresh grace. */
    private final Map<String, Long> groupThawedAt = new HashMap<>();
    private long seenGroupThaws;

    private ProcessorContext<String, Object> ctx;
    private HostTable hosts;
    private final HostTables tables;
    private KeyValueStore<Integer, byte[]> partitions;
    private int partition;
    private PartitionClock pclock;
    private FleetAggregator.TaskSlot slot;
    private long thawedAt = Long.MIN_VALUE;
    private long seenThaws;
    private long lastFleetVersion = -1;
    private long lastGroupsVersion = -1;
    private long lastGroupsReport = Long.MIN_VALUE;
    private int lastGroupsOmitted;
    private long lastFleetReport = Long.MIN_VALUE;
    private boolean resumedLogged;

    LivenessProcessor(Thresholds thresholds, TopicNames topics, LivenessTopology.Settings settings,
                      FleetAggregator fleet, EvaluatorMetrics metrics, Clock clock, HostTables tables) {
        this.t = thresholds;
        this.tables = tables;
        this.rules = new LivenessRules(thresholds);
        this.topics = topics;
        this.settings = settings;
        this.fleet = fleet;
        this.metrics = metrics;
        this.clock = clock;
        this.source = "/hangcheck/liveness-evaluator/" + settings.instanceId();
        this.groups = fleet.groupThresholds();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        // Everything per task starts afresh here, not in the constructor: Kafka Streams calls init() again on the same
        // processor object when it recycles a task (active, then standby, then active again: ActiveTaskCreator
        // reuses the standby's ProcessorTopology). An index kept from the earlier tenure held the records of that
        // time, and its first tick judged them: 496 healthy hosts SUSPECT, then HUNG, on the failover benchmark.
        this.index = new DeadlineIndex<>();
        this.groupThawedAt.clear();
        this.thawedAt = Long.MIN_VALUE;
        this.lastFleetVersion = -1;
        this.lastGroupsVersion = -1;
        this.lastGroupsReport = Long.MIN_VALUE;
        this.lastGroupsOmitted = 0;
        this.lastFleetReport = Long.MIN_VALUE;
        this.resumedLogged = false;
        this.ctx = context;
        this.partition = context.taskId().partition();
        KeyValueStore<String, HostRecord> store = context.getStateStore(LivenessTopology.HOSTS_STORE);
        this.hosts = new HostTable(store, settings.storeWriteEvery().toMillis());
        this.partitions = context.getStateStore(LivenessTopology.PARTITIONS_STORE);
        long wall = clock.millis();
        this.pclock = PartitionClock.fromBytes(partitions.get(partition), wall);
        this.slot = fleet.register(partition);
        this.seenThaws = fleet.thaws();
        this.seenGroupThaws = fleet.groupThawSeq();
        int[] counts = new int[HostStatus.values().length];
        Map<String, int[]> groupCounts = new HashMap<>();
        long now = pclock.time();
        // The store lags UP hosts' last-seen times by up to store-write-every (HostTable): every UP host whose stored
        // last-seen time is before the restored partition time counts its silence from there (fresh grace).
        int restored = 0;
        try (KeyValueIterator<String, HostRecord> it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                HostRecord r = kv.value;
                if (now >= 0) {
                    long before = r.restoredAt();
                    r.restored(now);
                    restored += r.restoredAt() != before ? 1 : 0;
                }
                HostTable.Entry e = hosts.load(kv.key, r, now >= 0 ? now : r.lastSeenAt());
                counts[r.status().ordinal()]++;
                for (String g : groups.groupsOf(r.labels(), r.net())) {
                    int[] c = groupCounts.computeIfAbsent(g, k -> new int[2]);
                    c[0]++;
                    c[1] += FleetAggregator.down(r.status()) ? 1 : 0;
                }
                long at = now < 0 ? r.lastSeenAt() : Math.max(now, r.lastSeenAt());
                index.schedule(e, rules.nextLook(r, at, graceFrom(r)));
            }
        }
        slot.resetGroups(groupCounts);
        slot.reset(counts);
        slot.clock(pclock.time(), false, false, null);
        slot.view(graceBase());
        tables.register(partition, hosts.view());
        LOG.infof("task for partition %d started: %d hosts, partition time %s; %d UP hosts count their silence from it"
                        + " (their last heartbeats may not have been stored)", partition,
                java.util.Arrays.stream(counts).sum(), now < 0 ? "unknown" : Instant.ofEpochMilli(now), restored);
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, ts -> onWallClock());
    }

    @Override
    public void process(Record<String, byte[]> rec) {
        String topic = ctx.recordMetadata().map(RecordMetadata::topic).orElse(topics.heartbeats());
        if (!resumedLogged) {
            resumedLogged = true;
            LOG.infof("partition %d: first record since the task started: %s offset %s, key %s, partition time %s",
                    partition, topic, ctx.recordMetadata().map(m -> Long.toString(m.offset())).orElse("?"), rec.key(),
                    pclock.time() < 0 ? "unknown" : Instant.ofEpochMilli(pclock.time()));
        }
        boolean heartbeatTopic = !topic.equals(topics.reboots());
        Object value;
        try {
            value = heartbeatTopic ? heartbeatSerde.deserialize(topic, rec.value()) : rebootSerde.deserialize(topic, rec.value());
            if (value == null) {
                throw new SerializationException("null value (tombstone) on " + topic);
            }
        } catch (SerializationException e) {
            deadLetter(rec, topic, heartbeatTopic, e);
            return;
        }
        try {
            if (value instanceof Tick tick) {
                onTick(tick);
            } else if (value instanceof Heartbeat hb) {
                onHeartbeat(rec, topic, hb);
            } else if (value instanceof RebootRecord rr) {
                onReboot(rec, topic, rr);
            }
        } catch (StreamsException e) {
            throw e; // the store or the producer failed: let Kafka Streams handle the task
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not process a record of %s (key %s); sent to its dead-letter topic", topic, rec.key());
            deadLetter(rec, topic, heartbeatTopic, e);
        }
    }

    private void onTick(Tick tick) {
        metrics.ticks.inc();
        boolean moved = pclock.onTick(tick, clock.millis(), t.staleAfterMs());
        if (pclock.lastStep() != 0) {
            long step = pclock.lastStep();
            metrics.clockSteps.labels(step < 0 ? "back" : "ahead").inc();
            LOG.warnf("partition %d: tick of %s at %s is %d s %s partition time%s", partition, tick.instanceId(),
                    tick.at(), Math.abs(step) / 1000, step < 0 ? "behind" : "ahead of",
                    step < 0 ? "; no verdicts while the clocks disagree" : "; the clock resumes there with a fresh grace");
        }
        // stored with the tick, so that it commits with the offsets: a task taken over resumes with the clock of
        // the last commit. Stored only by the wall-clock punctuation, it was up to a punctuation interval behind
        // them, and the heartbeats replayed after the takeover were stamped with that older time.
        persistClock();
        slot.clock(pclock.time(), false, false, pclock.inconsistency(clock.millis(), t.staleAfterMs()));
        if (moved) {
            evaluateDue(pclock.time());
        }
    }

    private void onHeartbeat(Record<String, byte[]> rec, String topic, Heartbeat hb) {
        metrics.heartbeats.inc();
        if (rec.key() != null && !rec.key().equals(hb.hostId())) {
            deadLetter(rec, topic, true, new InvalidEventException("hostId", "does not match the record key"));
            return;
        }
        long now = pclock.time() >= 0 ? pclock.time()
                : hb.receivedAt() != null ? hb.receivedAt().toEpochMilli() : rec.timestamp();
        String host = hb.hostId();
        HostTable.Entry e = hosts.entry(host); // the host's record and its slot in the index: one lookup
        HostRecord cur = e == null ? null : e.record();
        Outcome o = rules.onHeartbeat(cur, hb, now);
        if (!o.changed()) {
            metrics.ignored.labels(o.ignored().label()).inc();
            return;
        }
        if (o.anomaly() != null) {
            metrics.anomalies.labels(o.anomaly().label()).inc();
            LOG.warnf("heartbeat anomaly %s on %s, accepted: %s (%s)", o.anomaly().label(), host,
                    String.join("; ", o.reasons()), o.anomaly().sentence());
        }
        e = apply(host, e, cur, o, now, hb.labels(), null);
        index.schedule(e, rules.nextLook(o.next(), now, graceFrom(o.next())));
    }

    private void onReboot(Record<String, byte[]> rec, String topic, RebootRecord rr) {
        metrics.rebootRecords.inc();
        if (rec.key() != null && !rec.key().equals(rr.hostId())) {
            deadLetter(rec, topic, false, new InvalidEventException("hostId", "does not match the record key"));
            return;
        }
        long now = pclock.time() >= 0 ? pclock.time() : rec.timestamp();
        HostTable.Entry e = hosts.entry(rr.hostId());
        HostRecord cur = e == null ? null : e.record();
        Outcome o = rules.onReboot(cur, rr, now);
        if (!o.changed()) {
            metrics.ignored.labels(o.ignored().label()).inc();
            return;
        }
        e = apply(rr.hostId(), e, cur, o, now, cur.labels(), null);
        index.schedule(e, rules.nextLook(o.next(), now, graceFrom(o.next())));
    }

    private void evaluateDue(long now) {
        checkThaw();
        index.pollDue(now, e -> evaluateHost(e, now));
    }

    /** A host whose next look is due: popped from the index (a forgotten host's entry is never scheduled). */
    private void evaluateHost(HostTable.Entry e, long now) {
        String host = e.host();
        HostRecord r = e.record();
        metrics.evaluations.inc();
        if (rules.forgettable(r, now)) {
            forget(e, r, now, Forgotten.SILENT);
            return;
        }
        Evidence ev = evidence(r, now);
        Outcome o = rules.evaluate(r, now, ev, partition);
        if (o.phi() != null && Double.isFinite(o.phi())) {
            metrics.phi.observe(o.phi());
        }
        HostRecord after = r;
        if (o.changed()) {
            apply(host, e, r, o, now, r.labels(), o.event() == LivenessEventType.HUNG ? ev.degradedGroup() : null);
            after = o.next();
        }
        index.schedule(e, rules.nextLook(after, now, ev.graceFrom()));
    }

    /** Applies an outcome to the host ({@code e}: its entry, null for a new host); returns the host's entry. */
    private HostTable.Entry apply(String host, HostTable.Entry e, HostRecord before, Outcome o, long now,
                                  Map<String, String> labels, String groupDegraded) {
        HostRecord r = o.next();
        if (before == null || before.labels() != r.labels() || before.net() != r.net() || before.via() != r.via()) {
            HostRecordSerde.keepStoredLabels(r); // the stored labels, in the compact form; shared strings
        }
        HostTable.Entry entry = hosts.put(host, e, r, before == null || !r.sameDurable(before) || o.event() != null
                || o.publishState(), now);
        moveGroups(before, r);
        if (before == null || before.status() != r.status()) { // the same status: nothing to count (a plain heartbeat)
            slot.move(before == null ? null : before.status(), r.status(), now, host);
        }
        if (o.event() != null) {
            LivenessEventType type = o.event();
            String incident = switch (type) {
                case RECOVERED -> LivenessEvent.incidentId(host, r.bootId(), o.previousSeq());
                case REBOOTED -> LivenessEvent.incidentId(host, o.previousBootId(), o.previousSeq());
                default -> LivenessEvent.incidentId(host, r.bootId(), r.lastSeq());
            };
            LivenessEvent ev = new LivenessEvent(LivenessEvent.eventId(incident, type), type, host, incident,
                    r.bootId(), o.previousBootId(), r.lastSeq(), Instant.ofEpochMilli(r.lastSeenAt()),
                    Instant.ofEpochMilli(now), o.silentMs(), o.phi() == null || !Double.isFinite(o.phi()) ? null : o.phi(),
                    r.via(), groupDegraded == null ? o.reasons() : append(o.reasons(), "group " + groupDegraded), labels,
                    settings.instanceId(), groupDegraded);
            ctx.forward(new Record<String, Object>(host, ev, now, ce(ev.eventId(), EventType.LIVENESS_EVENT, now)), EVENTS_SINK);
            metrics.events.labels(type.name()).inc();
            LOG.infof("%s %s (%s)", type, host, String.join("; ", o.reasons()));
        }
        if (o.publishState()) {
            HostState s = new HostState(host, r.status(), r.bootId(), r.lastSeq(), Instant.ofEpochMilli(r.lastSeenAt()),
                    Instant.ofEpochMilli(r.since()), r.status() == HostStatus.UP ? null : r.incidentId(host), r.via(),
                    labels, Instant.ofEpochMilli(now), settings.instanceId());
            String id = host + "/" + r.bootId() + "/" + r.lastSeq() + "/" + r.status() + "/" + r.since();
            ctx.forward(new Record<String, Object>(host, s, now, ce(id, EventType.HOST_STATE, now)), STATE_SINK);
            metrics.stateUpdates.inc();
        }
        return entry;
    }

    /**
     * Counts the host's change in its groups: only when it moved between up and down, or its labels or source network
     * changed (a plain heartbeat of an UP host costs two comparisons). Groups are those of the record as stored
     * (labels that do not fit the stored copy are not a group key), so a restart counts the same.
     */
    private void moveGroups(HostRecord before, HostRecord r) {
        if (!groups.enabled()) {
            return;
        }
        boolean fromDown = before != null && FleetAggregator.down(before.status());
        boolean toDown = FleetAggregator.down(r.status());
        boolean relabelled = before == null || before.labels() != r.labels() || !Objects.equals(before.net(), r.net());
        if (relabelled) {
            List<String> from = before == null ? List.of() : groups.groupsOf(before.labels(), before.net());
            List<String> to = groups.groupsOf(r.labels(), r.net()); // as stored: apply kept the stored labels
            if (!from.equals(to) || fromDown != toDown) {
                slot.moveGroups(from, fromDown, to, toDown);
            }
        } else if (fromDown != toDown) {
            List<String> gs = groups.groupsOf(before.labels(), before.net());
            slot.moveGroups(gs, fromDown, gs, toDown);
        }
    }

    private static List<String> append(List<String> list, String more) {
        List<String> out = new java.util.ArrayList<>(list.size() + 1);
        out.addAll(list);
        out.add(more);
        return out;
    }

    private Evidence evidence(HostRecord r, long now) {
        long wall = clock.millis();
        checkGroupThaw();
        List<String> frozenGroups = List.of();
        String degradedGroup = null;
        if (groups.enabled() && (r.status() == HostStatus.SUSPECT || r.status() == HostStatus.HELD)) {
            List<String> gs = groups.groupsOf(r.labels(), r.net());
            if (!gs.isEmpty()) {
                frozenGroups = fleet.frozenGroups(gs);
                degradedGroup = fleet.degradedGroup(gs);
            }
        }
        String paths = pclock.pathProblems(r.viaHash(), r.via(), now, t.staleAfterMs(), t.instanceForgetAfterMs());
        String clockDoubt = pclock.inconsistency(wall, t.staleAfterMs());
        String doubt = clockDoubt == null ? paths : paths == null ? "partition " + partition + " " + clockDoubt
                : "partition " + partition + " " + clockDoubt + "; " + paths;
        return new Evidence(graceFrom(r), pclock.stale(wall, t.staleAfterMs()), doubt, fleet.mode(), fleet.reasons(),
                frozenGroups, degradedGroup);
    }

    /**
     * Deletes a host: store entry, deadline, its count in the fleet guard, and a tombstone on the compacted state
     * topic (so readers forget it too). A later heartbeat makes it a new host.
     */
    private void forget(HostTable.Entry e, HostRecord r, long now, Forgotten why) {
        String host = e.host();
        hosts.delete(e);
        index.remove(e);
        if (groups.enabled()) {
            slot.moveGroups(groups.groupsOf(r.labels(), r.net()), FleetAggregator.down(r.status()), List.of(), false);
        }
        slot.move(r.status(), null, now, host);
        ctx.forward(new Record<String, Object>(host, null, now, ce(host + "/" + why.label() + "/" + now,
                EventType.HOST_STATE, now)), STATE_SINK);
        metrics.forgotten.labels(why.label()).inc();
        LOG.infof("forgot host %s (%s, last seen %s, %s): %s", host, r.status(),
                Instant.ofEpochMilli(r.lastSeenAt()), why.label(), why.sentence());
    }

    /** Retirements an operator asked for through the admin API, for hosts of this task. */
    private void retireRequested() {
        for (String host : fleet.retireRequests()) {
            HostTable.Entry e = hosts.entry(host);
            if (e != null) {
                HostRecord r = e.record();
                forget(e, r, Math.max(pclock.time(), r.lastSeenAt()), Forgotten.RETIRED);
                fleet.retired(host);
            }
        }
    }

    private long graceBase() {
        return Math.max(pclock.resumedAt(), thawedAt);
    }

    private long graceFrom(HostRecord r) {
        long g = Math.max(graceBase(), pclock.graceFrom(r.viaHash(), pclock.time(), t.instanceForgetAfterMs()));
        if (!groupThawedAt.isEmpty()) {
            for (String group : groups.groupsOf(r.labels(), r.net())) {
                Long at = groupThawedAt.get(group);
                if (at != null) {
                    g = Math.max(g, at);
                }
            }
        }
        return g;
    }

    /**
     * When groups left FROZEN, their hosts on this partition get a fresh grace from now (when too many thawed to
     * tell which, every host of the partition does). Checked before every judgement, so a thaw that happens while
     * this task judges its due hosts applies to the next one already. Entries lapse after twice hang-after: by then
     * every host still silent since the thaw has been judged with the grace.
     */
    private void checkGroupThaw() {
        long seq = fleet.groupThawSeq();
        if (seq != seenGroupThaws) {
            List<String> thawed = fleet.groupsThawedSince(seenGroupThaws);
            long now = pclock.time();
            if (thawed == null) {
                thawedAt = now;
                LOG.infof("many groups thawed: partition %d gives every host a fresh grace", partition);
            } else {
                for (String g : thawed) {
                    groupThawedAt.put(g, now);
                    LOG.infof("group %s thawed: partition %d gives its hosts a fresh grace from %s", g, partition,
                            now < 0 ? "unknown" : Instant.ofEpochMilli(now));
                }
            }
            seenGroupThaws = seq;
        }
        if (!groupThawedAt.isEmpty()) {
            long lapse = pclock.time() - 2 * t.hangAfterMs();
            groupThawedAt.values().removeIf(at -> at < lapse);
        }
    }

    /** When the fleet left FROZEN, every host of this partition gets a fresh grace from now. */
    private void checkThaw() {
        checkGroupThaw();
        long thaws = fleet.thaws();
        if (thaws != seenThaws) {
            seenThaws = thaws;
            thawedAt = pclock.time();
            LOG.infof("fleet thawed: partition %d gives every host a fresh grace from %s", partition,
                    thawedAt < 0 ? "unknown" : Instant.ofEpochMilli(thawedAt));
        }
        slot.view(graceBase());
    }

    private void onWallClock() {
        long wall = clock.millis();
        boolean stale = pclock.stale(wall, t.staleAfterMs());
        if (stale && !pclock.stalled()) {
            pclock.markStalled();
            LOG.warnf("partition %d: no tick for %d ms; no verdicts until ticks resume", partition,
                    wall - pclock.lastTickWall());
        }
        boolean noTicks = wall - pclock.lastTickWall() >= t.noTicksFreezeAfterMs();
        slot.clock(pclock.time(), stale, noTicks, pclock.inconsistency(wall, t.staleAfterMs()));
        retireRequested();
        persistClock();
        fleet.reassess();
        checkThaw();
        String p = Integer.toString(partition);
        metrics.clockLag.labels(p).set(pclock.time() < 0 ? Double.NaN : (wall - pclock.time()) / 1000.0);
        metrics.staleFlag.labels(p).set(stale ? 1 : 0);
        if (slot.reporter()) {
            long v = fleet.version();
            if (v != lastFleetVersion || wall - lastFleetReport >= settings.reportInterval().toMillis()) {
                FleetHealth fh = fleet.report();
                String id = settings.instanceId() + "/" + v + "/" + wall;
                ctx.forward(new Record<String, Object>(settings.instanceId(), fh, wall,
                        ce(id, EventType.FLEET_HEALTH, wall)), FLEET_SINK);
                if (v != lastFleetVersion) {
                    LOG.infof("fleet %s: %s", fh.mode(), String.join("; ", fh.reasons()));
                }
                lastFleetVersion = v;
                lastFleetReport = wall;
            }
            if (topics.groups() != null && groups.enabled()) {
                long gv = fleet.localGroupsVersion();
                if (gv != lastGroupsVersion || wall - lastGroupsReport >= settings.reportInterval().toMillis()) {
                    GroupCounts gc = fleet.localGroupCounts();
                    String id = settings.instanceId() + "/groups/" + gv + "/" + wall;
                    ctx.forward(new Record<String, Object>(settings.instanceId(), gc, wall,
                            ce(id, EventType.GROUP_COUNTS, wall)), GROUPS_SINK);
                    if (gc.omitted() > 0 && lastGroupsOmitted == 0) {
                        LOG.warnf("group counts: %d groups left out of the record for other instances (publish-max %d):"
                                + " they judge those groups on their own view", gc.omitted(), fleet.peerSettings().publishMax());
                    }
                    lastGroupsOmitted = gc.omitted();
                    lastGroupsVersion = gv;
                    lastGroupsReport = wall;
                }
            }
        }
    }

    private void persistClock() {
        if (pclock.dirty()) {
            partitions.put(partition, pclock.toBytes());
            pclock.clean();
        }
    }

    private Headers ce(String id, EventType type, long at) {
        return CloudEvents.apply(new RecordHeaders(), id, type, source, Instant.ofEpochMilli(at));
    }

    private void deadLetter(Record<String, byte[]> rec, String topic, boolean heartbeatTopic, Exception e) {
        InvalidEventException iee = DeadLetter.invalid(e);
        RecordMetadata m = ctx.recordMetadata().orElse(null);
        Headers h = DeadLetter.headers(rec.headers(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                e.getClass().getName(), topic, m == null ? null : m.partition(), m == null ? null : m.offset(),
                iee == null ? null : iee.field());
        ctx.forward(new Record<String, Object>(rec.key(), rec.value(), rec.timestamp(), h),
                heartbeatTopic ? HEARTBEATS_DLQ_SINK : REBOOTS_DLQ_SINK);
        metrics.deadLetters.labels(topic).inc();
        LOG.warnf("dead letter from %s (key %s): %s", topic, rec.key(), e.getMessage());
    }

    @Override
    public void close() {
        if (hosts != null) {
            tables.unregister(partition, hosts.view());
            LOG.infof("task for partition %d closed: %d host records written, %d heartbeats kept in memory only",
                    partition, hosts.writes(), hosts.coalesced());
        }
        if (slot != null) {
            fleet.unregister(slot);
        }
        // the partition's clock is no longer this instance's to report: a kept label would show a clock that stopped
        // (or a lag that looks current) for a partition another instance owns now
        String p = Integer.toString(partition);
        metrics.clockLag.remove(p);
        metrics.staleFlag.remove(p);
    }
}
