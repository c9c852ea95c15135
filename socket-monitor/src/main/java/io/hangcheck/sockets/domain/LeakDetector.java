package io.hangcheck.sockets.domain;

import io.hangcheck.events.LeakAlert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns scans into leak alerts.
 *
 * <p>Algorithm, per scan:
 * <ol>
 *   <li>For each budget (the whole table, and each watched port), add (time, used) to a sliding window and fit
 *       a least-squares line over it (as Prometheus {@code predict_linear}); the forecast is the seconds until
 *       the line reaches the limit, none when it does not rise or the window holds fewer than
 *       {@code minSamples} scans.</li>
 *   <li>EXHAUSTION_FORECAST breaches when the forecast is within the horizon, is clear when it is absent or
 *       beyond horizon × {@code resolveHorizonFactor}; USAGE_WARNING breaches at {@code warnShare} of the
 *       budget, is clear below {@code resolveShare}.</li>
 *   <li>STUCK_SOCKETS breaches when sockets stuck in closing states (older than {@code stuckOldAfter}) number
 *       at least {@code stuckMinCount} and their fit over the window rises; clear below half that count.</li>
 *   <li>PG_IDLE_GROWTH, per PostgreSQL client × application × user: breaches when it holds at least
 *       {@code pgMinIdle} idle connections and their fit rises by {@code pgIdleGrowthPerMinute}, over at least half
 *       the window, and its older and newer halves each rise as fast on their own (a pool filling up rises and then
 *       stays); clear when the fit no longer rises (or the client is gone).</li>
 *   <li>Each alert goes through its own {@link AlertGate} (N breaching scans to open, M clear scans to
 *       resolve); OPENED and RESOLVED records carry the same alert id.</li>
 * </ol>
 * The text of an alert names the peers that grew most over the window, the states that grew, and which side
 * holds the leak (CLOSE_WAIT: the local program never closed; FIN_WAIT2: the peer never finished closing).
 * Growth is measured on the budget's own sockets: a watched port's alert names the peers and states of the
 * sockets on that port only, the table's (and STUCK_SOCKETS) those of the whole table. TIME_WAIT is never
 * named as a growing state nor counted in a peer's growth: it lasts a fixed 60 s (short-lived traffic, not a
 * leak), though it still counts in the budgets' totals.
 */
public final class LeakDetector {
    private final LeakRules rules;
    private final String monitorId;
    private final String node;
    private final Map<String, SeriesWindow<Integer>> budgetSeries = new HashMap<>();
    private final SeriesWindow<Integer> stuckSeries;
    private final Map<String, SeriesWindow<Integer>> pgSeries = new HashMap<>();
    /** Per budget id: the peers and states of its sockets at each scan of the window. */
    private final Map<String, History> histories = new HashMap<>();
    private final Map<String, AlertGate> gates = new HashMap<>();
    private final Map<String, LeakAlert> open = new LinkedHashMap<>();
    private final Map<String, Attribution> attributions = new HashMap<>();
    /** Peers remembered per scan for growth: the largest this many (memory stays bounded). */
    private static final int PEERS_REMEMBERED = 256;

    public LeakDetector(LeakRules rules, String monitorId, String node) {
        this.rules = rules;
        this.monitorId = monitorId;
        this.node = node;
        this.stuckSeries = new SeriesWindow<>(rules.window());
    }

    /**
     * How much of a budget one scan uses. {@code id} is stable (e.g. {@code table}, {@code port-5432}).
     *
     * @param peers   the budget's sockets per peer, TIME_WAIT left out; null: the whole table's
     *                ({@link ScanFacts#peerTotals})
     * @param byState the budget's sockets per state; null: the whole table's ({@link ScanFacts#byState})
     */
    public record BudgetUsage(String id, String description, int used, int limit, Map<String, Integer> peers,
                              Map<TcpState, Integer> byState, boolean wholeTable, boolean timeWaitIsUse) {
        /** A budget over the whole table. */
        public BudgetUsage(String id, String description, int used, int limit) {
            this(id, description, used, limit, null, null, true, false);
        }

        /** A budget over part of the table (a port's connections), TIME_WAIT not part of its use. */
        public BudgetUsage(String id, String description, int used, int limit, Map<String, Integer> peers,
                           Map<TcpState, Integer> byState) {
            this(id, description, used, limit, peers, byState, false, false);
        }

        Map<String, Integer> peersOr(ScanFacts f) {
            return peers != null ? peers : f.peerTotals();
        }

        Map<TcpState, Integer> byStateOr(ScanFacts f) {
            return byState != null ? byState : f.byState();
        }
    }

