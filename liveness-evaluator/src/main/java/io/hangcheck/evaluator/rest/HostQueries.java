package io.hangcheck.evaluator.rest;

import io.hangcheck.evaluator.config.EvaluatorConfig;
import io.hangcheck.evaluator.domain.FleetAggregator;
import io.hangcheck.evaluator.domain.HostRecord;
import io.hangcheck.evaluator.domain.LivenessRules;
import io.hangcheck.evaluator.messaging.HostTables;
import io.hangcheck.evaluator.messaging.LivenessTopology;
import io.hangcheck.events.HostStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Interactive queries over the local host stores. A single host is looked up on the instance that owns its
 * partition ({@link KafkaStreams#queryMetadataForKey}); when that is another instance the caller is told
 * where ({@link Lookup#owner}) and the resource redirects. Listing is per instance (this instance's
 * partitions), paged by a host-id cursor: each partition's store is range-scanned from the cursor in key
 * order, so a page costs O(partitions × page size) without filters. A host's record is the task's in-memory one
 * ({@link HostTables}) where the task is here: the store has an UP host's last heartbeat only to within
 * {@code store-write-every}.
 */
@ApplicationScoped
public class HostQueries {

    /** Result of a single-host lookup: found here, owned elsewhere, unknown, or not answerable now. */
    public record Lookup(HostView host, HostInfo owner, boolean unavailable) {
    }

    /** One page of hosts. */
    public record Page(List<HostView> hosts, String next, String scope, List<String> partitions) {
    }

    @Inject
    KafkaStreams streams;

    @Inject
    FleetAggregator fleet;

    /** The tasks' in-memory records: the store lags UP hosts' last-seen times by up to store-write-every. */
    @Inject
    HostTables tables;

    @Inject
    EvaluatorConfig config;

    @ConfigProperty(name = "quarkus.kafka-streams.application-server")
    Optional<String> applicationServer;

    private LivenessRules rules;

    LivenessRules rules() {
        if (rules == null) {
            rules = new LivenessRules(config.thresholds());
        }
        return rules;
    }

    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public Lookup host(String id) {
        if (!running()) {
            return new Lookup(null, null, true);
        }
        KeyQueryMetadata md = streams.queryMetadataForKey(LivenessTopology.HOSTS_STORE, id, Serdes.String().serializer());
        if (md == null || md == KeyQueryMetadata.NOT_AVAILABLE) {
            return new Lookup(null, null, true);
        }
        HostInfo self = self();
        if (self != null && !md.activeHost().equals(self) && !md.activeHost().equals(HostInfo.unavailable())) {
            return new Lookup(null, md.activeHost(), false);
        }
        HostRecord r = tables.get(md.partition(), id);
        if (r == null) {
            r = store(md.partition()).get(id);
        }
        return new Lookup(r == null ? null : view(id, r, md.partition()), null, false);
    }

    private HostInfo self() {
        return applicationServer.filter(s -> s.contains(":")).map(HostInfo::buildFromEndpoint).orElse(null);
    }

    private ReadOnlyKeyValueStore<String, HostRecord> store(int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(LivenessTopology.HOSTS_STORE,
                QueryableStoreTypes.<String, HostRecord>keyValueStore()).withPartition(partition));
    }

    public List<Integer> localPartitions() {
        TreeSet<Integer> parts = new TreeSet<>();
        streams.metadataForLocalThreads().forEach(t -> t.activeTasks().forEach(task -> parts.add(task.taskId().partition())));
        return new ArrayList<>(parts);
    }

    public Page list(HostStatus status, String labelKey, String labelValue, String after, int limit) {
        List<HostView> found = new ArrayList<>();
        List<Integer> parts = localPartitions();
        for (int p : parts) {
            ReadOnlyKeyValueStore<String, HostRecord> store = store(p);
            int taken = 0;
            try (KeyValueIterator<String, HostRecord> it = after == null ? store.all() : store.range(after, null)) {
                while (it.hasNext() && taken < limit + 1) {
                    var kv = it.next();
                    if (after != null && kv.key.compareTo(after) <= 0) {
                        continue;
                    }
                    HostRecord live = tables.get(p, kv.key);
                    HostRecord r = live != null ? live : kv.value;
                    if (status != null && r.status() != status) {
                        continue;
                    }
                    if (labelKey != null && !labelValue.equals(r.labels().get(labelKey))) {
                        continue;
                    }
                    found.add(view(kv.key, r, p));
                    taken++;
                }
            }
        }
        found.sort(Comparator.comparing(HostView::hostId));
        String next = null;
        if (found.size() > limit) {
            found = new ArrayList<>(found.subList(0, limit));
            next = found.get(limit - 1).hostId();
        }
        return new Page(found, next, "local", parts.stream().map(String::valueOf).toList());
    }

    HostView view(String id, HostRecord r, int partition) {
        FleetAggregator.TaskSlot slot = fleet.slot(partition);
        Long silent = null;
        Double phi = null;
        Instant ptime = null;
        if (slot != null && slot.partitionTime() >= 0) {
            long now = slot.partitionTime();
            ptime = Instant.ofEpochMilli(now);
            silent = Math.max(0, now - r.lastSeenAt());
            double v = rules().phi(r, now, slot.graceBase());
            phi = Double.isFinite(v) ? v : null;
        }
        return new HostView(id, r.status(), r.bootId(), r.lastSeq(), Instant.ofEpochMilli(r.lastSeenAt()),
                Instant.ofEpochMilli(r.since()), r.status() == HostStatus.UP ? null : r.incidentId(id), r.via(),
                Map.copyOf(r.labels()), r.labelsTruncated(), partition, ptime, silent, phi,
                r.bootGraceUntil() > r.lastSeenAt() ? Instant.ofEpochMilli(r.bootGraceUntil()) : null,
                new HostView.History(r.meanMs(), r.stdDevMs(), r.statsCount()), config.instanceId(), r.net(),
                fleet.groupHealth(fleet.groupThresholds().groupsOf(r.labels(), r.net())));
    }
}
