package io.hangcheck.executor.domain;

import java.time.Instant;

/** The operator's kill switch; detection keeps running while paused. */
public record PauseState(boolean paused, String author, String reason, Instant since) {
    public static final PauseState RUNNING = new PauseState(false, null, null, null);
}
