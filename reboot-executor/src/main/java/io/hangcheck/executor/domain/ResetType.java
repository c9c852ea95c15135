package io.hangcheck.executor.domain;

import java.util.Optional;

/** DMTF Redfish {@code ResetType} values we use, gentlest first; escalation goes one step up, once. */
public enum ResetType {
    GracefulRestart, ForceRestart, PowerCycle;

    /** The next, harsher reset type, if any. */
    public Optional<ResetType> next() {
        return ordinal() + 1 < values().length ? Optional.of(values()[ordinal() + 1]) : Optional.empty();
    }
}