    private record History(SeriesWindow<Map<String, Integer>> peers, SeriesWindow<Map<TcpState, Integer>> states) {
    }

    /**
     * An open alert's attribution: the budget's peers and states when it opened (for "grew since the alert
     * opened"), and every peer and state its records named so far (an UPDATED record when one more grows).
     */
    private record Attribution(LeakAlert opened, Map<String, Integer> peersAtOpen,
                               Map<TcpState, Integer> statesAtOpen, Set<String> named, Set<String> states) {
    }

    /** Idle connections of one PostgreSQL client × application × user at one scan. */
    public record PgIdle(String server, String client, String application, String user, int idle) {
        String key() {
            return server + "|" + client + "|" + application + "|" + user;
        }
    }

    /**
     * Everything one scan tells the detector.
     *
     * @param peerTotals the whole table's sockets per peer, TIME_WAIT left out
     */
    public record ScanFacts(long nowMillis, int total, Map<TcpState, Integer> byState,
                            Map<String, Integer> peerTotals, List<BudgetUsage> budgets, StuckTracker.Result stuck,
                            List<PgIdle> pgIdle, int finTimeoutSeconds) {
    }

    /** A budget's forecast: seconds to exhaustion (null when not rising) and the slope. */
    public record Forecast(String budgetId, Double secondsToExhaustion, Double growthPerMinute) {
    }

    /** What one scan produced: the alert records to publish, and a forecast per budget. */
    public record Evaluation(List<LeakAlert> transitions, Map<String, Forecast> forecasts) {
    }

    /** A peer's growth over the window. */
    record Growth(String peer, int now, int delta) {
    }

    public Evaluation evaluate(ScanFacts f, Function<String, String> names) {
        long now = f.nowMillis();
        BudgetUsage table = f.budgets().isEmpty() ? new BudgetUsage("table", "the socket table", f.total(), 0)
                : f.budgets().get(0);
        List<BudgetUsage> budgets = f.budgets().isEmpty() ? List.of(table) : f.budgets();
        Map<String, History> seen = new HashMap<>();
        for (BudgetUsage b : budgets) {
            History h = histories.computeIfAbsent(b.id(), k -> new History(new SeriesWindow<>(rules.window()),
                    new SeriesWindow<>(rules.window())));
            h.peers().add(now, topPeers(b.peersOr(f)));
            h.states().add(now, Map.copyOf(b.byStateOr(f)));
            seen.put(b.id(), h);
        }
        histories.keySet().retainAll(seen.keySet()); // a budget no longer measured keeps no memory
        List<LeakAlert> out = new ArrayList<>();
        Map<String, Forecast> forecasts = new LinkedHashMap<>();

        for (BudgetUsage b : f.budgets()) {
            SeriesWindow<Integer> series = budgetSeries.computeIfAbsent(b.id(), k -> new SeriesWindow<>(rules.window()));
            series.add(now, b.used());
            LinearFit fit = fit(series.samples(Integer::doubleValue));
            Double eta = fit == null || b.limit() <= 0 ? null : fit.secondsUntil(b.limit(), now);
            Double slope = fit == null ? null : fit.slopePerMinute();
            forecasts.put(b.id(), new Forecast(b.id(), eta, slope));
            double horizon = rules.horizon().toSeconds();
            double share = b.limit() <= 0 ? 0 : (double) b.used() / b.limit();
            // below the floor a slope is noise on a nearly empty budget, not a leak (opening only: an open
            // alert resolves when its forecast clears)
            boolean breachEta = eta != null && eta <= horizon && share >= rules.forecastFloorShare();
            boolean clearEta = eta == null || eta > horizon * rules.resolveHorizonFactor();
            gate(out, f, names, LeakAlert.Kind.EXHAUSTION_FORECAST, b.id(), breachEta, clearEta, b, eta, slope);
            gate(out, f, names, LeakAlert.Kind.USAGE_WARNING, b.id(), share >= rules.warnShare(),
                    share < rules.resolveShare(), b, eta, slope);
        }

        stuckSeries.add(now, f.stuck().old());
        LinearFit stuckFit = fit(stuckSeries.samples(Integer::doubleValue));
        boolean stuckBreach = f.stuck().old() >= rules.stuckMinCount() && stuckFit != null
                && stuckFit.slopePerSecond() > 0;
        boolean stuckClear = f.stuck().old() < rules.stuckMinCount() / 2.0;
        gate(out, f, names, LeakAlert.Kind.STUCK_SOCKETS, "stuck", stuckBreach, stuckClear, table, null,
                stuckFit == null ? null : stuckFit.slopePerMinute());

        Map<String, PgIdle> seenPg = new HashMap<>();
        for (PgIdle p : f.pgIdle()) {
            seenPg.put(p.key(), p);
            pgSeries.computeIfAbsent(p.key(), k -> new SeriesWindow<>(rules.window())).add(now, p.idle());
        }
        for (Iterator<Map.Entry<String, SeriesWindow<Integer>>> it = pgSeries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, SeriesWindow<Integer>> e = it.next();
            PgIdle p = seenPg.get(e.getKey());
            if (p == null) {
                e.getValue().add(now, 0);
            }
            List<LinearFit.Sample> samples = e.getValue().samples(Integer::doubleValue);
            LinearFit fit = fit(samples);
            double perMinute = fit == null ? 0 : fit.slopePerMinute();
            int idle = p == null ? 0 : p.idle();
            boolean breach = idle >= rules.pgMinIdle() && perMinute >= rules.pgIdleGrowthPerMinute()
                    && sustained(samples, rules.pgIdleGrowthPerMinute());
            boolean clear = p == null || perMinute <= 0;
            String subject = "pg-" + e.getKey();
            PgIdle shown = p != null ? p : pgFromKey(e.getKey());
            pgGate(out, f, subject, breach, clear, shown, perMinute);
            AlertGate g = gates.get(subject);
            if (p == null && (g == null || g.isIdle())) {
                it.remove();
                gates.remove(subject);
            }
        }
        return new Evaluation(out, forecasts);
    }

