package io.hangcheck.sockets.domain;

import org.junit.jupiter.api.Test;

import static io.hangcheck.sockets.domain.AlertGate.Transition.NONE;
import static io.hangcheck.sockets.domain.AlertGate.Transition.OPENED;
import static io.hangcheck.sockets.domain.AlertGate.Transition.RESOLVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlertGateTest {

    @Test
    void opensAfterNConsecutiveBreachesAndResolvesAfterMConsecutiveClears() {
        AlertGate g = new AlertGate(3, 2);
        assertThat(g.update(true, false, 1)).isEqualTo(NONE);
        assertThat(g.update(true, false, 2)).isEqualTo(NONE);
        assertThat(g.update(true, false, 3)).isEqualTo(OPENED);
        assertThat(g.openedAtMillis()).isEqualTo(3);
        assertThat(g.update(true, false, 4)).isEqualTo(NONE);
        assertThat(g.update(false, true, 5)).isEqualTo(NONE);
        assertThat(g.update(false, true, 6)).isEqualTo(RESOLVED);
        assertThat(g.isOpen()).isFalse();
    }

    @Test
    void aValueHoveringAroundTheThresholdNeverFlaps() {
        // breaching, between thresholds, breaching, ... : neither streak ever completes
        AlertGate g = new AlertGate(2, 2);
        for (int i = 0; i < 50; i++) {
            assertThat(g.update(i % 2 == 0, false, i)).isEqualTo(NONE);
        }
        assertThat(g.isOpen()).isFalse();
        g.update(true, false, 100);
        assertThat(g.update(true, false, 101)).isEqualTo(OPENED);
        // once open, alternating clear / between never resolves it
        for (int i = 0; i < 50; i++) {
            assertThat(g.update(false, i % 2 == 0, 200 + i)).isEqualTo(NONE);
        }
        assertThat(g.isOpen()).isTrue();
    }

    @Test
    void breachingAndClearAtOnceIsAProgrammingError() {
        assertThatThrownBy(() -> new AlertGate(1, 1).update(true, true, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AlertGate(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
