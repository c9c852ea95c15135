package io.hangcheck.executor.domain;

import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The latest fleet-health report of every evaluator instance. The executor acts under the most cautious
 * mode of all of them; a report older than {@code staleAfter} counts as FROZEN (no news is doubt); an
 * instance silent for {@code forgetAfter} is dropped (it was scaled down), and with no instance left the
 * fleet counts as FROZEN too. Right after the start, until the first report or {@code staleAfter}, the view is
 * {@link FleetStatus#unknown() unknown}: FROZEN for the chain, but not a freeze to report.
 *
 * <p>A report is judged by when it was received, not by the date it carries: its time is the earliest of its own
 * {@code at}, the record's timestamp plus {@code maxSkew}, and now plus {@code maxSkew} — a report dated ahead
 * cannot pin a mode beyond {@code staleAfter}. When evaluator ids are configured, reports from any other id are
 * refused (an unknown id's report would otherwise hold the view until it is forgotten). Thread-safe.
 */
public final class FleetView {
    private final Clock clock;
    private final Duration staleAfter;
    private final Duration forgetAfter;
    private final Map<String, Judged> latest = new TreeMap<>();
    private final Duration maxSkew;
    private final Set<String> evaluatorIds;
    private final Instant startedAt;
    private boolean reported;

    /** A report and the time it is judged by. */
    private record Judged(FleetHealth report, Instant at) {
    }

    public FleetView(Clock clock, Duration staleAfter, Duration forgetAfter) {
        this(clock, staleAfter, forgetAfter, Duration.ofSeconds(5), Set.of());
    }

    /** @param evaluatorIds the evaluator ids whose reports count; empty: any id */
    public FleetView(Clock clock, Duration staleAfter, Duration forgetAfter, Duration maxSkew, Set<String> evaluatorIds) {
        if (staleAfter.isNegative() || staleAfter.isZero() || forgetAfter.compareTo(staleAfter) < 0) {
            throw new IllegalArgumentException("need 0 < staleAfter <= forgetAfter");
        }
        this.clock = clock;
        this.staleAfter = staleAfter;
        this.forgetAfter = forgetAfter;
        this.startedAt = clock.instant();
        this.maxSkew = maxSkew;
        this.evaluatorIds = Set.copyOf(evaluatorIds);
    }

    /** {@link #update(FleetHealth, Instant)} of a report received now. */
    public boolean update(FleetHealth report) {
        return update(report, clock.instant());
    }

    /**
     * Keeps {@code report} (its record stamped {@code recordTime}) unless a newer one of the same evaluator is
     * already known; false when it is refused (not from a configured evaluator id).
     */
    public synchronized boolean update(FleetHealth report, Instant recordTime) {
        if (!evaluatorIds.isEmpty() && !evaluatorIds.contains(report.evaluatorId())) {
            return false;
        }
        Instant now = clock.instant();
        Instant bound = (recordTime.isBefore(now) ? recordTime : now).plus(maxSkew);
        Judged j = new Judged(report, report.at().isAfter(bound) ? bound : report.at());
        reported = true;
        latest.merge(report.evaluatorId(), j, (old, neu) -> neu.at().isBefore(old.at()) ? old : neu);
        return true;
    }

    public synchronized FleetStatus status() {
        Instant now = clock.instant();
        latest.values().removeIf(j -> Duration.between(j.at(), now).compareTo(forgetAfter) > 0);
        if (latest.isEmpty() && !reported && Duration.between(startedAt, now).compareTo(staleAfter) <= 0) {
            return new FleetStatus(FleetMode.FROZEN, List.of("no fleet-health report read yet since the start at " + startedAt), true);
        }
        if (latest.isEmpty()) {
            return new FleetStatus(FleetMode.FROZEN, List.of("no fleet-health report from any evaluator"));
        }
        FleetMode mode = FleetMode.NORMAL;
        List<String> reasons = new ArrayList<>();
        for (Judged j : latest.values()) {
            FleetHealth r = j.report();
            FleetMode m = r.mode();
            if (Duration.between(j.at(), now).compareTo(staleAfter) > 0) {
                m = FleetMode.FROZEN;
                reasons.add(r.evaluatorId() + ": last report at " + j.at() + " is stale");
            } else if (m != FleetMode.NORMAL) {
                reasons.add(r.evaluatorId() + ": " + m + (r.reasons().isEmpty() ? "" : " " + r.reasons()));
            }
            mode = mode.mostCautious(m);
        }
        return new FleetStatus(mode, reasons);
    }

    public synchronized Map<String, FleetHealth> reports() {
        Map<String, FleetHealth> out = new TreeMap<>();
        latest.forEach((id, j) -> out.put(id, j.report()));
        return out;
    }
}
