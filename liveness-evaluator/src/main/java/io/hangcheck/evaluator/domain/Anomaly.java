package io.hangcheck.evaluator.domain;

/**
 * A heartbeat that was accepted as news of the host although its boot or sequence history is odd. Counted
 * ({@code hangcheck_evaluator_heartbeat_anomalies_total{kind}}) and logged, never a reason to drop the heartbeats
 * that follow: a host that beats is alive, whatever its counters say.
 */
public enum Anomaly implements CountedReason.Kind {
    SEQ_REGRESSED("the sequence number went back within one boot although ingest received the "
            + "heartbeat after the last accepted one (the agent restarted and lost its state, or an earlier record "
            + "carried a forged or corrupt sequence number)"),
    BOOT_RETURNED("a heartbeat of the previous boot arrived after a newer boot had been seen, and "
            + "ingest received it after the last accepted one (the newer boot id was late, forged or corrupt)");

    private final CountedReason reason;

    Anomaly(String sentence) {
        this.reason = CountedReason.of(this, sentence);
    }

    @Override
    public CountedReason reason() {
        return reason;
    }
}
