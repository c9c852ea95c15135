package io.hangcheck.evaluator.domain;

/** Why the evaluator deleted a host (counted as {@code hangcheck_evaluator_hosts_forgotten_total{reason}}). */
public enum Forgotten implements CountedReason.Kind {
    RETIRED("an operator retired the host through the admin API (decommissioned, quarantined for good, "
            + "or a made-up id)"),
    SILENT("the host was silent for forget-after: it is gone (or never existed), and counting it as "
            + "silent for ever would hold the fleet guard for good");

    private final CountedReason reason;

    Forgotten(String sentence) {
        this.reason = CountedReason.of(this, sentence);
    }

    @Override
    public CountedReason reason() {
        return reason;
    }
}
