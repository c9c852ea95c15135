package io.hangcheck.executor.notify;

import io.hangcheck.testing.SteppedClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Alertmanager timings: group wait 30 s, group interval 5 min, repeat 4 h. */
class GrouperTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    final SteppedClock clock = new SteppedClock(T0);
    final Grouper grouper = new Grouper(clock, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4));

    @Test
    void fleetFreezeOf113HostsIsOneMessage() {
        for (int i = 0; i < 113; i++) {
            grouper.add(new Alert("fleet-frozen", "fleet", "The fleet is FROZEN; host-" + i + " held"));
            clock.step(Duration.ofMillis(100));
        }
        assertThat(grouper.due()).isEmpty(); // 11.3 s in: still within the group wait
        clock.step(Duration.ofSeconds(19));
        List<Notification> due = grouper.due();
        assertThat(due).hasSize(1);
        assertThat(due.get(0).lines()).hasSize(1);
        clock.step(Duration.ofMinutes(10));
        assertThat(grouper.due()).isEmpty();
    }

    @Test
    void groupWaitCollectsSiblings() {
        grouper.add(new Alert("quarantine", "h1", "h1 quarantined"));
        clock.step(Duration.ofSeconds(29));
        grouper.add(new Alert("quarantine", "h2", "h2 quarantined"));
        assertThat(grouper.due()).isEmpty();
        clock.step(Duration.ofSeconds(1));
        List<Notification> due = grouper.due();
        assertThat(due).hasSize(1);
        assertThat(due.get(0).lines()).containsExactly("h1 quarantined", "h2 quarantined");
        assertThat(grouper.due()).isEmpty();
    }

    @Test
    void newAlertsWaitForTheGroupInterval() {
        grouper.add(new Alert("quarantine", "h1", "h1"));
        clock.step(Duration.ofSeconds(30));
        assertThat(grouper.due()).hasSize(1);
        grouper.add(new Alert("quarantine", "h2", "h2"));
        clock.step(Duration.ofMinutes(4).plusSeconds(59));
        assertThat(grouper.due()).isEmpty();
        clock.step(Duration.ofSeconds(1));
        assertThat(grouper.due()).singleElement().satisfies(n -> assertThat(n.lines()).containsExactly("h1", "h2"));
    }

    @Test
    void activeGroupRepeatsAfterFourHoursQuietGroupIsForgotten() {
        grouper.add(new Alert("fleet-frozen", "fleet", "frozen"));
        clock.step(Duration.ofSeconds(30));
        assertThat(grouper.due()).hasSize(1);
        clock.step(Duration.ofHours(1));
        grouper.add(new Alert("fleet-frozen", "fleet", "frozen")); // still happening
        clock.step(Duration.ofHours(3));
        assertThat(grouper.due()).singleElement().satisfies(n -> assertThat(n.repeat()).isTrue());
        clock.step(Duration.ofHours(4));
        assertThat(grouper.due()).isEmpty();
        assertThat(grouper.groups()).isZero();
    }

    @Test
    void hourlyCapPerChannel() {
        HourlyCap cap = new HourlyCap(clock, 3);
        assertThat(cap.tryAcquire("email")).isTrue();
        assertThat(cap.tryAcquire("email")).isTrue();
        assertThat(cap.tryAcquire("email")).isTrue();
        assertThat(cap.tryAcquire("email")).isFalse();
        assertThat(cap.tryAcquire("webhook")).isTrue();
        clock.step(Duration.ofMinutes(59));
        assertThat(cap.tryAcquire("email")).isFalse();
        clock.step(Duration.ofMinutes(1));
        assertThat(cap.tryAcquire("email")).isTrue();
    }
}
