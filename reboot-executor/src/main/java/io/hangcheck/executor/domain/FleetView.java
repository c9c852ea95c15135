package io.hangcheck.executor.domain;

import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest fleet-health report of every evaluator instance. The executor acts under the most cautious
 * mode of all of them; a report older than {@code staleAfter} counts as FROZEN (no news is doubt); an
 * instance silent for {@code forgetAfter} is dropped (it was scaled down), and with no instance left the
 * fleet counts as FROZEN too. Right after the start, until the first report or {@code staleAfter}, the view is
 * {@link FleetStatus#unknown() unknown}: FROZEN for the chain, but not a freeze to report. Thread-safe.
 */
public final class FleetView {
    private final Clock clock;
    private final Duration staleAfter;
    private final Duration forgetAfter;
    private final Map<String, FleetHealth> latest = new TreeMap<>();
    private final Instant startedAt;
    private boolean reported;

    public FleetView(Clock clock, Duration staleAfter, Duration forgetAfter) {
        if (staleAfter.isNegative() || staleAfter.isZero() || forgetAfter.compareTo(staleAfter) < 0) {
            throw new IllegalArgumentException("need 0 < staleAfter <= forgetAfter");
        }
        this.clock = clock;
        this.staleAfter = staleAfter;
        this.forgetAfter = forgetAfter;
        this.startedAt = clock.instant();
    }

    /** Keeps {@code report} unless a newer one of the same evaluator is already known. */
    public synchronized void update(FleetHealth report) {
        reported = true;
        latest.merge(report.evaluatorId(), report, (old, neu) -> neu.at().isBefore(old.at()) ? old : neu);
    }

    public synchronized FleetStatus status() {
        Instant now = clock.instant();
        latest.values().removeIf(r -> Duration.between(r.at(), now).compareTo(forgetAfter) > 0);
        if (latest.isEmpty() && !reported && Duration.between(startedAt, now).compareTo(staleAfter) <= 0) {
            return new FleetStatus(FleetMode.FROZEN, List.of("no fleet-health report read yet since the start at " + startedAt), true);
        }
        if (latest.isEmpty()) {
            return new FleetStatus(FleetMode.FROZEN, List.of("no fleet-health report from any evaluator"));
        }
        FleetMode mode = FleetMode.NORMAL;
        List<String> reasons = new ArrayList<>();
        for (FleetHealth r : latest.values()) {
            FleetMode m = r.mode();
            if (Duration.between(r.at(), now).compareTo(staleAfter) > 0) {
                m = FleetMode.FROZEN;
                reasons.add(r.evaluatorId() + ": last report at " + r.at() + " is stale");
            } else if (m != FleetMode.NORMAL) {
                reasons.add(r.evaluatorId() + ": " + m + (r.reasons().isEmpty() ? "" : " " + r.reasons()));
            }
            mode = mode.mostCautious(m);
        }
        return new FleetStatus(mode, reasons);
    }

    public synchronized Map<String, FleetHealth> reports() {
        return Map.copyOf(latest);
    }
}
