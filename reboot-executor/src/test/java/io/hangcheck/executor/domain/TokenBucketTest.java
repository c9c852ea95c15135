package io.hangcheck.executor.domain;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TokenBucketTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    final TokenBucket bucket = new TokenBucket(6, Duration.ofMinutes(10));

    @Test
    void fullWithoutRecentResets() {
        assertThat(bucket.tokens(T0, List.of())).isEqualTo(6.0);
        assertThat(bucket.tokens(T0, List.of(T0.minus(Duration.ofHours(1))))).isEqualTo(6.0);
    }

    @Test
    void neverMoreThanBurstPlusRefillInAnyPeriod() {
        // Take a token whenever one is available, every 10 s for an hour: count per sliding 10 minutes.
        List<Instant> takes = new ArrayList<>();
        for (Instant t = T0; t.isBefore(T0.plus(Duration.ofHours(1))); t = t.plusSeconds(10)) {
            if (bucket.available(t, takes)) {
                takes.add(t);
            }
        }
        for (Instant t : takes) {
            Instant end = t.plus(Duration.ofMinutes(10));
            long inWindow = takes.stream().filter(x -> !x.isBefore(t) && x.isBefore(end)).count();
            assertThat(inWindow).isLessThanOrEqualTo(12); // burst 6 + 6 refilled
        }
        // steady state: one per 100 s
        assertThat(takes.size()).isBetween(36, 42);
    }

    @Test
    void restartCannotRefillTheBucket() {
        List<Instant> takes = List.of(T0, T0, T0, T0, T0, T0);
        // the bucket is computed from the ledger, so a "restart" (a new instance) sees the same
        assertThat(new TokenBucket(6, Duration.ofMinutes(10)).tokens(T0, takes)).isCloseTo(0.0, within(1e-9));
        assertThat(bucket.tokens(T0.plusSeconds(50), takes)).isCloseTo(0.5, within(1e-6));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new TokenBucket(0, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
