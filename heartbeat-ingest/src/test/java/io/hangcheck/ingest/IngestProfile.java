package io.hangcheck.ingest;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test profile of ingest: an instance id of the test's own (its ticks and CloudEvents source tell it apart on
 * the shared topics), the raw-topic forwarder off, and the test's settings as key, value pairs.
 */
public abstract class IngestProfile implements QuarkusTestProfile {

    private final Map<String, String> overrides;

    protected IngestProfile(String instanceId, String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("settings come in key, value pairs");
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("hangcheck.ingest.instance-id", instanceId);
        all.put("hangcheck.ingest.raw.enabled", "false");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            all.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        this.overrides = Map.copyOf(all);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return overrides;
    }
}
