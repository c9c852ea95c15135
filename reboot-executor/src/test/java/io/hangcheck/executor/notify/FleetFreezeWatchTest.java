package io.hangcheck.executor.notify;

import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.testing.SteppedClock;
import io.hangcheck.executor.domain.FleetView;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet freeze as one alert through the Grouper (group wait 30 s, group interval 5 min, repeat 4 h), with
 * a stepped clock: two evaluators report every 10 s, the notifier looks every second.
 */
class FleetFreezeWatchTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    final SteppedClock clock = new SteppedClock(T0);
    final Grouper grouper = new Grouper(clock, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4));
    final FleetView view = new FleetView(clock, Duration.ofSeconds(90), Duration.ofMinutes(15));
    final FleetFreezeWatch watch = new FleetFreezeWatch(clock, grouper);
    final List<Notification> sent = new ArrayList<>();
    final List<Instant> sentAt = new ArrayList<>();

    void report(String evaluator, FleetMode mode) {
        List<String> reasons = mode == FleetMode.NORMAL ? List.of() : List.of("ingest-0 DEGRADED: connection leak");
        view.update(new FleetHealth(evaluator, mode, reasons, 200, mode == FleetMode.NORMAL ? 0 : 120,
                mode == FleetMode.NORMAL ? 0.0 : 0.6, 0, List.of(0), List.of(), clock.instant(), clock.instant()));
    }

    /** {@code seconds} of both evaluators reporting {@code mode} every 10 s; the notifier ticks every second. */
    void run(FleetMode mode, long seconds, int heldHungPerReport) {
        for (long s = 0; s < seconds; s++) {
            if (s % 10 == 0) {
                report("ev-1", mode);
                report("ev-2", mode);
                for (int i = 0; i < heldHungPerReport; i++) {
                    watch.observe(view.status()); // what Alerts.decided does for each HUNG held by the freeze
                }
            }
            tick();
        }
    }

    void tick() {
        watch.observe(view.status());
        for (Notification n : grouper.due()) {
            sent.add(n);
            sentAt.add(clock.instant());
        }
        clock.step(Duration.ofSeconds(1));
    }

    List<Notification> firing() {
        return firing(sent);
    }

    List<Notification> resolved() {
        return sent.stream().filter(n -> !n.firing()).toList();
    }

    /** The messages of {@code messages} that say something is firing (not only resolved). */
    static List<Notification> firing(List<Notification> messages) {
        return messages.stream().filter(Notification::firing).toList();
    }

    @Test
    void repeatedFrozenReportsFromTwoEvaluatorsAreOneMessageWithTheReasons() {
        run(FleetMode.NORMAL, 60, 0);
        assertThat(sent).isEmpty();
        run(FleetMode.FROZEN, 29, 5);
        assertThat(sent).isEmpty(); // group wait
        run(FleetMode.FROZEN, 600 - 29, 5); // ten minutes of FROZEN every 10 s from both, 5 held HUNGs each time
        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.group()).isEqualTo("fleet-frozen");
            assertThat(n.firing()).isTrue();
            assertThat(n.repeat()).isFalse();
            assertThat(n.lines()).singleElement().satisfies(line -> assertThat(line)
                    .contains("FROZEN since " + T0.plusSeconds(60))
                    .contains("ev-1: FROZEN [ingest-0 DEGRADED: connection leak]")
                    .contains("ev-2: FROZEN [ingest-0 DEGRADED: connection leak]")
                    .contains("nothing is rebooted"));
        });
        assertThat(watch.frozen()).isTrue();
    }

    @Test
    void thawIsToldOnceAsResolvedAndANewFreezeAfterTheRepeatWindowIsASecondMessage() {
        run(FleetMode.FROZEN, 600, 0);
        assertThat(firing()).hasSize(1);
        run(FleetMode.NORMAL, 60, 0);
        assertThat(watch.frozen()).isFalse();
        assertThat(resolved()).singleElement().satisfies(n -> {
            assertThat(n.subject()).isEqualTo("[hangcheck] fleet-frozen: resolved");
            assertThat(n.resolved()).singleElement().satisfies(l -> assertThat(l).contains("NORMAL again"));
        });
        run(FleetMode.NORMAL, Duration.ofHours(4).toSeconds(), 0);
        assertThat(grouper.groups()).isZero();
        run(FleetMode.FROZEN, 600, 3);
        assertThat(firing()).hasSize(2);
        assertThat(resolved()).hasSize(1);
        assertThat(firing().get(1).lines().get(0)).contains("FROZEN since " + T0.plusSeconds(600 + 60 + 4 * 3600));
    }

    @Test
    void flappingCostsAtMostOneMessagePerGroupInterval() {
        run(FleetMode.FROZEN, 60, 0); // message at 30 s
        run(FleetMode.NORMAL, 60, 0);
        run(FleetMode.FROZEN, 120, 1);
        // a thaw taken back within the group interval is no news: the freeze was told and goes on
        assertThat(sent).hasSize(1);
        for (int i = 0; i < 30; i++) { // then an hour of 1 min NORMAL / 1 min FROZEN
            run(FleetMode.NORMAL, 60, 0);
            run(FleetMode.FROZEN, 60, 1);
        }
        for (int i = 0; i < 6; i++) { // and an hour of 5 min NORMAL / 5 min FROZEN
            run(FleetMode.NORMAL, 300, 0);
            run(FleetMode.FROZEN, 300, 1);
        }
        assertThat(firing().size()).isGreaterThan(1);
        assertThat(resolved()).isNotEmpty();
        for (int i = 1; i < sentAt.size(); i++) { // never two messages closer than the group interval
            assertThat(Duration.between(sentAt.get(i - 1), sentAt.get(i))).isGreaterThanOrEqualTo(Duration.ofMinutes(5));
        }
        assertThat(sent.size()).isLessThanOrEqualTo(1 + 24); // ~2 h 4 min / 5 min
    }

    @Test
    void aFreezeShorterThanTheGroupWaitIsNoMessage() {
        run(FleetMode.NORMAL, 60, 0);
        run(FleetMode.FROZEN, 20, 0);
        assertThat(watch.frozen()).isTrue();
        run(FleetMode.NORMAL, 3600, 0);
        assertThat(sent).isEmpty();
        assertThat(grouper.groups()).isZero();
    }

    @Test
    void theStartBeforeAnyReportIsNoFreezeAndNoMessage() {
        for (int s = 0; s < 80; s++) { // no report read for 80 s after the start (stale-after is 90 s): longer than the group wait
            tick();
        }
        assertThat(watch.frozen()).isFalse();
        run(FleetMode.NORMAL, 600, 0);
        assertThat(sent).isEmpty();
        // a start with no report at all past stale-after is a freeze, and told
        FleetView lonely = new FleetView(clock, Duration.ofSeconds(90), Duration.ofMinutes(15));
        for (int s = 0; s < 200; s++) {
            watch.observe(lonely.status());
            sent.addAll(grouper.due());
            clock.step(Duration.ofSeconds(1));
        }
        assertThat(firing()).singleElement().satisfies(n -> assertThat(n.lines().get(0)).contains("no fleet-health report from any evaluator"));
    }

    @Test
    void evaluatorsFallingSilentFreezeTheFleetAndThatIsReported() {
        run(FleetMode.NORMAL, 60, 0);
        for (int s = 0; s < 200; s++) { // no more reports: stale after 90 s
            tick();
        }
        assertThat(sent).singleElement().satisfies(n -> assertThat(n.lines().get(0)).contains("is stale"));
    }
}
