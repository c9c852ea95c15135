package io.hangcheck.simulator;

import io.hangcheck.agent.config.ConfigException;
import io.hangcheck.events.Heartbeat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One pool of virtual hosts: {@code name:count[:key=value+key=value...]}, e.g. {@code changelist:13:os=windows}.
 * The option {@code transport=udp|http} sets the pool's transport; every other option is a label. Every host of
 * the pool carries the label {@code pool=<name>}, unless its options set {@code pool} themselves (racks of one pool:
 * {@code r01:10:rack=r01+pool=nightly}). Host ids are {@code <name>-<n>}, n from 1, zero-padded; the control API
 * chooses hosts by the simulator's pool name ({@code pool=r01}), whatever their label.
 */
public record PoolSpec(String name, int count, Map<String, String> labels, Transport transport) {

    /**
     * How a pool's heartbeats travel; null in a spec means the simulator's default. HTTP_PER_HEARTBEAT
     * ({@code http-per-heartbeat}): each heartbeat its own POST on a new connection the client closes — the seed
     * incident's clients (and a {@code curl} agent), which leave a TIME_WAIT per heartbeat.
     */
    public enum Transport {
        UDP, HTTP, HTTP_PER_HEARTBEAT;

        /** {@code udp}, {@code http} or {@code http-per-heartbeat}. */
        public static Transport parse(String v) {
            return valueOf(v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    public PoolSpec {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    public static List<PoolSpec> parseAll(String text, String field) {
        List<PoolSpec> pools = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                pools.add(parse(part.trim(), field));
            }
        }
        if (pools.isEmpty()) {
            throw new ConfigException(field, "no pools given");
        }
        if (pools.stream().map(PoolSpec::name).distinct().count() != pools.size()) {
            throw new ConfigException(field, "a pool name is given twice");
        }
        return pools;
    }

    static PoolSpec parse(String text, String field) {
        String[] parts = text.split(":", 3);
        if (parts.length < 2) {
            throw new ConfigException(field, "'" + text + "' is not name:count[:key=value+...]");
        }
        String name = parts[0].trim();
        if (!name.matches("[a-z][a-z0-9_.]{0,30}")) {
            throw new ConfigException(field, "pool name '" + name + "' must match [a-z][a-z0-9_.]{0,30} (no '-': host ids are <pool>-<n>)");
        }
        int count;
        try {
            count = Integer.parseInt(parts[1].trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(field, "'" + parts[1] + "' is not a host count");
        }
        if (count < 1) {
            throw new ConfigException(field, "pool " + name + " needs at least one host");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        Transport transport = null;
        if (parts.length == 3 && !parts[2].isBlank()) {
            for (String opt : parts[2].split("\\+")) {
                int eq = opt.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigException(field, "'" + opt + "' is not key=value");
                }
                String k = opt.substring(0, eq).trim();
                String v = opt.substring(eq + 1).trim();
                if (k.equals("transport")) {
                    try {
                        transport = Transport.parse(v);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(field, "transport '" + v + "' is not udp, http or http-per-heartbeat");
                    }
                } else {
                    labels.put(k, v);
                }
            }
        }
        labels.putIfAbsent("pool", name); // a pool that is one rack of a larger pool names that one (pool=nightly)
        if (labels.size() > Heartbeat.LABELS_MAX) {
            throw new ConfigException(field, "pool " + name + " has more than " + Heartbeat.LABELS_MAX + " labels");
        }
        return new PoolSpec(name, count, labels, transport);
    }
}
