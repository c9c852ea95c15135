package io.hangcheck.evaluator.domain;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The group guard's settings (docs/design.md, Numbers behind the defaults), as plain values.
 *
 * <p>A host belongs to one group per configured key it has a value for: a label of its last heartbeat
 * ({@code rack=r12}, {@code pool=nightly}) or, for the key {@value #NET}, the source network ingest stamped
 * ({@code net=10.1.7.0/24}). Each group has a guard of the fleet guard's shape ({@link GroupGuard}).
 *
 * @param keys              group keys: label keys, and {@value #NET} for the source network; empty: no groups
 * @param degradedAbove     silent share at or above which a group is DEGRADED (its HUNGs go to the slow bucket) ...
 * @param freezeAbove       ... FROZEN (its hosts are HELD, never HUNG)
 * @param degradedThawBelow DEGRADED returns to NORMAL only below this share ...
 * @param freezeThawBelow   FROZEN is left only below this share ...
 * @param thawAfterMs       ... held continuously this long (hysteresis); leaving FROZEN gives the group's hosts a fresh grace
 * @param minSize           a group with fewer tracked hosts never leaves NORMAL (small groups never freeze)
 * @param minSilent         a group with fewer silent hosts never leaves NORMAL (one or two true hangs in a rack are acted on)
 */
public record GroupThresholds(List<String> keys, double degradedAbove, double freezeAbove, double degradedThawBelow,
                              double freezeThawBelow, long thawAfterMs, int minSize, int minSilent) {
    /** The key of the source-network group. */
    public static final String NET = "net";
    /** At most this many keys: a host is in at most this many groups (each costs a lookup on its changes). */
    public static final int KEYS_MAX = 8;
    private static final Pattern KEY = Pattern.compile("^[a-z][a-z0-9_.-]{0,62}$");

    public GroupThresholds {
        keys = List.copyOf(keys);
        if (keys.size() > KEYS_MAX) {
            throw new IllegalArgumentException("at most " + KEYS_MAX + " group keys, got " + keys);
        }
        for (String k : keys) {
            if (!KEY.matcher(k).matches()) {
                throw new IllegalArgumentException("group key '" + k + "' is not a label key (^[a-z][a-z0-9_.-]*$)");
            }
        }
        if (keys.stream().distinct().count() != keys.size()) {
            throw new IllegalArgumentException("group keys repeat: " + keys);
        }
        if (!(0 < degradedAbove && degradedAbove <= freezeAbove && freezeAbove <= 1)) {
            throw new IllegalArgumentException("groups: need 0 < degraded-above <= freeze-above <= 1");
        }
        if (!(degradedThawBelow <= degradedAbove && freezeThawBelow <= freezeAbove)) {
            throw new IllegalArgumentException("groups: thaw thresholds must not exceed the thresholds they release");
        }
        if (thawAfterMs < 0 || minSize < 2 || minSilent < 2) {
            // a group of one is its host: it would hold its own hang (min-size >= 2, min-silent >= 2)
            throw new IllegalArgumentException("groups: need thaw-after >= 0, min-size >= 2, min-silent >= 2");
        }
    }

    /** The documented defaults: rack, switch, pool, hypervisor and the source network. */
    public static GroupThresholds defaults() {
        return new GroupThresholds(List.of("rack", "switch", "pool", "hypervisor", NET), 0.20, 0.50, 0.10, 0.30,
                120_000, 5, 3);
    }

    /** No groups (the fleet guard alone). */
    public static GroupThresholds off() {
        return new GroupThresholds(List.of(), 0.20, 0.50, 0.10, 0.30, 120_000, 5, 3);
    }

    public GroupThresholds withThawAfter(long ms) {
        return new GroupThresholds(keys, degradedAbove, freezeAbove, degradedThawBelow, freezeThawBelow, ms, minSize, minSilent);
    }

    public GroupThresholds withKeys(List<String> k) {
        return new GroupThresholds(k, degradedAbove, freezeAbove, degradedThawBelow, freezeThawBelow, thawAfterMs, minSize, minSilent);
    }

    public boolean enabled() {
        return !keys.isEmpty();
    }

    /**
     * The groups of a host with these labels and source network: {@code key=value} for each key it has a value for,
     * in key order of the configuration. Empty when groups are off or the host has none.
     */
    public List<String> groupsOf(java.util.Map<String, String> labels, String net) {
        if (keys.isEmpty()) {
            return List.of();
        }
        String[] out = new String[keys.size()];
        int n = 0;
        for (String k : keys) {
            String v = NET.equals(k) ? net : labels.get(k);
            if (v != null && !v.isEmpty()) {
                out[n++] = k + "=" + v;
            }
        }
        return n == 0 ? List.of() : List.of(java.util.Arrays.copyOf(out, n));
    }

    static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
