package io.hangcheck.evaluator.domain;

/**
 * The φ-accrual suspicion level (Hayashibara et al.), computed exactly as Akka's / Pekko's
 * {@code PhiAccrualFailureDetector}: φ = −log10(1 − F(Δ)) where F is the normal CDF of the inter-arrival
 * distribution, approximated by the logistic function with the constants 1.5976 and 0.070566; the
 * acceptable heartbeat pause is added to the mean and the standard deviation has a floor.
 *
 * <p>Also the inverse ({@link #elapsedForPhi}): the silence at which φ reaches a threshold, so the
 * evaluator can schedule the next look at a host instead of polling it.
 */
public final class PhiAccrual {
    static final double A = 1.5976;
    static final double B = 0.070566;
    private static final double LN10 = Math.log(10);

    private PhiAccrual() {
    }

    /**
     * φ after {@code elapsedMs} of silence.
     *
     * @param elapsedMs         time since the last heartbeat
     * @param meanMs            mean inter-arrival time (without the acceptable pause)
     * @param stdDevMs          standard deviation of inter-arrival times (before the floor)
     * @param acceptablePauseMs added to the mean
     * @param minStdDevMs       floor on the standard deviation
     */
    public static double phi(double elapsedMs, double meanMs, double stdDevMs, double acceptablePauseMs,
                             double minStdDevMs) {
        double mean = meanMs + acceptablePauseMs;
        double std = Math.max(stdDevMs, minStdDevMs);
        double y = (elapsedMs - mean) / std;
        double z = y * (A + B * y * y);
        double e = Math.exp(-z);
        if (elapsedMs > mean) {
            // -log10(e / (1 + e)) written as (z + ln(1 + e)) / ln 10: the same value, but finite when e underflows
            // (Akka returns Infinity there, which JSON cannot carry).
            return (z + Math.log1p(e)) / LN10;
        }
        return -Math.log10(1.0 - 1.0 / (1.0 + e));
    }

    /**
     * The silence at which φ reaches {@code threshold} (the inverse of {@link #phi}). For φ ≥ log10(2)
     * (the value at the mean) the logistic branch is solved in closed form: with
     * c = ln((1 − p)/p), p = 10^−φ, the standardised time y is the real root of B·y³ + A·y − c = 0 (Cardano).
     */
    public static double elapsedForPhi(double threshold, double meanMs, double stdDevMs, double acceptablePauseMs,
                                       double minStdDevMs) {
        double mean = meanMs + acceptablePauseMs;
        double std = Math.max(stdDevMs, minStdDevMs);
        // c = ln((1 - p) / p) with p = 10^-φ, written so that it stays finite however small p gets (for φ ≥ ~308
        // p underflows and the quotient is infinite: the inverse was NaN and the next look was scheduled at once).
        double p = Math.pow(10, -threshold);
        double c = Math.log1p(-p) + threshold * LN10;
        // y^3 + (A/B) y - c/B = 0, depressed cubic with positive linear term: one real root.
        double pp = A / B;
        double q = -c / B;
        double disc = Math.sqrt(q * q / 4 + pp * pp * pp / 27);
        double y = Math.cbrt(-q / 2 + disc) + Math.cbrt(-q / 2 - disc);
        return mean + y * std;
    }
}
