package io.hangcheck.sockets.domain;

import java.time.Duration;

/**
 * The thresholds of {@link LeakDetector}; each "resolve" threshold is lower than its "open" one (hysteresis).
 *
 * @param window               the span of the linear fits and of "growth" (Prometheus {@code predict_linear} range)
 * @param horizon              a forecast of exhaustion within this opens EXHAUSTION_FORECAST
 * @param resolveHorizonFactor the forecast must be beyond {@code horizon × factor} (or absent) to count as clear
 * @param warnShare            usage at or above this share of the budget opens USAGE_WARNING
 * @param resolveShare         usage below this share counts as clear (lower than {@code warnShare})
 * @param openAfter            consecutive breaching scans before an alert opens
 * @param resolveAfter         consecutive clear scans before an alert resolves
 * @param minSamples           fewer samples than this in the window: no forecast
 * @param stuckOldAfter        a socket in a closing state this long counts as stuck
 * @param stuckMinCount        stuck sockets at or above this and growing open STUCK_SOCKETS; below half clear it
 * @param pgMinIdle            a PostgreSQL client with at least this many idle connections may be flagged
 * @param pgIdleGrowthPerMinute idle connections growing at least this fast (fit over the window) flag it
 * @param topGrowers           how many growing peers an alert names
 * @param forecastFloorShare   no forecast alert while usage is below this share of the budget: a slope on a
 *                             nearly empty budget says little (an idle table's noise forecasts "exhaustion")
 */
public record LeakRules(Duration window, Duration horizon, double resolveHorizonFactor, double warnShare,
                        double resolveShare, int openAfter, int resolveAfter, int minSamples,
                        Duration stuckOldAfter, int stuckMinCount, int pgMinIdle, double pgIdleGrowthPerMinute,
                        int topGrowers, double forecastFloorShare) {
    public LeakRules {
        if (forecastFloorShare < 0 || forecastFloorShare >= 1) {
            throw new IllegalArgumentException("need 0 <= forecastFloorShare < 1");
        }
        if (!(resolveShare < warnShare) || warnShare <= 0 || warnShare > 1) {
            throw new IllegalArgumentException("need 0 < resolveShare < warnShare <= 1");
        }
        if (resolveHorizonFactor < 1) {
            throw new IllegalArgumentException("resolveHorizonFactor must be >= 1");
        }
        if (minSamples < 2) {
            throw new IllegalArgumentException("a line needs minSamples >= 2");
        }
    }

    /** The documented defaults (see {@code SocketsConfig}). */
    public static LeakRules defaults() {
        return new LeakRules(Duration.ofMinutes(10), Duration.ofMinutes(30), 2.0, 0.8, 0.7, 3, 5, 4,
                Duration.ofMinutes(2), 20, 5, 0.5, 3, 0.5);
    }

    public LeakRules withForecastFloorShare(double share) {
        return new LeakRules(window, horizon, resolveHorizonFactor, warnShare, resolveShare, openAfter, resolveAfter,
                minSamples, stuckOldAfter, stuckMinCount, pgMinIdle, pgIdleGrowthPerMinute, topGrowers, share);
    }
}
