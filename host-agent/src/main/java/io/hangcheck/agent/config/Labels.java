package io.hangcheck.agent.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code pool=nightly,os=windows} → an ordered map; the contract's rules are checked when a heartbeat is built. */
public final class Labels {
    private Labels() {
    }

    public static Map<String, String> parse(String text, String field) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return labels;
        }
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(field, "'" + p + "' is not key=value");
            }
            String key = p.substring(0, eq).trim();
            String value = p.substring(eq + 1).trim();
            if (labels.put(key, value) != null) {
                throw new ConfigException(field, "label '" + key + "' given twice");
            }
        }
        return labels;
    }
}