    /** The alerts open now, oldest first. */
    public List<LeakAlert> openAlerts() {
        return List.copyOf(open.values());
    }

    private static PgIdle pgFromKey(String key) {
        String[] p = key.split("\\|", -1);
        return new PgIdle(p[0], p[1], p[2], p[3], 0);
    }

    private void gate(List<LeakAlert> out, ScanFacts f, Function<String, String> names, LeakAlert.Kind kind,
                      String subject, boolean breach, boolean clear, BudgetUsage b, Double eta, Double slope) {
        String gateKey = kind + "/" + subject;
        AlertGate g = gates.computeIfAbsent(gateKey, k -> new AlertGate(rules.openAfter(), rules.resolveAfter()));
        AlertGate.Transition t = g.update(breach, clear, f.nowMillis());
        if (t == AlertGate.Transition.NONE && !g.isOpen()) {
            return;
        }
        List<Growth> growers = growers(b.id());
        List<String> peers = new ArrayList<>();
        for (Growth gr : growers) {
            String name = names.apply(gr.peer());
            peers.add(name == null ? gr.peer() : gr.peer() + " (" + name + ")");
        }
        Map<TcpState, Integer> stateGrowth = stateGrowth(b.id(), b.timeWaitIsUse());
        List<String> states = stateGrowth.keySet().stream().map(Enum::name).collect(Collectors.toList());
        if (t == AlertGate.Transition.NONE) {
            // open: re-evaluated every scan, so a leak from a new peer is named even though another cause opened
            // it. A record when a peer or a state grows that no record of this alert named yet (one that stops
            // growing is no news: no record, so the alert does not chatter as its window slides).
            Attribution at = attributions.get(gateKey);
            Set<String> addresses = new TreeSet<>();
            growers.forEach(gr -> addresses.add(gr.peer()));
            if (at != null && (!at.named().containsAll(addresses) || !at.states().containsAll(states))) {
                String summary = openedText(kind, f, b, eta, slope, growers, names, stateGrowth)
                        + sinceOpened(at, b, f, names);
                emit(out, gateKey, g, LeakAlert.Status.UPDATED, kind, f, summary, peers, states, b.used(), b.limit(),
                        eta);
                addresses.addAll(at.named());
                Set<String> allStates = new TreeSet<>(states);
                allStates.addAll(at.states());
                attributions.put(gateKey, new Attribution(at.opened(), at.peersAtOpen(), at.statesAtOpen(),
                        Set.copyOf(addresses), Set.copyOf(allStates)));
            }
            return;
        }
        String summary = t == AlertGate.Transition.OPENED
                ? openedText(kind, f, b, eta, slope, growers, names, stateGrowth)
                : resolvedText(kind, f, b, eta);
        emit(out, gateKey, g, t == AlertGate.Transition.OPENED ? LeakAlert.Status.OPENED : LeakAlert.Status.RESOLVED,
                kind, f, summary, peers, states, b.used(), b.limit(), eta);
        if (t == AlertGate.Transition.OPENED) {
            Set<String> named = new TreeSet<>();
            growers.forEach(gr -> named.add(gr.peer()));
            attributions.put(gateKey, new Attribution(open.get(gateKey), Map.copyOf(b.peersOr(f)),
                    Map.copyOf(b.byStateOr(f)), Set.copyOf(named), Set.copyOf(states)));
        } else {
            attributions.remove(gateKey);
        }
    }

