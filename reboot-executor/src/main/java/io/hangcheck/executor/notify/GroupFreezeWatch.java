package io.hangcheck.executor.notify;

import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert per FROZEN host group (a rack, switch, pool, hypervisor or subnet, as the evaluators report it in
 * {@link FleetHealth#groups()}), never one per held host: alert {@code group-frozen/<key=value>} is raised while any
 * evaluator reports the group FROZEN with silent hosts, and resolved when none does (a FROZEN group with every host
 * heard again is only held until calm: not raised, and resolved if it was). All of them share the {@link Grouper} group
 * {@value #GROUP}, so racks freezing together go out in one message, with the Grouper's wait, interval and repeat as
 * for the fleet freeze. Decides nothing about reboots (the evaluator holds a FROZEN group's hosts). Thread-safe.
 */
public final class GroupFreezeWatch {
    public static final String GROUP = "group-frozen";

    private final Clock clock;
    private final Grouper grouper;
    /** Frozen groups and since when (first seen frozen here). */
    private final Map<String, Instant> frozenSince = new LinkedHashMap<>();

    public GroupFreezeWatch(Clock clock, Grouper grouper) {
        this.clock = clock;
        this.grouper = grouper;
    }

    /** Looks at the latest report of every evaluator: raises (or refreshes) each FROZEN group, resolves the others. */
    public synchronized void observe(Collection<FleetHealth> reports) {
        observe(reports, false);
    }

    /**
     * As {@link #observe(Collection)}, but while the whole fleet is FROZEN its one alert says it all (as an
     * inhibition would): no group alert is raised, and group alerts not told yet are withdrawn; groups already told
     * stay as they are (neither refreshed nor resolved) until the fleet thaws and they are looked at again.
     */
    public synchronized void observe(Collection<FleetHealth> reports, boolean fleetFrozen) {
        if (fleetFrozen) {
            if (!grouper.notified(GROUP)) {
                for (String key : frozenSince.keySet()) {
                    grouper.resolve(GROUP, key, "withdrawn: the whole fleet is FROZEN");
                }
                frozenSince.clear();
            }
            return;
        }
        Map<String, int[]> frozen = new TreeMap<>();
        Map<String, String> why = new TreeMap<>();
        for (FleetHealth r : reports) {
            for (FleetHealth.GroupHealth g : r.groups()) {
                if (g.mode() == FleetMode.FROZEN) {
                    int[] c = frozen.computeIfAbsent(g.group(), k -> new int[2]);
                    c[0] += g.tracked();
                    c[1] += g.silent();
                    why.merge(g.group(), r.evaluatorId() + ": " + g.reason(), (a, b) -> a + "; " + b);
                }
            }
        }
        // A FROZEN group none of whose hosts is silent is only being held until calm (the evaluator's hysteresis):
        // nothing to tell — after a fleet-wide outage every group froze with the fleet and outlasts its thaw.
        Map<String, int[]> holdingOnly = new TreeMap<>();
        frozen.entrySet().removeIf(e -> {
            if (e.getValue()[1] > 0) {
                return false;
            }
            holdingOnly.put(e.getKey(), e.getValue());
            return true;
        });
        Instant now = clock.instant();
        for (Map.Entry<String, int[]> e : frozen.entrySet()) {
            Instant since = frozenSince.computeIfAbsent(e.getKey(), k -> now);
            grouper.add(new Alert(GROUP, e.getKey(), "Group " + e.getKey() + " is FROZEN since " + since + " ("
                    + e.getValue()[1] + " of " + e.getValue()[0] + " hosts silent; " + why.get(e.getKey()) + "): its hosts"
                    + " are held, none of them is rebooted. A group silent together is a broken path (a switch, a subnet,"
                    + " a PDU, a hypervisor, a pool's image), not hung hosts."));
        }
        var it = frozenSince.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Instant> e = it.next();
            if (!frozen.containsKey(e.getKey())) {
                int[] held = holdingOnly.get(e.getKey());
                grouper.resolve(GROUP, e.getKey(), held != null
                        ? "Group " + e.getKey() + ": all " + held[0] + " hosts are heard again since " + now + " (FROZEN since "
                                + e.getValue() + "); the evaluator holds the group until it is calm, then judges each host"
                                + " with a fresh grace."
                        : "Group " + e.getKey() + " is no longer FROZEN since " + now
                                + " (it was since " + e.getValue() + "); its hosts are judged again, each with a fresh grace.");
                it.remove();
            }
        }
    }

    /** The groups the last look found FROZEN. */
    public synchronized java.util.Set<String> frozen() {
        return java.util.Set.copyOf(frozenSince.keySet());
    }
}
