package io.hangcheck.evaluator.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineIndexTest {
    private static final class Host extends DeadlineIndex.Slot {
        Host(String id) {
            super(id);
        }
    }

    private final Host a = new Host("a");
    private final Host b = new Host("b");
    private final Host c = new Host("c");

    @Test
    void popsOnlyWhatIsDueOnceEach() {
        DeadlineIndex<Host> idx = new DeadlineIndex<>();
        idx.schedule(a, 5_000);
        idx.schedule(b, 7_500);
        idx.schedule(c, Long.MAX_VALUE);
        List<String> seen = new ArrayList<>();
        Consumer<Host> visit = h -> seen.add(h.host());
        assertThat(idx.pollDue(4_999, visit)).isZero();
        assertThat(idx.pollDue(5_000, visit)).isEqualTo(1);
        assertThat(seen).containsExactly("a");
        assertThat(idx.pollDue(7_400, visit)).isZero(); // b is in the 7 s bucket but due at 7.5 s
        assertThat(idx.pollDue(7_500, visit)).isEqualTo(1);
        assertThat(seen).containsExactly("a", "b");
        assertThat(idx.size()).isZero();
    }

    @Test
    void laterDueTimeIsHonouredWithoutDuplicates() {
        DeadlineIndex<Host> idx = new DeadlineIndex<>();
        idx.schedule(a, 5_000);
        idx.schedule(a, 9_000); // a heartbeat moved it later
        idx.schedule(a, 12_000);
        List<String> seen = new ArrayList<>();
        Consumer<Host> visit = h -> seen.add(h.host());
        assertThat(idx.pollDue(10_000, visit)).isZero();
        idx.schedule(a, 6_000); // and earlier again
        assertThat(idx.pollDue(11_000, visit)).isEqualTo(1);
        idx.schedule(a, 20_000);
        assertThat(idx.pollDue(19_000, visit)).isZero();
        assertThat(idx.pollDue(20_000, visit)).isEqualTo(1);
        assertThat(seen).containsExactly("a", "a");
    }

    @Test
    void aHostRescheduledDuringAPollWaitsForTheNextPoll() {
        DeadlineIndex<Host> idx = new DeadlineIndex<>();
        idx.schedule(a, 1_000);
        List<String> seen = new ArrayList<>();
        Consumer<Host> visit = h -> seen.add(h.host());
        idx.pollDue(1_000, h -> {
            seen.add(h.host());
            idx.schedule(h, 1_001);
        });
        assertThat(seen).containsExactly("a");
        assertThat(idx.pollDue(1_001, visit)).isEqualTo(1);
    }

    @Test
    void aRemovedHostIsNotPoppedAndMayComeBackOnce() {
        DeadlineIndex<Host> idx = new DeadlineIndex<>();
        idx.schedule(a, 5_000);
        idx.schedule(b, 5_200);
        idx.remove(a);
        assertThat(idx.size()).isEqualTo(1);
        List<String> seen = new ArrayList<>();
        Consumer<Host> visit = h -> seen.add(h.host());
        assertThat(idx.pollDue(6_000, visit)).isEqualTo(1);
        assertThat(seen).containsExactly("b");
        idx.schedule(a, 7_000);
        idx.remove(a);
        idx.schedule(a, 7_100); // filed twice in the same bucket: still popped once
        assertThat(idx.pollDue(8_000, visit)).isEqualTo(1);
        assertThat(seen).containsExactly("b", "a");
        assertThat(idx.size()).isZero();
        assertThat(a.scheduled()).isFalse();
    }
}
