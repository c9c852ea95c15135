package io.hangcheck.sockets.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LinearFitTest {

    private static List<LinearFit.Sample> series(long startMillis, long stepMillis, double... values) {
        List<LinearFit.Sample> s = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            s.add(new LinearFit.Sample(startMillis + i * stepMillis, values[i]));
        }
        return s;
    }

    @Test
    void anExactLineIsRecoveredAndForecastToTheLimit() {
        // 100 sockets growing 2 per 15 s scan = 8 per minute, at epoch-millisecond times
        LinearFit fit = LinearFit.of(series(1_700_000_000_000L, 15_000, 100, 102, 104, 106, 108));

        assertThat(fit.slopePerMinute()).isCloseTo(8.0, within(1e-9));
        long last = 1_700_000_000_000L + 4 * 15_000;
        assertThat(fit.valueAt(last)).isCloseTo(108, within(1e-9));
        // (1000 - 108) / (8/60) s
        assertThat(fit.secondsUntil(1000, last)).isCloseTo(892 / (8.0 / 60), within(1e-6));
    }

    @Test
    void noisySeriesFitsTheLeastSquaresLine() {
        // y = 1, 3, 2, 5, 4 at x = 0..4 s: slope = sxy/sxx = 8/10, intercept = 3 - 0.8 * 2 = 1.4
        LinearFit fit = LinearFit.of(series(0, 1000, 1, 3, 2, 5, 4));

        assertThat(fit.slopePerSecond()).isCloseTo(0.8, within(1e-12));
        assertThat(fit.intercept()).isCloseTo(1.4, within(1e-12));
        assertThat(fit.valueAt(10_000)).isCloseTo(9.4, within(1e-12));
    }

    @Test
    void flatOrFallingNeverReachesTheLimitButAlreadyThereIsZero() {
        assertThat(LinearFit.of(series(0, 1000, 50, 50, 50)).secondsUntil(100, 2000)).isNull();
        assertThat(LinearFit.of(series(0, 1000, 90, 80, 70)).secondsUntil(100, 2000)).isNull();
        assertThat(LinearFit.of(series(0, 1000, 90, 100, 110)).secondsUntil(100, 2000)).isEqualTo(0.0);
    }

    @Test
    void fewerThanTwoDistinctTimesHaveNoLine() {
        assertThat(LinearFit.of(series(0, 1000, 5))).isNull();
        assertThat(LinearFit.of(series(0, 0, 5, 6, 7))).isNull();
    }
}
