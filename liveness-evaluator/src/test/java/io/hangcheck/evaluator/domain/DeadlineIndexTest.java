package io.hangcheck.evaluator.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineIndexTest {

    @Test
    void popsOnlyWhatIsDueOnceEach() {
        DeadlineIndex idx = new DeadlineIndex();
        idx.schedule("a", 5_000);
        idx.schedule("b", 7_500);
        idx.schedule("c", Long.MAX_VALUE);
        List<String> seen = new ArrayList<>();
        assertThat(idx.pollDue(4_999, seen::add)).isZero();
        assertThat(idx.pollDue(5_000, seen::add)).isEqualTo(1);
        assertThat(seen).containsExactly("a");
        assertThat(idx.pollDue(7_400, seen::add)).isZero(); // b is in the 7 s bucket but due at 7.5 s
        assertThat(idx.pollDue(7_500, seen::add)).isEqualTo(1);
        assertThat(seen).containsExactly("a", "b");
        assertThat(idx.size()).isZero();
    }

    @Test
    void laterDueTimeIsHonouredWithoutDuplicates() {
        DeadlineIndex idx = new DeadlineIndex();
        idx.schedule("a", 5_000);
        idx.schedule("a", 9_000); // a heartbeat moved it later
        idx.schedule("a", 12_000);
        List<String> seen = new ArrayList<>();
        assertThat(idx.pollDue(10_000, seen::add)).isZero();
        idx.schedule("a", 6_000); // and earlier again
        assertThat(idx.pollDue(11_000, seen::add)).isEqualTo(1);
        idx.schedule("a", 20_000);
        assertThat(idx.pollDue(19_000, seen::add)).isZero();
        assertThat(idx.pollDue(20_000, seen::add)).isEqualTo(1);
        assertThat(seen).containsExactly("a", "a");
    }

    @Test
    void aHostRescheduledDuringAPollWaitsForTheNextPoll() {
        DeadlineIndex idx = new DeadlineIndex();
        idx.schedule("a", 1_000);
        List<String> seen = new ArrayList<>();
        idx.pollDue(1_000, h -> {
            seen.add(h);
            idx.schedule(h, 1_001);
        });
        assertThat(seen).containsExactly("a");
        assertThat(idx.pollDue(1_001, seen::add)).isEqualTo(1);
    }
}
