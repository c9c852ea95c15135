package io.hangcheck.executor.domain;

import io.hangcheck.events.FleetMode;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.List;

/**
 * The policy chain: decides whether a hang may be answered with a reset, now.
 *
 * <p>Algorithm. A request (a HUNG event, or an operator's) runs through these checks in order; the first
 * that objects decides, and its reason is recorded:
 * <ol>
 *   <li>duplicate incident (the database refused a second claim of the incident id) → SKIPPED;</li>
 *   <li>remediation paused (kill switch) → SKIPPED;</li>
 *   <li>an active silence matches the host (by id or label) → SKIPPED;</li>
 *   <li>no inventory entry, or the entry is disabled → SKIPPED (no driver may touch an unknown host);</li>
 *   <li>a HUNG not corroborated by the evaluator's latest host state (same host, HUNG, same incident)
 *       → SKIPPED (defends against a forged or stale HUNG);</li>
 *   <li>the fleet (the most cautious evaluator; a stale report counts as FROZEN) is FROZEN → HELD;
 *       DEGRADED, or a HUNG marked {@code groupDegraded} by the evaluator (a group of the host — its rack, switch,
 *       subnet, pool — is DEGRADED), → HELD unless the secondary, slow token bucket has a token (a FROZEN group
 *       never gets here: the evaluator holds its hosts, they are never HUNG);</li>
 *   <li>the host has an open action (a reset in flight, or one waiting for its new boot) → SKIPPED
 *       {@code HOST_COOL_DOWN} naming the open attempt — for every origin, forced included: one reset per
 *       host at a time (the database refuses a second open action anyway);</li>
 *   <li>the host is quarantined → SKIPPED; it had {@code quarantineAfter} resets within the window →
 *       QUARANTINED (once; later requests find it quarantined); it was reset within the cool-down →
 *       SKIPPED;</li>
 *   <li>resets in flight at the cap → SKIPPED;</li>
 *   <li>the token bucket is empty → SKIPPED;</li>
 *   <li>resetting the host would exceed the share of the fleet per hour (at least one host) → SKIPPED;</li>
 *   <li>otherwise → INTENT: the intent row is committed, then the host's driver is called.</li>
 * </ol>
 * An operator's request skips the corroboration step (there is no HUNG to corroborate); a forced request
 * skips every step but duplicate, inventory and the open action. The chain has no state of its own: the buckets and counts
 * are computed from the ledger rows in {@link Situation}, so a restart forgets nothing.
 */
public final class Policy {

    /** The limits the chain applies. */
    public record Limits(int inFlight, int bucketCapacity, Duration bucketPeriod,
                         int degradedBucketCapacity, Duration degradedBucketPeriod,
                         double fleetSharePerHour, Duration hostCoolDown, int quarantineAfter,
                         Duration quarantineWindow) {
        public Limits {
            if (inFlight < 1 || quarantineAfter < 1 || !(fleetSharePerHour > 0 && fleetSharePerHour <= 1)) {
                throw new IllegalArgumentException("need inFlight >= 1, quarantineAfter >= 1, 0 < fleetSharePerHour <= 1");
            }
        }

        /** The documented defaults (docs/design.md, Numbers behind the defaults). */
        public static Limits defaults() {
            return new Limits(3, 6, Duration.ofMinutes(10), 1, Duration.ofMinutes(10), 0.10,
                    Duration.ofMinutes(30), 3, Duration.ofHours(24));
        }
    }

    private static final int DUPLICATE_STEP = 0;
    private static final int INVENTORY_STEP = 3;
    private static final int FLEET_STEP = 5;
    private static final int OPEN_ACTION_STEP = 6;

    private final Clock clock;
    private final Limits limits;
    private final TokenBucket bucket;
    private final TokenBucket degradedBucket;
    private final List<Function<Situation, Optional<Verdict>>> steps = List.of(
            this::duplicate, this::paused, this::silenced, this::inventory, this::corroborated,
            this::fleet, this::openAction, this::host, this::inFlight, this::rate, this::fleetShare);

