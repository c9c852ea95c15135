package io.hangcheck.evaluator.domain;

import io.hangcheck.events.FleetMode;

/**
 * One host group's mode with hysteresis: the fleet guard's shape ({@link FleetGuard}) over the hosts of one rack,
 * switch, pool, hypervisor or source network. Plain logic; time (wall clock, ms) is passed in.
 *
 * <ul>
 *   <li>A group is <b>eligible</b> when it tracks at least min-size hosts and at least min-silent of them are down.
 *   An ineligible group is NORMAL, whatever its share: a group of 3 with 1 hang, or a rack of 40 with 2, is acted
 *   on as any host is (small groups never freeze; the defaults 5 and 3 follow Kubernetes, which treats a zone as
 *   partially disrupted only with more than 2 not-ready nodes).</li>
 *   <li>FROZEN at once when eligible and the silent share ≥ freeze-above; DEGRADED at once when eligible and
 *   ≥ degraded-above.</li>
 *   <li>Down a level only after the release held continuously for thaw-after: not eligible, or the share below
 *   freeze-thaw-below (leaving FROZEN) or degraded-thaw-below (leaving DEGRADED). Leaving FROZEN counts as a thaw:
 *   the group's hosts get a fresh grace.</li>
 * </ul>
 * There is no storm rule per group: a host is SUSPECT (counted down) hang-after − suspect-after before it can be
 * HUNG, so when a whole rack goes dark its share is high before any of its hosts can be judged.
 */
public final class GroupGuard extends ModeHysteresis {
    private final GroupThresholds t;
    private int tracked;
    private int silent;

    public GroupGuard(GroupThresholds thresholds, long now) {
        super(now);
        this.t = thresholds;
    }

    public int tracked() {
        return tracked;
    }

    public int silent() {
        return silent;
    }

    public double share() {
        return tracked == 0 ? 0 : Math.min(1.0, (double) silent / tracked);
    }

    /** Re-assesses with {@code tracked} hosts of which {@code silent} are down; returns true when the mode changed. */
    public boolean assess(int tracked, int silent, long now) {
        this.tracked = tracked;
        this.silent = silent;
        double share = share();
        boolean eligible = tracked >= t.minSize() && silent >= t.minSilent();
        FleetMode raw = !eligible ? FleetMode.NORMAL
                : share >= t.freezeAbove() ? FleetMode.FROZEN
                : share >= t.degradedAbove() ? FleetMode.DEGRADED : FleetMode.NORMAL;
        FleetMode before = mode();
        if (raise(raw, now)) {
            return mode() != before;
        }
        boolean calm = !eligible || share < (before == FleetMode.FROZEN ? t.freezeThawBelow() : t.degradedThawBelow());
        return release(calm, now, t.thawAfterMs(),
                eligible && share >= t.degradedAbove() ? FleetMode.DEGRADED : FleetMode.NORMAL);
    }

    /** Why the group is in its mode, e.g. {@code 38 of 40 silent (0.95 >= 0.50)}; while held: {@code ..., holding}. */
    public String reason() {
        double threshold = mode() == FleetMode.FROZEN ? t.freezeAbove() : t.degradedAbove();
        String base = GroupThresholds.fmt("%d of %d silent", silent, tracked);
        if (mode() == FleetMode.NORMAL) {
            return base;
        }
        double share = share();
        return share >= threshold && tracked >= t.minSize() && silent >= t.minSilent()
                ? base + GroupThresholds.fmt(" (%.2f >= %.2f)", share, threshold)
                : base + GroupThresholds.fmt(" (holding %s until calm for %d s)", mode(), t.thawAfterMs() / 1000);
    }

    /** The mode the thresholds give these counts, before hysteresis. */
    public FleetMode raw(int tracked, int silent) {
        if (!eligible(tracked, silent)) {
            return FleetMode.NORMAL;
        }
        double share = (double) silent / tracked;
        return share >= t.freezeAbove() ? FleetMode.FROZEN : share >= t.degradedAbove() ? FleetMode.DEGRADED : FleetMode.NORMAL;
    }

    private boolean eligible(int tracked, int silent) {
        return tracked >= t.minSize() && silent >= t.minSilent();
    }

    /**
     * True when counts {@code (t1, s1)} are a more cautious view than {@code (t2, s2)}: a higher raw mode, or the same
     * with eligibility where the other has none, or the same with a higher silent share. Judging on the more cautious
     * view never gives a lower mode nor an earlier thaw than judging on the other.
     */
    public boolean moreCautious(int t1, int s1, int t2, int s2) {
        int c = raw(t1, s1).compareTo(raw(t2, s2));
        if (c != 0) {
            return c > 0;
        }
        boolean e1 = eligible(t1, s1);
        boolean e2 = eligible(t2, s2);
        if (e1 != e2) {
            return e1;
        }
        return (long) s1 * Math.max(1, t2) > (long) s2 * Math.max(1, t1);
    }

    /** True while the guard waits for the thaw timer (the caller re-assesses on its periodic pass). */
    public boolean pending() {
        return mode() != FleetMode.NORMAL;
    }
}
