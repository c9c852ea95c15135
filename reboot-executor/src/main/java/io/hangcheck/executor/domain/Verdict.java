package io.hangcheck.executor.domain;

import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the chain decided: {@link RebootDecision#INTENT} means "call the driver"; anything else is a skip,
 * a hold or a quarantine. {@code detail} carries the facts that decided it (limits in force, silence id, …).
 */
public record Verdict(RebootDecision decision, RebootReason reason, Map<String, String> detail) {

    public Verdict {
        detail = detail == null ? Map.of() : Map.copyOf(new TreeMap<>(detail));
    }

    public static Verdict of(RebootDecision decision, RebootReason reason, Map<String, String> detail) {
        return new Verdict(decision, reason, detail);
    }

    public boolean acts() {
        return decision == RebootDecision.INTENT;
    }
}
