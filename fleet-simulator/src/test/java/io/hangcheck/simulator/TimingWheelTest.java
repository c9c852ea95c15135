package io.hangcheck.simulator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TimingWheelTest {

    private static List<Integer> advance(TimingWheel w, long tick) {
        List<Integer> fired = new ArrayList<>();
        w.advance(tick, fired::add);
        return fired;
    }

    @Test
    void firesEachHostAtItsTickIncludingLaterRoundsOfTheWheel() {
        TimingWheel w = new TimingWheel(8, 3);
        w.schedule(0, 2);
        w.schedule(1, 10); // same slot as 2, next round
        w.schedule(2, 5);
        List<List<Integer>> fired = new ArrayList<>();
        for (long t = 0; t <= 12; t++) {
            fired.add(advance(w, t));
        }
        assertThat(fired.get(2)).containsExactly(0);
        assertThat(fired.get(5)).containsExactly(2);
        assertThat(fired.get(10)).containsExactly(1);
        assertThat(fired.stream().mapToInt(List::size).sum()).isEqualTo(3);
    }

    @Test
    void reschedulingReplacesTheEarlierScheduleWithoutDuplicates() {
        TimingWheel w = new TimingWheel(8, 1);
        w.schedule(0, 3);
        w.schedule(0, 11); // moved a round later, same slot
        w.schedule(0, 4);  // and finally to tick 4
        int count = 0;
        for (long t = 0; t <= 20; t++) {
            List<Integer> f = advance(w, t);
            if (!f.isEmpty()) {
                assertThat(t).isEqualTo(4);
            }
            count += f.size();
        }
        assertThat(count).isEqualTo(1);
    }

    @Test
    void aHostRescheduledWhileFiringFiresAgainNextTime() {
        TimingWheel w = new TimingWheel(4, 1);
        w.schedule(0, 1);
        int[] fires = {0};
        for (long t = 0; t < 40; t++) {
            long now = t;
            w.advance(t, h -> {
                fires[0]++;
                w.schedule(h, now + 4); // exactly one wheel round later: the same slot
            });
        }
        assertThat(fires[0]).isEqualTo(10);
    }
}
