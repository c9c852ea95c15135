package io.hangcheck.evaluator.metrics;

import io.hangcheck.evaluator.domain.Anomaly;
import io.hangcheck.evaluator.domain.FleetAggregator;
import io.hangcheck.evaluator.domain.Forgotten;
import io.hangcheck.evaluator.domain.Ignored;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEventType;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * The evaluator's metrics ({@code hangcheck_evaluator_*}), registered on the application's registry. Label
 * values are bounded: host states, fleet modes, event types, partitions, a few ignore reasons and topics.
 */
public final class EvaluatorMetrics {
    public final Counter heartbeats;
    public final Counter ticks;
    public final Counter rebootRecords;
    public final Counter ignored;
    public final Counter anomalies;
    public final Counter clockSteps;
    public final Counter forgotten;
    public final Counter deadLetters;
    public final Counter events;
    public final Counter stateUpdates;
    public final Counter evaluations;
    public final Histogram phi;
    public final Gauge clockLag;
    public final Gauge staleFlag;

    public EvaluatorMetrics(CollectorRegistry registry, FleetAggregator fleet) {
        heartbeats = Counter.build("hangcheck_evaluator_heartbeats_total", "Heartbeats processed.").register(registry);
        ticks = Counter.build("hangcheck_evaluator_ticks_total", "Ingest ticks processed.").register(registry);
        rebootRecords = Counter.build("hangcheck_evaluator_reboot_records_total", "Reboot records read.").register(registry);
        ignored = Counter.build("hangcheck_evaluator_ignored_total",
                "Inputs that changed nothing, by reason (duplicate, out_of_order, previous_boot, old_boot, before_restore, reboot).")
                .labelNames("reason").register(registry);
        anomalies = Counter.build("hangcheck_evaluator_heartbeat_anomalies_total",
                "Heartbeats accepted as news of the host although their boot or sequence history is odd, by kind "
                        + "(seq_regressed, boot_returned).")
                .labelNames("kind").register(registry);
        clockSteps = Counter.build("hangcheck_evaluator_clock_steps_total",
                "Ingest ticks more than stale-after behind partition time (back) or jumps ahead without a stall (ahead).")
                .labelNames("direction").register(registry);
        forgotten = Counter.build("hangcheck_evaluator_hosts_forgotten_total",
                "Hosts deleted (tombstone on the state topic), by reason (retired, silent).")
                .labelNames("reason").register(registry);
        deadLetters = Counter.build("hangcheck_evaluator_dead_letters_total",
                "Records that could not be processed and went to <topic>.dlq, by input topic.")
                .labelNames("topic").register(registry);
        events = Counter.build("hangcheck_evaluator_events_total", "Liveness events emitted, by type.")
                .labelNames("type").register(registry);
        stateUpdates = Counter.build("hangcheck_evaluator_state_updates_total",
                "Records written to the compacted host-state topic.").register(registry);
        evaluations = Counter.build("hangcheck_evaluator_evaluations_total",
                "Hosts looked at because their next-look time came due.").register(registry);
        phi = Histogram.build("hangcheck_evaluator_phi", "phi of hosts when they are looked at.")
                .buckets(0.5, 1, 2, 3, 5, 8, 12, 16, 24, 32).register(registry);
        clockLag = Gauge.build("hangcheck_evaluator_partition_clock_lag_seconds",
                "Wall clock minus partition time (latest tick), per owned partition.")
                .labelNames("partition").register(registry);
        staleFlag = Gauge.build("hangcheck_evaluator_partition_stale",
                "1 when the partition's ticks stopped (no verdicts there).").labelNames("partition").register(registry);
        for (LivenessEventType t : LivenessEventType.values()) {
            events.labels(t.name());
        }
        // every known label at 0 from the start, so increase() sees the first one
        for (Ignored i : Ignored.values()) {
            ignored.labels(i.label());
        }
        for (Anomaly a : Anomaly.values()) {
            anomalies.labels(a.label());
        }
        clockSteps.labels("back");
        clockSteps.labels("ahead");
        for (Forgotten f : Forgotten.values()) {
            forgotten.labels(f.label());
        }
        new FleetCollector(fleet).register(registry);
    }

    /** Reads the fleet aggregator at scrape time: hosts by state, silent share, fleet mode. */
    private static final class FleetCollector extends Collector {
        static final int TOP_GROUPS = 10;
        private final FleetAggregator fleet;

