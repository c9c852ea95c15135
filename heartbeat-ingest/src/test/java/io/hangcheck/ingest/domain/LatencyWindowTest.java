package io.hangcheck.ingest.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyWindowTest {

    @Test
    void p99IsWithinABucketOfTheTruth() {
        LatencyWindow w = new LatencyWindow();
        for (int i = 1; i <= 1000; i++) {
            w.record(i / 100.0); // 0.01 .. 10 ms
        }
        assertThat(w.p99AndReset()).isCloseTo(9.9, within(9.9 * 0.2));
    }

    @Test
    void readingClearsTheInterval() {
        LatencyWindow w = new LatencyWindow();
        w.record(500);
        assertThat(w.p99AndReset()).isGreaterThanOrEqualTo(500);
        assertThat(w.p99AndReset()).isZero();
    }

    @Test
    void oneSlowSendInAHundredShows() {
        LatencyWindow w = new LatencyWindow();
        for (int i = 0; i < 98; i++) {
            w.record(2);
        }
        w.record(3000);
        w.record(3000);
        assertThat(w.p99AndReset()).isGreaterThanOrEqualTo(3000);
    }
}
