package io.hangcheck.ingest.domain;

import java.util.Objects;

/**
 * A refusal with its reason, the field at fault (a JSON path such as {@code [3].hostId}, an hc1 token such
 * as {@code seq}, or {@code $} for the whole input) and a human sentence.
 */
public record Rejection(RejectReason reason, String field, String detail) {
    public Rejection {
        Objects.requireNonNull(reason, "reason");
        field = field == null || field.isBlank() ? "$" : field;
        detail = detail == null || detail.isBlank() ? reason.sentence() : detail;
    }
}
