package io.hangcheck.evaluator.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PhiAccrualTest {

    @Test
    void phiAtTheMeanIsLog10OfTwo() {
        // F(mean) = 1/2 exactly in the logistic approximation, so phi = -log10(1/2).
        assertThat(PhiAccrual.phi(1000, 1000, 100, 0, 10)).isCloseTo(Math.log10(2), within(1e-12));
    }

    @Test
    void phiIsPinnedForKnownMeanDeviationAndElapsed() {
        // Expected values computed outside Java (Python, the same formula written out):
        // y = (elapsed - (mean + pause)) / max(std, minStd); e = exp(-y (1.5976 + 0.070566 y^2)); phi = -log10(e / (1 + e))
        assertThat(PhiAccrual.phi(1200, 1000, 100, 0, 10)).isCloseTo(1.6428278854871123, within(1e-9));
        assertThat(PhiAccrual.phi(1500, 1000, 100, 0, 10)).isCloseTo(7.299947394460206, within(1e-9));
        assertThat(PhiAccrual.phi(900, 1000, 100, 0, 10)).isCloseTo(0.0750330321409399, within(1e-9));
        assertThat(PhiAccrual.phi(300_000, 60_000, 15_000, 10_000, 2_000)).isCloseTo(121.12020430317716, within(1e-6));
    }

    @Test
    void logisticApproximationTracksTheNormalTail() {
        // Two standard deviations above the mean: exact normal tail 1 - Phi(2) = 0.0227501..., phi = 1.64302.
        assertThat(PhiAccrual.phi(1200, 1000, 100, 0, 10)).isCloseTo(1.6430160801409368, within(1e-3));
    }

    @Test
    void phiStaysFiniteFarBeyondTheMean() {
        // y = 38: exp(-z) underflows to 0; phi = z / ln 10 with z = y (1.5976 + 0.070566 y^2)
        double y = 38;
        double expected = y * (1.5976 + 0.070566 * y * y) / Math.log(10);
        assertThat(PhiAccrual.phi(5000, 1000, 100, 200, 100)).isCloseTo(expected, within(1e-9)).isFinite();
    }

    @Test
    void acceptablePauseIsAddedToTheMean() {
        assertThat(PhiAccrual.phi(1500, 1000, 100, 300, 10)).isCloseTo(PhiAccrual.phi(1200, 1000, 100, 0, 10), within(1e-12));
    }

    @Test
    void standardDeviationHasAFloor() {
        // std 50 is raised to the floor 100: same as std 100.
        assertThat(PhiAccrual.phi(1100, 1000, 50, 0, 100)).isCloseTo(0.7995083208395598, within(1e-9));
        assertThat(PhiAccrual.phi(1100, 1000, 50, 0, 100)).isEqualTo(PhiAccrual.phi(1100, 1000, 100, 0, 100));
    }

    @Test
    void phiGrowsWithSilence() {
        double last = -1;
        for (int elapsed = 0; elapsed <= 3000; elapsed += 50) {
            double phi = PhiAccrual.phi(elapsed, 1000, 200, 0, 10);
            assertThat(phi).isGreaterThanOrEqualTo(last);
            last = phi;
        }
    }

    @Test
    void elapsedForPhiInvertsPhi() {
        for (double threshold : new double[]{0.5, 1, 3, 8, 16}) {
            double elapsed = PhiAccrual.elapsedForPhi(threshold, 60_000, 15_000, 10_000, 2_000);
            assertThat(PhiAccrual.phi(elapsed, 60_000, 15_000, 10_000, 2_000)).isCloseTo(threshold, within(1e-6));
        }
    }

    @Test
    void firstHeartbeatEstimateIsExpectedIntervalWithAQuarterAsDeviation() {
        HostRecord r = new HostRecord();
        r.seedStats(60_000);
        assertThat(r.meanMs()).isEqualTo(60_000);
        assertThat(r.stdDevMs()).isEqualTo(15_000);
    }

    @Test
    void runningStatisticsAreExactWhileWarmingUpThenExponential() {
        HostRecord r = new HostRecord();
        r.statsCount = 0;
        double[] samples = {1000, 1200, 800, 1100, 900};
        for (double s : samples) {
            r.addInterval(s, 100);
        }
        assertThat(r.meanMs()).isCloseTo(1000, within(1e-9));
        // population variance of the five samples: (0 + 40000 + 40000 + 10000 + 10000) / 5 = 20000
        assertThat(r.varianceMs2()).isCloseTo(20_000, within(1e-6));
        // after the window is full, each new sample has weight 1/window
        HostRecord w = new HostRecord();
        w.statsCount = 0;
        for (int i = 0; i < 10; i++) {
            w.addInterval(1000, 10);
        }
        w.addInterval(2000, 10);
        assertThat(w.meanMs()).isCloseTo(1100, within(1e-9));
    }
}
