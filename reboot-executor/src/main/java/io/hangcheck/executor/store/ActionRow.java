package io.hangcheck.executor.store;

import io.hangcheck.executor.domain.ResetType;

import java.time.Instant;

/** One reset attempt of an incident (table {@code action}). {@code outcome} is null until the driver answered. */
public record ActionRow(long id, String incidentId, String hostId, int attempt, String driver, ResetType resetType,
                        String bootId, Instant intentAt, ActionOutcome outcome, Instant deadlineAt, boolean closed) {
}
