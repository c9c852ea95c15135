package io.hangcheck.executor.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A host the executor may touch: its driver ({@code dry-run}, {@code redfish}, {@code exec}, {@code webhook}),
 * the driver's parameters (e.g. {@code bmc}, {@code systemId}, {@code url}, {@code credentials}), labels
 * (matched by silences) and whether automatic remediation is enabled.
 */
public record InventoryEntry(String hostId, String driver, Map<String, String> params, Map<String, String> labels,
                             boolean enabled, Instant updatedAt, String updatedBy) {

    public InventoryEntry {
        params = params == null ? Map.of() : Map.copyOf(params);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
