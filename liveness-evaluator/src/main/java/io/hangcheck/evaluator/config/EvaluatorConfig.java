package io.hangcheck.evaluator.config;

import io.hangcheck.evaluator.domain.GroupThresholds;
import io.hangcheck.evaluator.domain.PeerSettings;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.evaluator.messaging.TopicNames;
import io.hangcheck.events.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Every setting of the liveness evaluator ({@code hangcheck.evaluator.*}; environment variables override,
 * e.g. {@code HANGCHECK_EVALUATOR_HANG_AFTER=10m}). Defaults from docs/design.md, Numbers behind the defaults.
 */
@ConfigMapping(prefix = "hangcheck.evaluator")
public interface EvaluatorConfig {

    /** This instance's id, written as {@code evaluatorId} on every output (HANGCHECK_INSTANCE_ID). */
    @WithDefault("evaluator")
    String instanceId();

    /** Topic names. */
    TopicConfig topics();

    /** Read and admin API tokens (a Kubernetes Secret via the environment). */
    Api api();

    interface Api {
        /** Bearer tokens with role operator (read, and retire hosts). Empty: nobody may retire a host. */
        java.util.Optional<java.util.List<String>> operatorTokens();

        /**
         * Bearer tokens with role viewer (read only). With no token of either kind configured the read API is
         * open (logged at start); with any, every {@code /v1} read needs one.
         */
        java.util.Optional<java.util.List<String>> viewerTokens();
    }

    interface TopicConfig {
        /** Heartbeats and ingest ticks (input). */
        @WithDefault(Topics.HEARTBEATS)
        String heartbeats();

        /** Reboot decisions of the executor (input); must have as many partitions as the heartbeats topic. */
        @WithDefault(Topics.REBOOTS)
        String reboots();

        /** Liveness transitions (output). */
        @WithDefault(Topics.LIVENESS_EVENTS)
        String events();

        /** Current state per host, compacted (output). */
        @WithDefault(Topics.LIVENESS_STATE)
        String state();

        /** Fleet health per instance (output). */
        @WithDefault(Topics.FLEET_HEALTH)
        String fleet();

        /**
         * Host counts per group and instance, compacted: written by each instance, read whole by every instance, so
         * a group whose hosts span instances is judged whole. {@code none}: not shared (each instance alone).
         */
        @WithDefault(Topics.GROUPS)
        String groups();
    }

    /** Heartbeat interval assumed for a host without history (the first-heartbeat estimate). */
    @WithDefault("60s")
    Duration expectedInterval();

    /** UP becomes SUSPECT after this much silence (or earlier when φ reaches phi-suspect). */
    @WithDefault("120s")
    Duration suspectAfter();

    /** The fixed floor: no host is HUNG before this much silence (5 × expected interval). */
    @WithDefault("300s")
    Duration hangAfter();

    /** No verdicts this long after a new boot id or an executed reboot (less the host's reported uptime). */
    @WithDefault("15m")
    Duration bootGrace();

    /** φ at which an UP host becomes SUSPECT. */
    @WithDefault("3.0")
    double phiSuspect();

    /** φ a silent host must reach (besides hang-after) to be HUNG. */
    @WithDefault("8.0")
    double phiHang();

    /** Added to the mean inter-arrival time before φ is computed (Akka's acceptable heartbeat pause). */
    @WithDefault("10s")
    Duration acceptablePause();

    /** Floor on the standard deviation of inter-arrival times. */
    @WithDefault("2s")
    Duration minStdDeviation();

    /** Heartbeats the running inter-arrival statistics approximate (EWMA weight 1/window once warmed up). */
    @WithDefault("100")
    int statsWindow();

    /** Wall-clock time without a tick after which a partition is stale: no verdicts on it. */
    @WithDefault("10s")
    Duration staleAfter();

    /** Wall-clock time without ticks after which the fleet is FROZEN with "no ticks". */
    @WithDefault("30s")
    Duration noTicksFreezeAfter();

    /** How often a HELD host is looked at again while its evidence stays doubtful. */
    @WithDefault("30s")
    Duration heldRecheck();

    /**
     * A host stays REBOOTING at most this long without a heartbeat; then it is judged on its silence again (the
     * executor owns "did not come back"; this only keeps the evaluator from being blind for good).
     */
    @WithDefault("20m")
    Duration rebootConfirmation();

    /** A host silent this long is forgotten: its entry is deleted and a tombstone goes to the state topic. */
    @WithDefault("24h")
    Duration forgetAfter();

    /** An ingest instance without a tick this long no longer holds the verdicts of hosts that did not use it last. */
    @WithDefault("10m")
    Duration instanceForgetAfter();

    /**
     * An UP host's plain heartbeats (last seen, seq, inter-arrival statistics) are written to the hosts store (and its
     * changelog) at most this often — between half and all of it, by host, so writes do not bunch; a change of status,
     * boot, path, network or labels is written at once. After a restore or takeover UP hosts count their silence from
     * the restored partition time, so this bounds only what a crash loses of the statistics, not a verdict's timing
     * ({@code docs/design.md}). 0s writes every heartbeat.
     */
    @WithDefault("5m")
    Duration storeWriteEvery();