    public Policy(Clock clock, Limits limits) {
        this.clock = clock;
        this.limits = limits;
        this.bucket = new TokenBucket(limits.bucketCapacity(), limits.bucketPeriod());
        this.degradedBucket = new TokenBucket(limits.degradedBucketCapacity(), limits.degradedBucketPeriod());
    }

    /** Runs the chain. */
    public Verdict decide(Situation s) {
        return decide(s, null);
    }

    /**
     * Runs the chain for a request whose HUNG event carried {@code groupDegraded} (the evaluator's
     * {@code LivenessEvent.groupDegraded()}: which group of the host was DEGRADED and why), null when none: such a
     * HUNG takes the slow bucket, as every HUNG does while the fleet is DEGRADED.
     */
    public Verdict decide(Situation s, String groupDegraded) {
        for (int i = 0; i < steps.size(); i++) {
            if (s.origin() == Situation.Origin.FORCED && i != DUPLICATE_STEP && i != INVENTORY_STEP && i != OPEN_ACTION_STEP) {
                continue;
            }
            Optional<Verdict> v = i == FLEET_STEP ? fleet(s, groupDegraded) : steps.get(i).apply(s);
            if (v.isPresent()) {
                return v.get();
            }
        }
        RebootReason reason = switch (s.origin()) {
            case HUNG -> RebootReason.POLICY_PASSED;
            case MANUAL -> RebootReason.MANUAL;
            case FORCED -> RebootReason.MANUAL_FORCED;
        };
        return Verdict.of(RebootDecision.INTENT, reason, Map.of(
                "inFlight", String.valueOf(s.inFlight()),
                "tokensLeft", String.format(java.util.Locale.ROOT, "%.2f", tokensLeft(s.recentResets())),
                "fleetMode", s.fleet().mode().name()));
    }

    /** Tokens left in the primary bucket now, given the recent resets. */
    public double tokensLeft(List<Instant> recentResets) {
        return bucket.tokens(clock.instant(), recentResets);
    }

    /** The most hosts that may be reset per hour in a fleet of {@code fleetSize}: the share, at least one. */
    public int fleetShareCap(int fleetSize) {
        return Math.max(1, (int) Math.floor(limits.fleetSharePerHour() * fleetSize));
    }

    public Limits limits() {
        return limits;
    }

    Optional<Verdict> duplicate(Situation s) {
        return s.duplicate() ? skip(RebootReason.DUPLICATE_INCIDENT, Map.of()) : Optional.empty();
    }

    Optional<Verdict> paused(Situation s) {
        PauseState p = s.pause();
        if (p == null || !p.paused()) {
            return Optional.empty();
        }
        return skip(RebootReason.PAUSED, Map.of("pausedBy", String.valueOf(p.author()),
                "pauseReason", String.valueOf(p.reason()), "pausedSince", String.valueOf(p.since())));
    }

    Optional<Verdict> silenced(Situation s) {
        Silence si = s.silence();
        if (si == null || !si.activeAt(clock.instant())) {
            return Optional.empty();
        }
        return skip(RebootReason.SILENCED, Map.of("silenceId", String.valueOf(si.id()),
                "silenceEndsAt", si.endsAt().toString(), "silenceAuthor", String.valueOf(si.author())));
    }

    Optional<Verdict> inventory(Situation s) {
        InventoryEntry e = s.inventory();
        if (e == null) {
            return skip(RebootReason.NOT_IN_INVENTORY, Map.of("inventory", "none"));
        }
        if (!e.enabled()) {
            return skip(RebootReason.NOT_IN_INVENTORY, Map.of("inventory", "disabled"));
        }
        return Optional.empty();
    }

    Optional<Verdict> corroborated(Situation s) {
        if (s.origin() != Situation.Origin.HUNG || s.evidence() == Evidence.CORROBORATED) {
            return Optional.empty();
        }
        return skip(RebootReason.NOT_CORROBORATED, Map.of("evidence", String.valueOf(s.evidence())));
    }

    Optional<Verdict> fleet(Situation s) {
        return fleet(s, null);
    }

