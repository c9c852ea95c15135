package io.hangcheck.executor.notify;

import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.executor.domain.FleetView;
import io.hangcheck.testing.SteppedClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed replay of the notification path with a stepped clock: an executor starts, the webhook receiver is down for
 * the first minute (every send fails, as with a {@code ConnectException}), the evaluators report every 10 s, the
 * notifier ticks every second through fleet view → freeze watch → Grouper (group wait 30 s, interval 5 min) →
 * Delivery (retry from 2 s, doubling, at most 5 min).
 */
class DeliveryTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    final SteppedClock clock = new SteppedClock(T0);
    final Grouper grouper = new Grouper(clock, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4));
    final FleetView view = new FleetView(clock, Duration.ofSeconds(90), Duration.ofMinutes(15));
    final FleetFreezeWatch watch = new FleetFreezeWatch(clock, grouper);
    final Delivery delivery = new Delivery(clock, Duration.ofSeconds(2), Duration.ofMinutes(5));
    final List<Notification> received = new ArrayList<>();
    final List<Delivery.Result> results = new ArrayList<>();
    Instant receiverUpAt = T0.plusSeconds(60);
    long second;

    void tick(FleetMode reported) {
        if (reported != null && second % 10 == 0) {
            view.update(new FleetHealth("ev-1", reported, reported == FleetMode.NORMAL ? List.of() : List.of("ingest DEGRADED: connection leak"),
                    113, reported == FleetMode.NORMAL ? 0 : 97, reported == FleetMode.NORMAL ? 0.0 : 0.86, 0, List.of(0), List.of(),
                    clock.instant(), clock.instant()));
        }
        watch.observe(view.status());
        for (Notification n : grouper.due()) {
            delivery.offer("webhook", n, (c, m, r, a) -> results.add(r));
        }
        delivery.deliverDue((c, n) -> {
            if (clock.instant().isBefore(receiverUpAt)) {
                return Delivery.Result.FAILED;
            }
            received.add(n);
            return Delivery.Result.DELIVERED;
        }, (c, m, r, a) -> results.add(r));
        clock.step(Duration.ofSeconds(1));
        second++;
    }

    void run(FleetMode reported, long seconds) {
        for (long s = 0; s < seconds; s++) {
            tick(reported);
        }
    }

    List<Notification> firing() {
        return FleetFreezeWatchTest.firing(received);
    }

    List<Notification> resolved() {
        List<Notification> out = new ArrayList<>(received);
        out.removeAll(firing());
        return out;
    }

    @Test
    void receiverDownTheFirstMinuteThenAFreezeLaterIsAnnouncedOnceAndResolvedOnce() {
        run(null, 8); // the start: no report read yet — unknown, not a freeze
        run(FleetMode.NORMAL, 172);
        assertThat(received).isEmpty();
        run(FleetMode.FROZEN, 150); // the connection leak: 2.5 minutes FROZEN
        assertThat(firing()).singleElement().satisfies(n -> assertThat(n.lines().get(0)).contains("FROZEN"));
        assertThat(resolved()).isEmpty();
        run(FleetMode.NORMAL, 900);
        assertThat(firing()).hasSize(1);
        assertThat(resolved()).hasSize(1);
        assertThat(delivery.undelivered().getOrDefault("webhook", List.of())).isEmpty();
    }

    @Test
    void aFreezeWhileTheReceiverIsDownIsRetriedUntilDeliveredOnce() {
        run(FleetMode.NORMAL, 5);
        run(FleetMode.FROZEN, 150); // its message is due at ~35 s, the receiver answers from 60 s
        assertThat(results).contains(Delivery.Result.FAILED);
        assertThat(firing()).as("told means delivered").singleElement();
        run(FleetMode.NORMAL, 900);
        assertThat(firing()).hasSize(1);
        assertThat(resolved()).hasSize(1);
    }

    @Test
    void aMessageNeverDeliveredIsSupersededByTheGroupsNextOne() {
        receiverUpAt = T0.plus(Duration.ofHours(1));
        run(FleetMode.NORMAL, 5);
        run(FleetMode.FROZEN, 60);
        run(FleetMode.NORMAL, 600); // the resolved message replaces the undelivered firing one
        assertThat(results).contains(Delivery.Result.SUPERSEDED);
        assertThat(delivery.undelivered().get("webhook")).singleElement().satisfies(n -> assertThat(n.firing()).isFalse());
        run(FleetMode.NORMAL, 3600);
        assertThat(received).singleElement().satisfies(n -> assertThat(n.resolved().get(0)).contains("was FROZEN since"));
    }
}