    /** Fleet guard thresholds. */
    FleetConfig fleet();

    interface FleetConfig {
        /** Silent share at or above which the fleet is DEGRADED. */
        @WithDefault("0.10")
        double degradedAbove();

        /** Silent share at or above which the fleet is FROZEN. */
        @WithDefault("0.40")
        double freezeAbove();

        /** DEGRADED returns to NORMAL only below this share, held for thaw-after. */
        @WithDefault("0.05")
        double degradedThawBelow();

        /** FROZEN is left only below this share, held for thaw-after. */
        @WithDefault("0.30")
        double freezeThawBelow();

        /** How long the lower threshold must hold before the mode steps down (hysteresis). */
        @WithDefault("2m")
        Duration thawAfter();

        /** The share rules apply only when more than this many hosts are tracked (as Kubernetes: > 2). */
        @WithDefault("2")
        int minTracked();

        /** Window for "many hosts went silent at once". */
        @WithDefault("60s")
        Duration stormWindow();

        /** FROZEN when this share of tracked hosts went silent within the storm window ... */
        @WithDefault("0.20")
        double stormShare();

        /** ... and at least this many hosts. */
        @WithDefault("10")
        int stormMinHosts();

        /** Fleet health is published this often, and on every change. */
        @WithDefault("10s")
        Duration reportInterval();
    }

    /** Group guards: one per rack, switch, pool, hypervisor and source network (the evaluator README). */
    GroupsConfig groups();

    interface GroupsConfig {
        /**
         * Group keys: label keys of the heartbeats, and {@code net} for the source network ingest stamps. A host is in
         * one group per key it has a value for. {@code none}: no groups, the fleet guard alone.
         */
        @WithDefault("rack,switch,pool,hypervisor,net")
        java.util.List<String> keys();

        /** Silent share at or above which a group is DEGRADED: its hosts' HUNGs go to the executor's slow bucket. */
        @WithDefault("0.20")
        double degradedAbove();

        /** Silent share at or above which a group is FROZEN: its hosts are HELD, never HUNG. */
        @WithDefault("0.50")
        double freezeAbove();

        /** DEGRADED returns to NORMAL only below this share, held for thaw-after. */
        @WithDefault("0.10")
        double degradedThawBelow();

        /** FROZEN is left only below this share, held for thaw-after; the group's hosts then get a fresh grace. */
        @WithDefault("0.30")
        double freezeThawBelow();

        /** How long the lower threshold must hold before a group's mode steps down (hysteresis). */
        @WithDefault("2m")
        Duration thawAfter();

        /** A group with fewer tracked hosts never leaves NORMAL (small groups never freeze). */
        @WithDefault("5")
        int minSize();

        /** A group with fewer silent hosts never leaves NORMAL (one or two true hangs in a rack are acted on). */
        @WithDefault("3")
        int minSilent();

        /**
         * At most this many groups in the record other instances read (groups with down hosts first; at most 10000);
         * the rest are counted as omitted, and the others treat this instance's share of them as unknown.
         */
        @WithDefault("10000")
        int publishMax();

        /** Another instance's counts older than this are in doubt: its groups are judged on the most cautious view. */
        @WithDefault("30s")
        Duration peerStaleAfter();

        /**
         * Another instance's counts older than this are dropped (earlier once its partitions are held by others).
         */
        @WithDefault("10m")
        Duration peerExpireAfter();
    }

    default PeerSettings peerSettings() {
        GroupsConfig g = groups();
        return new PeerSettings(g.publishMax(), g.peerStaleAfter().toMillis(), g.peerExpireAfter().toMillis());
    }

    default GroupThresholds groupThresholds() {
        GroupsConfig g = groups();
        java.util.List<String> keys = g.keys().stream().map(String::trim).filter(k -> !k.isEmpty() && !k.equals("none"))
                .toList();
        return new GroupThresholds(keys, g.degradedAbove(), g.freezeAbove(), g.degradedThawBelow(), g.freezeThawBelow(),
                g.thawAfter().toMillis(), g.minSize(), g.minSilent());
    }

    default Thresholds thresholds() {
        FleetConfig f = fleet();
        return new Thresholds(expectedInterval().toMillis(), suspectAfter().toMillis(), hangAfter().toMillis(),
                bootGrace().toMillis(), phiSuspect(), phiHang(), acceptablePause().toMillis(),
                minStdDeviation().toMillis(), statsWindow(), staleAfter().toMillis(), noTicksFreezeAfter().toMillis(),
                heldRecheck().toMillis(), f.degradedAbove(), f.freezeAbove(), f.degradedThawBelow(),
                f.freezeThawBelow(), f.thawAfter().toMillis(), f.minTracked(), f.stormWindow().toMillis(),
                f.stormShare(), f.stormMinHosts(), rebootConfirmation().toMillis(), forgetAfter().toMillis(),
                instanceForgetAfter().toMillis());
    }

    default TopicNames topicNames() {
        TopicConfig t = topics();
        return new TopicNames(t.heartbeats(), t.reboots(), t.events(), t.state(), t.fleet(),
                t.groups().isBlank() || t.groups().equals("none") ? null : t.groups());
    }
}
