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
public final class FleetGuard extends ModeHysteresis {

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
    private List<String> reasons = List.of();

    public FleetGuard(Thresholds thresholds, long now) {
        super(now);
        this.t = thresholds;
    }

    public List<String> reasons() {
        return reasons;
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
        FleetMode before = mode();
        if (raise(raw, now)) {
            reasons = raw == FleetMode.FROZEN ? freeze : raw == FleetMode.DEGRADED ? degrade : List.of();
            return mode() != before;
        }
        // raw is below the current mode: release only under the lower threshold, held for thaw-after.
        boolean calm = before == FleetMode.FROZEN
                ? share < t.freezeThawBelow() && !storm && f.noTickPartitions().isEmpty() && f.clockProblems().isEmpty()
                        && !(f.tracked() > 0 && f.silent() >= f.tracked())
                : share < t.degradedThawBelow();
        if (release(calm, now, t.thawAfterMs(), enough && share >= t.degradedAbove() ? FleetMode.DEGRADED : FleetMode.NORMAL)) {
            reasons = mode() == FleetMode.DEGRADED ? degrade : List.of();
            return true;
        }
        List<String> r = new ArrayList<>();
        r.add(fmt("holding %s: %s", before, calm
                ? "calm for " + calmFor(now) / 1000 + " s of " + t.thawAfterMs() / 1000 + " s"
                : fmt("silent share %.2f not yet below %.2f", share,
                before == FleetMode.FROZEN ? t.freezeThawBelow() : t.degradedThawBelow())));
        r.addAll(before == FleetMode.FROZEN ? freeze : degrade);
        reasons = r;
        return false;
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
