package io.hangcheck.executor.service;

import io.hangcheck.executor.domain.InventoryEntry;
import io.hangcheck.executor.driver.RebootDriver;

import java.util.Map;

/** The drivers by name, and the one a host without a driver of its own uses. */
public record Drivers(Map<String, RebootDriver> byName, String defaultDriver) {
    public Drivers {
        byName = Map.copyOf(byName);
    }

    public RebootDriver get(String name) {
        return byName.get(name);
    }

    /** The name of the driver that resets the host of {@code e}. */
    public String nameFor(InventoryEntry e) {
        return e.driver() == null || e.driver().isBlank() ? defaultDriver : e.driver();
    }
}
