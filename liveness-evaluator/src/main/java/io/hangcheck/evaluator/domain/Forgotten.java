package io.hangcheck.evaluator.domain;

/** Why the evaluator deleted a host (counted as {@code hangcheck_evaluator_hosts_forgotten_total{reason}}). */
public enum Forgotten {
    RETIRED("retired", "an operator retired the host through the admin API (decommissioned, quarantined for good, "
            + "or a made-up id)"),
    SILENT("silent", "the host was silent for forget-after: it is gone (or never existed), and counting it as "
            + "silent for ever would hold the fleet guard for good");

    private final String label;
    private final String sentence;

    Forgotten(String label, String sentence) {
        this.label = label;
        this.sentence = sentence;
    }

    public String label() {
        return label;
    }

    public String sentence() {
        return sentence;
    }
}
