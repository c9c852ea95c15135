package io.hangcheck.evaluator.domain;

import java.time.Duration;

/**
 * Every threshold of the detector and the fleet guard, as plain values (durations in milliseconds) so the
 * decision logic needs no framework types. Built from {@code EvaluatorConfig} in the service and directly
 * in tests; {@link #defaults()} equals the documented configuration defaults (docs/design.md, Numbers behind the defaults).
 *
 * @param expectedIntervalMs  heartbeat interval assumed before a host has history (first-heartbeat estimate)
 * @param suspectAfterMs      UP → SUSPECT once silent this long (or φ ≥ phiSuspect)
 * @param hangAfterMs         the fixed floor: never HUNG before this much silence
 * @param bootGraceMs         no verdicts this long after a new boot id or an executed reboot
 * @param phiSuspect          φ at which an UP host becomes SUSPECT
 * @param phiHang             φ needed (with hangAfter) for HUNG
 * @param acceptablePauseMs   added to the mean inter-arrival before φ is computed (Akka's acceptable pause)
 * @param minStdDevMs         floor on the standard deviation of inter-arrival times
 * @param statsWindow         heartbeats the running statistics approximate (EWMA weight 1/window after warm-up)
 * @param staleAfterMs        wall-clock time without a tick after which a partition is stale (no verdicts)
 * @param noTicksFreezeAfterMs wall-clock time without ticks after which the fleet is FROZEN ("no ticks")
 * @param heldRecheckMs       how often a HELD host is re-examined while the evidence stays doubtful
 * @param degradedAbove       silent share at or above which the fleet is DEGRADED
 * @param freezeAbove         silent share at or above which the fleet is FROZEN
 * @param degradedThawBelow   DEGRADED returns to NORMAL only below this share ...
 * @param freezeThawBelow     FROZEN leaves only below this share ...
 * @param thawAfterMs         ... held continuously this long (hysteresis)
 * @param minTracked          the share rules apply only when more than this many hosts are tracked
 * @param stormWindowMs       window for "many hosts newly silent"
 * @param stormShare          FROZEN when this share of tracked hosts went silent within the storm window ...
 * @param stormMinHosts       ... and at least this many
 * @param rebootConfirmMs     a host stays REBOOTING at most this long without a heartbeat; then it is judged again
 * @param forgetAfterMs       a host silent this long is forgotten (store entry deleted, tombstone on the state topic)
 * @param instanceForgetAfterMs an ingest instance without a tick this long no longer holds verdicts of hosts that
 *                            did not last come through it (it was scaled down or renamed)
 */