    /** Who grew since the alert opened: the budget's peers and states now against those at the opening scan. */
    private String sinceOpened(Attribution at, BudgetUsage b, ScanFacts f, Function<String, String> names) {
        Map<String, Integer> nowPeers = b.peersOr(f);
        List<Growth> grew = new ArrayList<>();
        nowPeers.forEach((peer, c) -> {
            int delta = c - at.peersAtOpen().getOrDefault(peer, 0);
            if (delta > 0) {
                grew.add(new Growth(peer, c, delta));
            }
        });
        grew.sort(Comparator.comparingInt(Growth::delta).reversed().thenComparing(Growth::peer));
        StringBuilder s = new StringBuilder(" Since the alert opened (")
                .append(at.opened().openedAt()).append(", ")
                .append(at.opened().total()).append(" sockets): ");
        if (grew.isEmpty()) {
            s.append("no peer grew");
        }
        for (int i = 0; i < Math.min(rules.topGrowers(), grew.size()); i++) {
            Growth g = grew.get(i);
            String name = names.apply(g.peer());
            s.append(i == 0 ? "" : ", ").append(g.peer()).append(name == null ? "" : " (" + name + ")")
                    .append(" +").append(g.delta()).append(" (").append(g.now()).append(" now)");
        }
        String states = b.byStateOr(f).entrySet().stream()
                .filter(e -> e.getValue() - at.statesAtOpen().getOrDefault(e.getKey(), 0) > 0
                        && e.getKey() != TcpState.LISTEN && (b.timeWaitIsUse() || e.getKey() != TcpState.TIME_WAIT))
                .map(e -> e.getKey() + " +" + (e.getValue() - at.statesAtOpen().getOrDefault(e.getKey(), 0)))
                .collect(Collectors.joining(", "));
        s.append(states.isEmpty() ? "." : "; states " + states + ".");
        return s.toString();
    }

    /** The least-squares line over a window's samples; null while it holds fewer than {@code minSamples}. */
    private LinearFit fit(List<LinearFit.Sample> samples) {
        return samples.size() >= rules.minSamples() ? LinearFit.of(samples) : null;
    }

    /**
     * Whether a PostgreSQL client's idle connections (a window's samples, oldest first) grew for long enough to be a
     * leak: they span at least half of {@code window}, and their older half and their newer half each rise at least
     * {@code perMinute} on their own. A connection pool filling up — at a service's start, or in a burst of work —
     * rises for a minute or two and then stays at its size: one half of its history is flat (a fresh stack's pool,
     * 0 to 5 idle in 50 s, was flagged before this rule). A leak rises all along.
     */
    private boolean sustained(List<LinearFit.Sample> samples, double perMinute) {
        if (samples.isEmpty()) {
            return false;
        }
        long first = samples.get(0).atMillis();
        long last = samples.get(samples.size() - 1).atMillis();
        if (last - first < rules.window().toMillis() / 2) {
            return false;
        }
        long middle = last - (last - first) / 2;
        int split = 0;
        while (samples.get(split).atMillis() < middle) {
            split++;
        }
        return rises(samples.subList(0, split), perMinute) && rises(samples.subList(split, samples.size()), perMinute);
    }