    /** Detail key naming the DEGRADED group of a held HUNG. */
    public static final String GROUP_DEGRADED = "groupDegraded";

    Optional<Verdict> fleet(Situation s, String groupDegraded) {
        FleetStatus f = s.fleet();
        Map<String, String> detail = Map.of("fleetMode", f.mode().name(), "fleetReasons", String.join("; ", f.reasons()));
        if (f.mode() == FleetMode.FROZEN) {
            return Optional.of(Verdict.of(RebootDecision.HELD, RebootReason.FLEET_FROZEN, detail));
        }
        boolean group = groupDegraded != null && s.origin() == Situation.Origin.HUNG;
        if ((f.mode() == FleetMode.DEGRADED || group) && !degradedBucket.available(clock.instant(), s.recentResets())) {
            if (group) {
                detail = Map.of("fleetMode", f.mode().name(), "fleetReasons", String.join("; ", f.reasons()),
                        GROUP_DEGRADED, groupDegraded);
            }
            return Optional.of(Verdict.of(RebootDecision.HELD, RebootReason.FLEET_DEGRADED_RATE, detail));
        }
        return Optional.empty();
    }

    Optional<Verdict> openAction(Situation s) {
        return s.openAttempt() == null ? Optional.empty()
                : skip(RebootReason.HOST_COOL_DOWN, Map.of(OPEN_ATTEMPT, s.openAttempt()));
    }

    /** Detail key naming the host's open attempt when a request is refused for it. */
    public static final String OPEN_ATTEMPT = "openAttempt";

    Optional<Verdict> host(Situation s) {
        Instant now = clock.instant();
        if (s.quarantined()) {
            return skip(RebootReason.HOST_QUARANTINED, Map.of("quarantine", "already"));
        }
        Instant windowStart = now.minus(limits.quarantineWindow());
        List<Instant> inWindow = s.hostResets().stream().filter(t -> t.isAfter(windowStart)).sorted().toList();
        if (inWindow.size() >= limits.quarantineAfter()) {
            return Optional.of(Verdict.of(RebootDecision.QUARANTINED, RebootReason.HOST_QUARANTINED, Map.of(
                    "resetsInWindow", String.valueOf(inWindow.size()),
                    "window", limits.quarantineWindow().toString())));
        }
        if (!inWindow.isEmpty()) {
            Instant last = inWindow.get(inWindow.size() - 1);
            if (last.plus(limits.hostCoolDown()).isAfter(now)) {
                return skip(RebootReason.HOST_COOL_DOWN, Map.of("lastReset", last.toString(),
                        "coolDownUntil", last.plus(limits.hostCoolDown()).toString()));
            }
        }
        return Optional.empty();
    }

    Optional<Verdict> inFlight(Situation s) {
        return s.inFlight() >= limits.inFlight()
                ? skip(RebootReason.IN_FLIGHT_CAP, Map.of("inFlight", String.valueOf(s.inFlight()), "cap", String.valueOf(limits.inFlight())))
                : Optional.empty();
    }

    Optional<Verdict> rate(Situation s) {
        double tokens = tokensLeft(s.recentResets());
        return tokens < 1 - 1e-9
                ? skip(RebootReason.RATE_LIMITED, Map.of("tokensLeft", String.format(java.util.Locale.ROOT, "%.2f", tokens),
                        "bucket", limits.bucketCapacity() + " per " + limits.bucketPeriod()))
                : Optional.empty();
    }

    Optional<Verdict> fleetShare(Situation s) {
        int cap = fleetShareCap(s.fleetSize());
        return s.hostsResetLastHour() + 1 > cap
                ? skip(RebootReason.FLEET_SHARE_CAP, Map.of("hostsResetLastHour", String.valueOf(s.hostsResetLastHour()),
                        "cap", String.valueOf(cap), "fleetSize", String.valueOf(s.fleetSize())))
                : Optional.empty();
    }

    private static Optional<Verdict> skip(RebootReason reason, Map<String, String> detail) {
        return Optional.of(Verdict.of(RebootDecision.SKIPPED, reason, detail));
    }
}