public record Thresholds(
        long expectedIntervalMs,
        long suspectAfterMs,
        long hangAfterMs,
        long bootGraceMs,
        double phiSuspect,
        double phiHang,
        long acceptablePauseMs,
        long minStdDevMs,
        int statsWindow,
        long staleAfterMs,
        long noTicksFreezeAfterMs,
        long heldRecheckMs,
        double degradedAbove,
        double freezeAbove,
        double degradedThawBelow,
        double freezeThawBelow,
        long thawAfterMs,
        int minTracked,
        long stormWindowMs,
        double stormShare,
        int stormMinHosts,
        long rebootConfirmMs,
        long forgetAfterMs,
        long instanceForgetAfterMs) {

    public Thresholds {
        positive(expectedIntervalMs, "expected-interval");
        positive(suspectAfterMs, "suspect-after");
        positive(hangAfterMs, "hang-after");
        if (hangAfterMs < suspectAfterMs) {
            throw new IllegalArgumentException("hang-after must be >= suspect-after");
        }
        if (bootGraceMs < 0 || acceptablePauseMs < 0) {
            throw new IllegalArgumentException("boot-grace and acceptable-pause must be >= 0");
        }
        positive(minStdDevMs, "min-std-deviation");
        positive(statsWindow, "stats-window");
        positive(staleAfterMs, "stale-after");
        positive(heldRecheckMs, "held-recheck");
        positive(rebootConfirmMs, "reboot-confirmation");
        positive(forgetAfterMs, "forget-after");
        positive(instanceForgetAfterMs, "instance-forget-after");
        if (forgetAfterMs <= hangAfterMs || instanceForgetAfterMs <= staleAfterMs) {
            throw new IllegalArgumentException("forget-after must exceed hang-after, instance-forget-after stale-after");
        }
        if (!(phiSuspect > 0 && phiHang >= phiSuspect)) {
            throw new IllegalArgumentException("need 0 < phi-suspect <= phi-hang");
        }
        if (!(0 < degradedAbove && degradedAbove <= freezeAbove && freezeAbove <= 1)) {
            throw new IllegalArgumentException("need 0 < degraded-above <= freeze-above <= 1");
        }
        if (!(degradedThawBelow <= degradedAbove && freezeThawBelow <= freezeAbove)) {
            throw new IllegalArgumentException("thaw thresholds must not exceed the thresholds they release");
        }
    }

    private static void positive(long v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0");
        }
    }

    /** The documented defaults (docs/design.md, Numbers behind the defaults): one heartbeat a minute, hang after 5 minutes. */
    public static Thresholds defaults() {
        return new Thresholds(
                60_000, 120_000, 300_000, Duration.ofMinutes(15).toMillis(),
                3.0, 8.0, 10_000, 2_000, 100,
                10_000, 30_000, 30_000,
                0.10, 0.40, 0.05, 0.30, 120_000, 2,
                60_000, 0.20, 10,
                Duration.ofMinutes(20).toMillis(), Duration.ofHours(24).toMillis(), Duration.ofMinutes(10).toMillis());
    }

    /** Short thresholds for tests: heartbeat every second, suspect after 2 s, hang after 5 s. */
    public static Thresholds fast() {
        return new Thresholds(
                1_000, 2_000, 5_000, 0,
                3.0, 8.0, 200, 100, 20,
                3_000, 6_000, 1_000,
                0.10, 0.40, 0.05, 0.30, 3_000, 2,
                1_000, 0.20, 10,
                10_000, 600_000, 60_000);
    }

    public Thresholds withBootGraceMs(long v) {
        return new Thresholds(expectedIntervalMs, suspectAfterMs, hangAfterMs, v, phiSuspect, phiHang,
                acceptablePauseMs, minStdDevMs, statsWindow, staleAfterMs, noTicksFreezeAfterMs, heldRecheckMs,
                degradedAbove, freezeAbove, degradedThawBelow, freezeThawBelow, thawAfterMs, minTracked,
                stormWindowMs, stormShare, stormMinHosts, rebootConfirmMs, forgetAfterMs, instanceForgetAfterMs);
    }

    public Thresholds withLifetimes(long rebootConfirmMs, long forgetAfterMs, long instanceForgetAfterMs) {
        return new Thresholds(expectedIntervalMs, suspectAfterMs, hangAfterMs, bootGraceMs, phiSuspect, phiHang,
                acceptablePauseMs, minStdDevMs, statsWindow, staleAfterMs, noTicksFreezeAfterMs, heldRecheckMs,
                degradedAbove, freezeAbove, degradedThawBelow, freezeThawBelow, thawAfterMs, minTracked,
                stormWindowMs, stormShare, stormMinHosts, rebootConfirmMs, forgetAfterMs, instanceForgetAfterMs);
    }

    public Thresholds withPhi(double phiSuspect, double phiHang) {
        return new Thresholds(expectedIntervalMs, suspectAfterMs, hangAfterMs, bootGraceMs, phiSuspect, phiHang,
                acceptablePauseMs, minStdDevMs, statsWindow, staleAfterMs, noTicksFreezeAfterMs, heldRecheckMs,
                degradedAbove, freezeAbove, degradedThawBelow, freezeThawBelow, thawAfterMs, minTracked,
                stormWindowMs, stormShare, stormMinHosts, rebootConfirmMs, forgetAfterMs, instanceForgetAfterMs);
    }

    public Thresholds withStormWindow(long stormWindowMs) {
        return new Thresholds(expectedIntervalMs, suspectAfterMs, hangAfterMs, bootGraceMs, phiSuspect, phiHang,
                acceptablePauseMs, minStdDevMs, statsWindow, staleAfterMs, noTicksFreezeAfterMs, heldRecheckMs,
                degradedAbove, freezeAbove, degradedThawBelow, freezeThawBelow, thawAfterMs, minTracked,
                stormWindowMs, stormShare, stormMinHosts, rebootConfirmMs, forgetAfterMs, instanceForgetAfterMs);
    }
}
