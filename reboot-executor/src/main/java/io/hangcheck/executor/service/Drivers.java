package io.hangcheck.executor.service;

import io.hangcheck.executor.driver.RebootDriver;

import java.util.Map;

/** The drivers by name. */
public record Drivers(Map<String, RebootDriver> byName) {
    public Drivers {
        byName = Map.copyOf(byName);
    }

    public RebootDriver get(String name) {
        return byName.get(name);
    }
}
