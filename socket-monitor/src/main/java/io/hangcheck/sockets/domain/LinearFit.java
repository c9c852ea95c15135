package io.hangcheck.sockets.domain;

import java.util.List;

/**
 * Ordinary least-squares line through (time, value) samples, as Prometheus {@code predict_linear} fits
 * {@code deriv}: slope per second, and the fitted value at any time. Times are taken relative to the first
 * sample so that epoch milliseconds lose no precision.
 *
 * @param slopePerSecond change of the value per second
 * @param originMillis   time of the first sample
 * @param intercept      fitted value at {@code originMillis}
 * @param samples        number of samples fitted
 */
public record LinearFit(double slopePerSecond, long originMillis, double intercept, int samples) {

    /** A time-stamped value. */
    public record Sample(long atMillis, double value) {
    }

    /** The fit of at least two samples at distinct times, or null when there is no such line. */
    public static LinearFit of(List<Sample> samples) {
        int n = samples.size();
        if (n < 2) {
            return null;
        }
        long origin = samples.get(0).atMillis();
        double sumX = 0;
        double sumY = 0;
        for (Sample s : samples) {
            sumX += (s.atMillis() - origin) / 1000.0;
            sumY += s.value();
        }
        double meanX = sumX / n;
        double meanY = sumY / n;
        double sxx = 0;
        double sxy = 0;
        for (Sample s : samples) {
            double dx = (s.atMillis() - origin) / 1000.0 - meanX;
            sxx += dx * dx;
            sxy += dx * (s.value() - meanY);
        }
        if (sxx == 0) {
            return null;
        }
        double slope = sxy / sxx;
        return new LinearFit(slope, origin, meanY - slope * meanX, n);
    }

    /** The fitted value at a time ({@code predict_linear(v[w], t - last)} evaluated at {@code atMillis}). */
    public double valueAt(long atMillis) {
        return intercept + slopePerSecond * ((atMillis - originMillis) / 1000.0);
    }

    public double slopePerMinute() {
        return slopePerSecond * 60.0;
    }

    /**
     * Seconds from {@code nowMillis} until the fitted line reaches {@code limit}: 0 when it already has, null
     * when the line does not rise (it never reaches the limit).
     */
    public Double secondsUntil(double limit, long nowMillis) {
        double now = valueAt(nowMillis);
        if (now >= limit) {
            return 0.0;
        }
        if (slopePerSecond <= 0) {
            return null;
        }
        return (limit - now) / slopePerSecond;
    }
}