    private boolean rises(List<LinearFit.Sample> samples, double perMinute) {
        LinearFit fit = fit(samples);
        return fit != null && fit.slopePerMinute() >= perMinute;
    }

    private void pgGate(List<LeakAlert> out, ScanFacts f, String subject, boolean breach, boolean clear,
                        PgIdle p, double perMinute) {
        String gateKey = LeakAlert.Kind.PG_IDLE_GROWTH + "/" + subject;
        AlertGate g = gates.computeIfAbsent(gateKey, k -> new AlertGate(rules.openAfter(), rules.resolveAfter()));
        AlertGate.Transition t = g.update(breach, clear, f.nowMillis());
        if (t == AlertGate.Transition.NONE) {
            return;
        }
        String who = "client " + p.client() + " (application '" + p.application() + "', user " + p.user() + ")";
        String summary = t == AlertGate.Transition.OPENED
                ? String.format(Locale.ROOT, "PostgreSQL %s: %s holds %d idle connections, growing %.1f per minute "
                        + "over the last %d min: the client opens connections and never closes or reuses them.",
                p.server(), who, p.idle(), perMinute, rules.window().toMinutes())
                : String.format(Locale.ROOT, "PostgreSQL %s: idle connections of %s no longer grow (%d idle now).",
                p.server(), who, p.idle());
        emit(out, gateKey, g, t == AlertGate.Transition.OPENED ? LeakAlert.Status.OPENED : LeakAlert.Status.RESOLVED,
                LeakAlert.Kind.PG_IDLE_GROWTH, f, summary, List.of(p.client()), List.of("idle"), p.idle(), 0, null);
    }

    private void emit(List<LeakAlert> out, String gateKey, AlertGate g, LeakAlert.Status status, LeakAlert.Kind kind,
                      ScanFacts f, String summary, List<String> peers, List<String> states, int used, int limit,
                      Double eta) {
        Instant openedAt = Instant.ofEpochMilli(g.openedAtMillis());
        String id = monitorId + ":" + gateKey + ":" + openedAt.getEpochSecond();
        if (status == LeakAlert.Status.RESOLVED) {
            LeakAlert opened = open.remove(gateKey);
            if (opened != null) {
                peers = opened.peers();
                states = opened.states();
            }
        }
        LeakAlert a = new LeakAlert(id, monitorId, node, status, kind, Instant.ofEpochMilli(f.nowMillis()), openedAt,
                summary.length() > 2000 ? summary.substring(0, 1997) + "..." : summary, peers, states, used, limit,
                eta);
        if (status != LeakAlert.Status.RESOLVED) {
            open.put(gateKey, a); // the latest record of an open alert: what it names now
        }
        out.add(a);
    }

    private String openedText(LeakAlert.Kind kind, ScanFacts f, BudgetUsage b, Double eta, Double slope,
                              List<Growth> growers, Function<String, String> names, Map<TcpState, Integer> stateGrowth) {
        StringBuilder s = new StringBuilder();
        switch (kind) {
            case EXHAUSTION_FORECAST -> s.append(String.format(Locale.ROOT,
                    "%s on %s: %d of %d sockets, growing %.1f per minute; %s.",
                    cap(b.description()), node, b.used(), b.limit(), slope == null ? 0.0 : slope,
                    eta != null && eta == 0 ? "the limit is already reached" : "the limit is reached in about "
                            + duration(eta)));
            case USAGE_WARNING -> s.append(String.format(Locale.ROOT,
                    "%s on %s: %d of %d sockets (%.0f %%), past the warning share of %.0f %%.",
                    cap(b.description()), node, b.used(), b.limit(), 100.0 * b.used() / Math.max(1, b.limit()),
                    100 * rules.warnShare()));
            case STUCK_SOCKETS -> s.append(String.format(Locale.ROOT,
                    "%d sockets on %s stuck in closing states for over %s, and growing.", f.stuck().old(), node,
                    StuckTracker.label(rules.stuckOldAfter())));
            default -> s.append(kind);
        }
        if (!growers.isEmpty()) {
            s.append(" Growing peers: ");
            for (int i = 0; i < growers.size(); i++) {
                Growth g = growers.get(i);
                String name = names.apply(g.peer());
                s.append(i == 0 ? "" : ", ").append(g.peer()).append(name == null ? "" : " (" + name + ")")
                        .append(" +").append(g.delta()).append(" (").append(g.now()).append(" now)");
            }
            s.append('.');
        }
        if (!stateGrowth.isEmpty()) {
            s.append(" Growing states: ").append(stateGrowth.entrySet().stream()
                    .map(e -> e.getKey() + " +" + e.getValue()).collect(Collectors.joining(", "))).append('.');
        }
        s.append(whoHoldsTheLeak(f, b, stateGrowth));
        return s.toString();
    }

