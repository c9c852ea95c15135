package io.hangcheck.executor.driver;

import io.hangcheck.executor.domain.ResetType;

import java.util.Map;

/** What a driver is asked to do: reset {@code hostId} with {@code type}; {@code params} from the inventory. */
public record ResetRequest(String hostId, String incidentId, int attempt, ResetType type, Map<String, String> params) {
    public ResetRequest {
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    /** A required parameter, or a fatal failure naming it. */
    public String param(String name) throws DriverException {
        String v = params.get(name);
        if (v == null || v.isBlank()) {
            throw DriverException.fatal("inventory parameter '" + name + "' is missing for host " + hostId);
        }
        return v;
    }
}
