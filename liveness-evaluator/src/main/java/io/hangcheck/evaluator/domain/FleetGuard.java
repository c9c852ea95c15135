package io.hangcheck.evaluator.domain;

import io.hangcheck.events.FleetMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fleet guard's mode with hysteresis (docs/design.md, Liveness verdicts; Numbers behind the defaults). Plain logic over the
 * figures of one evaluator instance; time (wall clock, ms) is passed in.
 *
 * <ul>
 *   <li>FROZEN at once when: the silent share ≥ freeze-above (with more than min-tracked hosts), or at least
 *   max(storm-min-hosts, storm-share × tracked) hosts went silent within the storm window, or a partition has
 *   had no ticks for no-ticks-freeze-after.</li>
 *   <li>DEGRADED at once when the silent share ≥ degraded-above (more than min-tracked hosts).</li>
 *   <li>Down a level only after the release condition held continuously for thaw-after: leaving FROZEN
 *   needs share &lt; freeze-thaw-below, no storm and ticks everywhere; leaving DEGRADED needs share &lt;
 *   degraded-thaw-below. Leaving FROZEN counts as a thaw: the caller gives every host a fresh grace.</li>
 * </ul>
 */
public final class FleetGuard {

    /** The figures of one assessment. */
    public record Figures(int tracked, int silent, int newlySilent, List<Integer> noTickPartitions,
                          List<String> clockProblems) {
        public Figures(int tracked, int silent, int newlySilent, List<Integer> noTickPartitions) {
            this(tracked, silent, newlySilent, noTickPartitions, List.of());
        }

        public double share() {
            return tracked == 0 ? 0.0 : Math.min(1.0, (double) silent / tracked);
        }
    }

    private final Thresholds t;
    private FleetMode mode = FleetMode.NORMAL;
    private long since;
    private long calmSince = -1;
    private List<String> reasons = List.of();
    private long thaws;

    public FleetGuard(Thresholds thresholds, long now) {
        this.t = thresholds;
        this.since = now;
    }

    public FleetMode mode() {
        return mode;
    }

    public long since() {
        return since;
    }

    public List<String> reasons() {
        return reasons;
    }

    /** How many times the fleet left FROZEN. */
    public long thaws() {
        return thaws;
    }

    /** Re-assesses; returns true when the mode changed. */
    public boolean assess(Figures f, long now) {
        List<String> freeze = new ArrayList<>();
        List<String> degrade = new ArrayList<>();
        double share = f.share();
        boolean enough = f.tracked() > t.minTracked();
        if (enough && share >= t.freezeAbove()) {
            freeze.add(fmt("silent share %.2f >= %.2f (%d of %d hosts)", share, t.freezeAbove(), f.silent(), f.tracked()));
        }
        long stormAt = Math.max(t.stormMinHosts(), (long) Math.ceil(t.stormShare() * f.tracked()));
        boolean storm = enough && f.newlySilent() >= stormAt;
        if (storm) {
            freeze.add(fmt("%d hosts went silent within %d s (>= %d)", f.newlySilent(), t.stormWindowMs() / 1000, stormAt));
        }
        if (!f.noTickPartitions().isEmpty()) {
            freeze.add("no ticks on partitions " + f.noTickPartitions());
        }
        freeze.addAll(f.clockProblems());
        if (f.tracked() > 0 && f.silent() >= f.tracked() && !enough) {
            // F1: however small the fleet, all of it down is a full disruption (Kubernetes' ComputeZoneState stops
            // evictions in a zone whose nodes are all NotReady): one or two hosts all silent is no evidence either.
            freeze.add(fmt("all %d tracked hosts down", f.tracked()));
        }
        if (enough && share >= t.degradedAbove()) {
            degrade.add(fmt("silent share %.2f >= %.2f (%d of %d hosts)", share, t.degradedAbove(), f.silent(), f.tracked()));
        }
        FleetMode raw = !freeze.isEmpty() ? FleetMode.FROZEN : !degrade.isEmpty() ? FleetMode.DEGRADED : FleetMode.NORMAL;
        FleetMode before = mode;
        if (raw.ordinal() >= mode.ordinal()) {
            calmSince = -1;
            if (raw != mode) {
                mode = raw;
                since = now;
            }
            reasons = raw == FleetMode.FROZEN ? freeze : raw == FleetMode.DEGRADED ? degrade : List.of();
            return mode != before;
        }
        // raw is below the current mode: release only under the lower threshold, held for thaw-after.
        boolean calm = mode == FleetMode.FROZEN
                ? share < t.freezeThawBelow() && !storm && f.noTickPartitions().isEmpty() && f.clockProblems().isEmpty()
                        && !(f.tracked() > 0 && f.silent() >= f.tracked())
                : share < t.degradedThawBelow();
        if (!calm) {
            calmSince = -1;
        } else if (calmSince < 0) {
            calmSince = now;
        }
        if (calm && now - calmSince >= t.thawAfterMs()) {
            if (mode == FleetMode.FROZEN) {
                thaws++;
                mode = enough && share >= t.degradedAbove() ? FleetMode.DEGRADED : FleetMode.NORMAL;
            } else {
                mode = FleetMode.NORMAL;
            }
            since = now;
            calmSince = -1;
            reasons = mode == FleetMode.DEGRADED ? degrade : List.of();
            return true;
        }
        List<String> r = new ArrayList<>();
        r.add(fmt("holding %s: %s", mode, calm
                ? "calm for " + (now - calmSince) / 1000 + " s of " + t.thawAfterMs() / 1000 + " s"
                : fmt("silent share %.2f not yet below %.2f", share,
                mode == FleetMode.FROZEN ? t.freezeThawBelow() : t.degradedThawBelow())));
        r.addAll(mode == FleetMode.FROZEN ? freeze : degrade);
        reasons = r;
        return false;
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