        FleetCollector(FleetAggregator fleet) {
            this.fleet = fleet;
        }

        @Override
        public List<MetricFamilySamples> collect() {
            int[] counts = fleet.countsByStatus();
            GaugeMetricFamily hosts = new GaugeMetricFamily("hangcheck_evaluator_hosts",
                    "Hosts tracked by this instance, by state.", List.of("state"));
            int tracked = 0;
            int silent = 0;
            for (HostStatus s : HostStatus.values()) {
                int n = counts[s.ordinal()];
                hosts.addMetric(List.of(s.name()), n);
                tracked += n;
                if (FleetAggregator.down(s)) {
                    silent += n;
                }
            }
            GaugeMetricFamily share = new GaugeMetricFamily("hangcheck_evaluator_silent_ratio",
                    "Share of tracked hosts that are down (SUSPECT, HUNG, HELD, REBOOTING).", tracked == 0 ? 0 : (double) silent / tracked);
            GaugeMetricFamily mode = new GaugeMetricFamily("hangcheck_evaluator_fleet_mode",
                    "1 for the instance's current fleet mode.", List.of("mode"));
            FleetMode current = fleet.mode();
            for (FleetMode m : FleetMode.values()) {
                mode.addMetric(List.of(m.name()), m == current ? 1 : 0);
            }
            List<MetricFamilySamples> out = new ArrayList<>(5);
            out.add(hosts);
            out.add(share);
            out.add(mode);
            groups(out);
            return out;
        }

        /**
         * Host groups: how many per configured key and mode (every key × mode at 0 from the start), and the silent
         * share of the {@value #TOP_GROUPS} worst unhealthy groups by name, with the rest as {@code other} (their
         * highest share; 0 when none): bounded labels whatever the fleet's size.
         */
        private void groups(List<MetricFamilySamples> out) {
            GaugeMetricFamily byMode = new GaugeMetricFamily("hangcheck_evaluator_groups",
                    "Host groups (rack, switch, pool, hypervisor, source network) of this instance, by key and mode.",
                    List.of("key", "mode"));
            for (var e : fleet.groupModesByKey().entrySet()) {
                for (FleetMode m : FleetMode.values()) {
                    byMode.addMetric(List.of(e.getKey(), m.name()), e.getValue()[m.ordinal()]);
                }
            }
            GaugeMetricFamily ratio = new GaugeMetricFamily("hangcheck_evaluator_group_silent_ratio",
                    "Silent share of the worst unhealthy host groups (group=key=value), the rest as group=\"other\".",
                    List.of("group", "mode"));
            List<io.hangcheck.events.FleetHealth.GroupHealth> worst = fleet.worstGroups(Integer.MAX_VALUE);
            double other = 0;
            FleetMode otherMode = FleetMode.NORMAL;
            for (int i = 0; i < worst.size(); i++) {
                var h = worst.get(i);
                double r = h.tracked() == 0 ? 0 : (double) h.silent() / h.tracked();
                if (i < TOP_GROUPS) {
                    ratio.addMetric(List.of(h.group(), h.mode().name()), r);
                } else {
                    other = Math.max(other, r);
                    otherMode = h.mode().ordinal() > otherMode.ordinal() ? h.mode() : otherMode;
                }
            }
            ratio.addMetric(List.of("other", otherMode.name()), other);
            out.add(byMode);
            out.add(ratio);
            out.add(new GaugeMetricFamily("hangcheck_evaluator_groups_omitted",
                    "Groups left out of this instance's last hangcheck.groups.v1 record (groups.publish-max): other "
                            + "instances judge them on the most cautious view.", fleet.lastOmitted()));
            GaugeMetricFamily peers = new GaugeMetricFamily("hangcheck_evaluator_group_peers",
                    "Other evaluator instances whose group counts are known, by state (FRESH: counted; DOUBT: stale, "
                            + "groups judged on the most cautious view).", List.of("state"));
            var known = fleet.peers();
            for (String st : List.of("FRESH", "DOUBT")) {
                peers.addMetric(List.of(st), known.values().stream().filter(st::equals).count());
            }
            out.add(peers);
            out.add(new GaugeMetricFamily("hangcheck_evaluator_duplicate_instance_id",
                    "1 while another evaluator instance publishes group counts under this instance's id (two instances "
                            + "configured with the same id): groups are judged on the most cautious view.",
                    fleet.duplicateInstanceId() ? 1 : 0));
        }
    }
}