    /**
     * The side that holds the leak, from the closing states present among the budget's sockets (growing, or
     * stuck past the age). The ages and owners of stuck sockets are known for the whole table only, so they are
     * told for a budget over the whole table.
     */
    private String whoHoldsTheLeak(ScanFacts f, BudgetUsage b, Map<TcpState, Integer> growing) {
        StringBuilder s = new StringBuilder();
        boolean wholeTable = b.wholeTable();
        // the whole table's closing sockets, orphans included: they tell who holds the leak even where the
        // budget does not count them
        Map<TcpState, Integer> byState = wholeTable ? f.byState() : b.byStateOr(f);
        StuckTracker.Result st = f.stuck();
        String stuckAge = StuckTracker.label(rules.stuckOldAfter());
        int closeWait = byState.getOrDefault(TcpState.CLOSE_WAIT, 0);
        if (closeWait > 0 && !wholeTable) {
            s.append(" CLOSE_WAIT (").append(closeWait).append("): the peer closed but the LOCAL program never"
                    + " closed its sockets — the leak is in the local process.");
        } else if (closeWait > 0) {
            s.append(" CLOSE_WAIT (").append(closeWait).append(", ")
                    .append(st.oldByState().getOrDefault(TcpState.CLOSE_WAIT, 0)).append(" older than ").append(stuckAge)
                    .append("): the peer closed but the LOCAL program never closed its sockets — the leak is in the"
                            + " local process");
            if (!st.closeWaitByLocalPort().isEmpty()) {
                s.append(" (local ports ").append(top(st.closeWaitByLocalPort())).append("; uid ")
                        .append(top(st.closeWaitByUid())).append(')');
            }
            s.append('.');
        }
        int fin2 = byState.getOrDefault(TcpState.FIN_WAIT2, 0);
        if (fin2 > 0 && !wholeTable) {
            s.append(" FIN_WAIT2 (").append(fin2).append("): this machine closed and the PEER never finished closing;"
                    + " orphaned ones expire after tcp_fin_timeout = ").append(f.finTimeoutSeconds())
                    .append(" s, those still owned by a local process (half-closed) do not.");
        } else if (fin2 > 0) {
            s.append(" FIN_WAIT2 (").append(fin2).append("): this machine closed and the PEER never finished closing;")
                    .append(' ').append(st.finWait2Orphaned()).append(" orphaned ones expire after tcp_fin_timeout = ")
                    .append(f.finTimeoutSeconds()).append(" s, ").append(st.finWait2Owned())
                    .append(" still owned by a local process (half-closed) do not.");
        }
        int fin1 = byState.getOrDefault(TcpState.FIN_WAIT1, 0);
        if (fin1 > 0 && (growing.containsKey(TcpState.FIN_WAIT1) || st.oldByState().containsKey(TcpState.FIN_WAIT1))) {
            s.append(" FIN_WAIT1 (").append(fin1).append("): our FIN is not acknowledged — the peer is gone or"
                    + " not reading.");
        }
        int lastAck = byState.getOrDefault(TcpState.LAST_ACK, 0);
        if (lastAck > 0 && (growing.containsKey(TcpState.LAST_ACK) || st.oldByState().containsKey(TcpState.LAST_ACK))) {
            s.append(" LAST_ACK (").append(lastAck).append("): we closed after the peer and wait for its final ACK.");
        }
        return s.toString();
    }

