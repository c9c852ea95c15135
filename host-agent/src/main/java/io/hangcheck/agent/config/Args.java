package io.hangcheck.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags: {@code --name value}, {@code --name=value}, and bare switches ({@code --quiet}).
 * Each flag may appear once; unknown flags are an error, so a typo never silently falls back to a default.
 */
public final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> used = new java.util.HashSet<>();

    private Args() {
    }

    /**
     * @param switches flags that take no value
     */
    public static Args parse(String[] argv, Set<String> switches) {
        Args a = new Args();
        List<String> list = new ArrayList<>(List.of(argv));
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException(arg, "unexpected argument (flags look like --name value)");
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (switches.contains(arg)) {
                name = arg;
                value = "true";
            } else {
                name = arg;
                if (i + 1 >= list.size()) {
                    throw new ConfigException(arg, "needs a value");
                }
                value = list.get(++i);
            }
            if (a.values.put(name, value) != null) {
                throw new ConfigException(name, "given twice");
            }
        }
        return a;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The flag's value, else the environment variable's, else null. */
    public String get(String name, Map<String, String> env, String envName) {
        used.add(name);
        String v = values.get(name);
        if (v == null && envName != null) {
            v = env.get(envName);
            if (v != null && v.isBlank()) {
                v = null;
            }
        }
        return v;
    }

    public String get(String name) {
        return get(name, Map.of(), null);
    }

    /** Fails on any flag nobody asked for (call after reading all flags). */
    public void rejectUnknown() {
        for (String name : values.keySet()) {
            if (!used.contains(name)) {
                throw new ConfigException(name, "unknown flag (see --help)");
            }
        }
    }
}
