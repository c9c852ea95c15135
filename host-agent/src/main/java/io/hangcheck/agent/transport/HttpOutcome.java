package io.hangcheck.agent.transport;

/** What one HTTP heartbeat (after its retries) came to. Failures are typed: retried, rejected, or given up. */
public enum HttpOutcome {
    /** 2xx: ingest has it (202 = durable in Kafka). */
    ACCEPTED,
    /** 4xx: ingest refused it and will refuse it again (a bug or a bad token on our side): never retried. */
    REJECTED,
    /** Still failing (I/O error, 5xx, 503 + Retry-After) after the allowed attempts or time. */
    FAILED
}