    private static String top(Map<Integer, Integer> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed()).limit(3)
                .map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", "));
    }

    private String resolvedText(LeakAlert.Kind kind, ScanFacts f, BudgetUsage b, Double eta) {
        return switch (kind) {
            case EXHAUSTION_FORECAST -> String.format(Locale.ROOT,
                    "%s on %s: %d of %d sockets; the forecast no longer reaches the limit within %d min.",
                    cap(b.description()), node, b.used(), b.limit(), rules.horizon().toMinutes());
            case USAGE_WARNING -> String.format(Locale.ROOT, "%s on %s: back to %d of %d sockets.",
                    cap(b.description()), node, b.used(), b.limit());
            case STUCK_SOCKETS -> String.format(Locale.ROOT, "%d sockets on %s stuck in closing states, below the"
                    + " resolve level.", f.stuck().old(), node);
            default -> kind + " resolved";
        };
    }

    private static String cap(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String duration(Double seconds) {
        if (seconds == null) {
            return "never";
        }
        long s = Math.round(seconds);
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        return String.format(Locale.ROOT, "%.1f h", s / 3600.0);
    }

    /**
     * The budget's growing peers, largest growth first: the {@code topGrowers} with the largest growth between
     * the oldest and newest scan of the window, and the {@code topGrowers} that grew over the last
     * {@code openAfter} scans without falling in any of them — so a new leak is named within {@code openAfter}
     * scans even while an older grower leads the window. The budget's counts decide whether TIME_WAIT is in.
     */
    List<Growth> growers(String budgetId) {
        History h = histories.get(budgetId);
        SeriesWindow.Entry<Map<String, Integer>> then = h == null ? null : h.peers().oldest();
        SeriesWindow.Entry<Map<String, Integer>> now = h == null ? null : h.peers().newest();
        if (then == null || then == now) {
            return List.of();
        }
        List<Growth> window = new ArrayList<>();
        now.value().forEach((peer, c) -> {
            int delta = c - then.value().getOrDefault(peer, 0);
            if (delta > 0) {
                window.add(new Growth(peer, c, delta));
            }
        });
        Comparator<Growth> largestFirst = Comparator.comparingInt(Growth::delta).reversed().thenComparing(Growth::peer);
        window.sort(largestFirst);
        Map<String, Growth> out = new LinkedHashMap<>();
        window.subList(0, Math.min(rules.topGrowers(), window.size())).forEach(g -> out.put(g.peer(), g));
        List<SeriesWindow.Entry<Map<String, Integer>>> recent = h.peers().newest(rules.openAfter() + 1);
        if (recent.size() == rules.openAfter() + 1) {
            List<Growth> steady = new ArrayList<>();
            now.value().forEach((peer, c) -> {
                int first = recent.get(0).value().getOrDefault(peer, 0);
                boolean neverFell = true;
                for (int i = 1; i < recent.size() && neverFell; i++) {
                    neverFell = recent.get(i).value().getOrDefault(peer, 0)
                            >= recent.get(i - 1).value().getOrDefault(peer, 0);
                }
                if (neverFell && c > first && !out.containsKey(peer)) {
                    steady.add(new Growth(peer, c, Math.max(c - first, c - then.value().getOrDefault(peer, 0))));
                }
            });
            steady.sort(largestFirst);
            steady.subList(0, Math.min(rules.topGrowers(), steady.size())).forEach(g -> out.put(g.peer(), g));
        }
        List<Growth> g = new ArrayList<>(out.values());
        g.sort(largestFirst);
        return g;
    }

    /**
     * The budget's states that grew between the oldest and newest scan of the window, largest growth first;
     * never LISTEN, nor TIME_WAIT (a fixed 60 s state, not a leak) unless the budget is one TIME_WAIT uses
     * (a client's local ports).
     */
    Map<TcpState, Integer> stateGrowth(String budgetId, boolean timeWaitIsUse) {
        History h = histories.get(budgetId);
        SeriesWindow.Entry<Map<TcpState, Integer>> then = h == null ? null : h.states().oldest();
        SeriesWindow.Entry<Map<TcpState, Integer>> now = h == null ? null : h.states().newest();
        Map<TcpState, Integer> out = new LinkedHashMap<>();
        if (then == null || then == now) {
            return out;
        }
        now.value().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - then.value().getOrDefault(e.getKey(), 0)))
                .filter(e -> e.getValue() > 0 && e.getKey() != TcpState.LISTEN
                        && (timeWaitIsUse || e.getKey() != TcpState.TIME_WAIT))
                .sorted(Map.Entry.<TcpState, Integer>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static Map<String, Integer> topPeers(Map<String, Integer> all) {
        if (all.size() <= PEERS_REMEMBERED) {
            return Map.copyOf(all);
        }
        Map<String, Integer> top = new TreeMap<>();
        all.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(PEERS_REMEMBERED).forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }
}
