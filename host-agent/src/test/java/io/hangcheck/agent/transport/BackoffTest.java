package io.hangcheck.agent.transport;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    private final Random random = new Random(42);

    @Test
    void ceilingDoublesUntilTheMaximum() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), 6, random::nextLong);
        assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(b.ceiling(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.ceiling(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.ceiling(4)).isEqualTo(Duration.ofSeconds(3));
        assertThat(b.ceiling(60)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void delaysStayWithinHalfTheCeilingAndTheCeilingAndSpread() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 5, random::nextLong);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1_000; i++) {
            long d = b.delay(3).toMillis();
            assertThat(d).isBetween(2_000L, 4_000L);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(max - min).as("jitter spreads a fleet that failed together").isGreaterThan(1_000);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 3, random::nextLong))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 3, random::nextLong))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, random::nextLong))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
