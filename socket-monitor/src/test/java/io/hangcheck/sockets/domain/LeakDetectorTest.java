package io.hangcheck.sockets.domain;

import io.hangcheck.events.LeakAlert;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LeakDetectorTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long SCAN = 15_000;
    // window 10 min, horizon 30 min, open 3, resolve 5, min 4; no forecast floor here (it has its own test)
    private final LeakRules rules = LeakRules.defaults().withForecastFloorShare(0);
    private final LeakDetector detector = new LeakDetector(rules, "mon-1", "node-a");

    private static StuckTracker.Result stuck(int old, int closeWaitOld) {
        Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);
        if (closeWaitOld > 0) {
            byState.put(TcpState.CLOSE_WAIT, closeWaitOld);
        }
        return new StuckTracker.Result(List.of(), old, Map.of("10.1.1.1", closeWaitOld), byState, 0, 0,
                closeWaitOld > 0 ? Map.of(8080, closeWaitOld) : Map.of(), closeWaitOld > 0 ? Map.of(1000, closeWaitOld) : Map.of());
    }

    /** A scan where the leaking peer holds {@code leaked} CLOSE_WAIT sockets on top of 100 steady ones. */
    private LeakDetector.Evaluation scan(int i, int leaked, int limit) {
        Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);
        byState.put(TcpState.ESTABLISHED, 100);
        byState.put(TcpState.CLOSE_WAIT, leaked);
        int total = 100 + leaked;
        Map<String, Integer> peers = Map.of("10.1.1.1", leaked, "10.2.2.2", 60, "10.3.3.3", 40);
        return detector.evaluate(new LeakDetector.ScanFacts(T0 + i * SCAN, total, byState, peers,
                        List.of(new LeakDetector.BudgetUsage("table", "the socket table", total, limit)),
                        stuck(0, 0), List.of(), 60),
                addr -> addr.equals("10.1.1.1") ? "winbox7.lab" : null);
    }

    @Test
    void aSteadyLeakOpensAForecastAlertNamingThePeerAndStateThenResolvesWhenItStops() {
        List<LeakAlert> all = new ArrayList<>();
        // growing 10 sockets per scan (40/min) from 100 with limit 1000: ETA (1000 - 130) / 40 min < 30 min
        int i = 0;
        for (; i < 40; i++) {
            all.addAll(scan(i, 10 * i, 1000).transitions());
        }
        List<LeakAlert> opened = all.stream().filter(a -> a.kind() == LeakAlert.Kind.EXHAUSTION_FORECAST).toList();
        assertThat(opened).hasSize(1);
        LeakAlert a = opened.get(0);
        assertThat(a.status()).isEqualTo(LeakAlert.Status.OPENED);
        // samples from scan 0; a fit from the 4th; breaching from then on: opens at the 3rd breaching scan (i = 5)
        assertThat(a.at().toEpochMilli()).isEqualTo(T0 + 5 * SCAN);
        assertThat(a.peers()).first().isEqualTo("10.1.1.1 (winbox7.lab)");
        assertThat(a.states()).containsExactly("CLOSE_WAIT");
        assertThat(a.secondsToExhaustion()).isNotNull();
        assertThat(a.summary()).contains("10.1.1.1 (winbox7.lab) +").contains("growing 40.0 per minute");
        assertThat(detector.openAlerts()).extracting(LeakAlert::alertId).contains(a.alertId());

        // the leak stops at 490 sockets; the 10-minute fit flattens, the forecast goes away, 5 clear scans resolve
        List<LeakAlert> later = new ArrayList<>();
        for (; i < 200; i++) {
            later.addAll(scan(i, 390, 1000).transitions());
        }
        assertThat(later).hasSize(1);
        LeakAlert r = later.get(0);
        assertThat(r.status()).isEqualTo(LeakAlert.Status.RESOLVED);
        assertThat(r.alertId()).isEqualTo(a.alertId());
        assertThat(r.openedAt()).isEqualTo(a.openedAt());
        assertThat(r.peers()).isEqualTo(a.peers());
        assertThat(detector.openAlerts()).isEmpty();
    }

    @Test
    void usageWarningOpensAtTheWarningShareAndResolvesOnlyBelowTheLowerShare() {
        List<LeakAlert> all = new ArrayList<>();
        int limit = 1000;
        int i = 0;
        // steady at 810 of 1000 (81 %): not growing, so no forecast, but past 80 %
        for (; i < 10; i++) {
            all.addAll(scan(i, 710, limit).transitions());
        }
        assertThat(all).extracting(LeakAlert::kind, LeakAlert::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(LeakAlert.Kind.USAGE_WARNING, LeakAlert.Status.OPENED));
        assertThat(all.get(0).summary()).contains("810 of 1000 sockets (81 %)");
        all.clear();
        // 750 (75 %): below the warning share but above the resolve share: stays open
        for (; i < 30; i++) {
            all.addAll(scan(i, 650, limit).transitions());
        }
        assertThat(all).noneMatch(a -> a.kind() == LeakAlert.Kind.USAGE_WARNING);
        // 650 (65 %): clear, resolves after 5 scans
        for (; i < 40; i++) {
            all.addAll(scan(i, 550, limit).transitions());
        }
        assertThat(all).filteredOn(a -> a.kind() == LeakAlert.Kind.USAGE_WARNING).singleElement()
                .extracting(LeakAlert::status).isEqualTo(LeakAlert.Status.RESOLVED);
    }

    @Test
    void stuckSocketsThatGrowOpenAnAlertThatSaysTheLocalProgramHoldsTheCloseWaitLeak() {
        List<LeakAlert> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);
            byState.put(TcpState.CLOSE_WAIT, 20 + 5 * i);
            all.addAll(detector.evaluate(new LeakDetector.ScanFacts(T0 + i * SCAN, 20 + 5 * i, byState,
                    Map.of("10.1.1.1", 20 + 5 * i),
                    List.of(new LeakDetector.BudgetUsage("table", "the socket table", 20 + 5 * i, 100_000)),
                    stuck(20 + 5 * i, 20 + 5 * i), List.of(), 60), a -> null).transitions());
        }
        LeakAlert a = all.stream().filter(x -> x.kind() == LeakAlert.Kind.STUCK_SOCKETS).findFirst().orElseThrow();
        assertThat(a.summary()).contains("LOCAL program never closed").contains("local ports 8080");
        assertThat(a.peers()).containsExactly("10.1.1.1");
    }

    @Test
    void aPostgresClientWhoseIdleConnectionsKeepGrowingIsFlaggedAndAPoolAtItsSizeIsNot() {
        List<LeakAlert> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) { // 7.25 min: growth is judged over at least half the 10-min window
            List<LeakDetector.PgIdle> pg = List.of(
                    new LeakDetector.PgIdle("db:5432/app", "10.1.1.1", "leaky-app", "app", 5 + i),
                    new LeakDetector.PgIdle("db:5432/app", "10.2.2.2", "pooled-app", "app", 20));
            all.addAll(detector.evaluate(new LeakDetector.ScanFacts(T0 + i * SCAN, 10, Map.of(), Map.of(),
                    List.of(new LeakDetector.BudgetUsage("table", "the socket table", 10, 100_000)), stuck(0, 0), pg, 60),
                    a -> null).transitions());
        }
        assertThat(all).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(LeakAlert.Kind.PG_IDLE_GROWTH);
            assertThat(a.peers()).containsExactly("10.1.1.1");
            assertThat(a.summary()).contains("leaky-app").contains("growing 4.0 per minute");
        });
    }

    @Test
    void aPoolFillingUpIsNotALeakWhileOneThatKeepsGrowingIs() {
        // a pool that fills from nothing to 8 idle in its first minute and stays (a service's start), another that
        // fills in a burst 6 minutes in; a leak of 1 idle connection a minute from the same start, for comparison
        List<LeakAlert> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) { // 15 min
            long t = i * SCAN;
            List<LeakDetector.PgIdle> pg = List.of(
                    new LeakDetector.PgIdle("db:5432/app", "10.1.1.1", "starting-pool", "app", (int) Math.min(8, t / 7_500)),
                    new LeakDetector.PgIdle("db:5432/app", "10.2.2.2", "burst-pool", "app",
                            t < 360_000 ? 2 : (int) Math.min(10, 2 + (t - 360_000) / 10_000)),
                    new LeakDetector.PgIdle("db:5432/app", "10.3.3.3", "leaky-app", "app", 5 + (int) (t / 60_000)));
            all.addAll(detector.evaluate(new LeakDetector.ScanFacts(T0 + t, 10, Map.of(), Map.of(),
                    List.of(new LeakDetector.BudgetUsage("table", "the socket table", 10, 100_000)), stuck(0, 0), pg, 60),
                    a -> null).transitions());
        }
        assertThat(all).filteredOn(a -> a.kind() == LeakAlert.Kind.PG_IDLE_GROWTH).singleElement().satisfies(a -> {
            assertThat(a.peers()).containsExactly("10.3.3.3");
            assertThat(a.summary()).contains("leaky-app");
            // not before half the window (5 min) of its growth was seen
            assertThat(a.at()).isAfterOrEqualTo(java.time.Instant.ofEpochMilli(T0 + 300_000));
        });
    }

    /** A budget scan: each peer's sockets as given (none in TIME_WAIT), ESTABLISHED only. */
    private static LeakDetector.ScanFacts facts(LeakDetector d, int i, int limit, Map<String, Integer> peers) {
        int total = peers.values().stream().mapToInt(Integer::intValue).sum();
        Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);
        byState.put(TcpState.ESTABLISHED, total);
        return new LeakDetector.ScanFacts(T0 + i * SCAN, total, byState, peers,
                List.of(new LeakDetector.BudgetUsage("port-8081", "local port 8081's connections", total, limit,
                        peers, byState)), stuck(0, 0), List.of(), 60);
    }

    @Test
    void noForecastAlertBelowTheFloorShareOfTheBudgetThoughTheForecastIsWithinTheHorizon() {
        // given: the default floor (50 %), a budget of 1000 growing 10 per scan from 100 (40/min: exhaustion in
        // under 30 min from the first fit)
        LeakDetector d = new LeakDetector(LeakRules.defaults(), "mon-1", "node-a");
        List<LeakAlert> all = new ArrayList<>();
        int i = 0;
        for (; i < 40; i++) { // up to 490 of 1000: below the floor all along
            all.addAll(d.evaluate(facts(d, i, 1000, Map.of("10.1.1.1", 100 + 10 * i)), a -> null).transitions());
        }
        assertThat(all).as("forecast within the horizon, usage under 50 %").isEmpty();
        for (; i < 44; i++) { // 500, 510, 520, 530: past the floor; opens at the third such scan
            all.addAll(d.evaluate(facts(d, i, 1000, Map.of("10.1.1.1", 100 + 10 * i)), a -> null).transitions());
        }
        assertThat(all).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(LeakAlert.Kind.EXHAUSTION_FORECAST);
            assertThat(a.total()).isEqualTo(520);
        });
    }

    /** Three peers growing 4, 3 and 3 per scan (500 of 1000 at scan 0), 10.5.5.5 steady, and {@code extra}. */
    private static Map<String, Integer> growing(int i, Map<String, Integer> extra) {
        Map<String, Integer> m = new java.util.HashMap<>(Map.of("10.1.1.1", 200 + 4 * i, "10.2.2.2", 150 + 3 * i,
                "10.3.3.3", 120 + 3 * i, "10.5.5.5", 30));
        m.putAll(extra);
        return m;
    }

    @Test
    void anOpenAlertNamesANewLeakFromAnotherPeerWithinOpenAfterScansAndSaysWhoGrewSinceItOpened() {
        // given: three peers grow and open the forecast alert; later 10.9.9.9 starts leaking 5 per scan — more
        // than each of them per scan, less than each over the window (so the window's top 3 would not name it)
        LeakDetector d = new LeakDetector(LeakRules.defaults(), "mon-1", "node-a");
        List<LeakAlert> all = new ArrayList<>();
        int i = 0;
        for (; i < 10; i++) {
            all.addAll(d.evaluate(facts(d, i, 1000, growing(i, Map.of())), a -> null).transitions());
        }
        LeakAlert opened = all.stream().filter(a -> a.status() == LeakAlert.Status.OPENED).findFirst().orElseThrow();
        assertThat(opened.kind()).isEqualTo(LeakAlert.Kind.EXHAUSTION_FORECAST);
        assertThat(opened.peers()).containsExactly("10.1.1.1", "10.2.2.2", "10.3.3.3");
        all.clear();
        for (; i < 14; i++) {
            all.addAll(d.evaluate(facts(d, i, 1000, growing(i, Map.of("10.9.9.9", 0))), a -> null).transitions());
        }
        assertThat(all).as("no record while the same peers grow").isEmpty();

        // when: the new leak grows from scan 15 on
        int start = 14;
        Integer namedAt = null;
        for (; i < 24; i++) {
            List<LeakAlert> t = d.evaluate(facts(d, i, 1000, growing(i, Map.of("10.9.9.9", 5 * (i - start)))),
                    a -> a.equals("10.9.9.9") ? "winbox9.lab" : null).transitions();
            all.addAll(t);
            if (namedAt == null && t.stream().anyMatch(a -> a.peers().stream().anyMatch(p -> p.startsWith("10.9.9.9")))) {
                namedAt = i;
            }
        }

        // then: one UPDATED record of the same alert, within open-after (3) scans of its first growth (scan 15)
        assertThat(namedAt).isNotNull().isLessThanOrEqualTo(start + LeakRules.defaults().openAfter());
        assertThat(all).singleElement().satisfies(u -> {
            assertThat(u.status()).isEqualTo(LeakAlert.Status.UPDATED);
            assertThat(u.alertId()).isEqualTo(opened.alertId());
            assertThat(u.openedAt()).isEqualTo(opened.openedAt());
            assertThat(u.peers()).contains("10.1.1.1", "10.9.9.9 (winbox9.lab)");
            assertThat(u.summary()).contains("Since the alert opened").contains("10.9.9.9 (winbox9.lab) +")
                    .doesNotContain("10.5.5.5");
        });
        assertThat(d.openAlerts()).singleElement().extracting(LeakAlert::status).isEqualTo(LeakAlert.Status.UPDATED);
    }

    @Test
    void theClientSidesBudgetNamesTimeWaitAsWhatGrows() {
        // given: outgoing connections to one destination, TIME_WAIT piling up (the local port range runs out)
        LeakDetector d = new LeakDetector(LeakRules.defaults(), "mon-1", "node-a");
        List<LeakAlert> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int tw = 600 + 50 * i;
            Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);
            byState.put(TcpState.TIME_WAIT, tw);
            byState.put(TcpState.ESTABLISHED, 4);
            all.addAll(d.evaluate(new LeakDetector.ScanFacts(T0 + i * SCAN, tw + 4, byState, Map.of(),
                    List.of(new LeakDetector.BudgetUsage("ephemeral", "local ports towards 10.7.7.7:5432", tw + 4,
                            1000, Map.of("10.7.7.7", tw + 4), byState, false, true)), stuck(0, 0), List.of(), 60),
                    a -> null).transitions());
        }
        LeakAlert a = all.stream().filter(x -> x.kind() == LeakAlert.Kind.EXHAUSTION_FORECAST).findFirst().orElseThrow();
        assertThat(a.states()).containsExactly("TIME_WAIT");
        assertThat(a.peers()).containsExactly("10.7.7.7");
    }

    @Test
    void rulesRefuseAResolveThresholdAboveTheOpenOne() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LeakRules(Duration.ofMinutes(10),
                        Duration.ofMinutes(30), 2, 0.8, 0.9, 3, 5, 4, Duration.ofMinutes(2), 20, 5, 0.5, 3, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
