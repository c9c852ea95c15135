package io.hangcheck.evaluator.domain;

/** Why an input changed nothing (counted as {@code hangcheck_evaluator_ignored_total{reason}}). */
public enum Ignored {
    DUPLICATE("duplicate", "the same boot and sequence number as the last heartbeat: a retry or a re-delivery"),
    OUT_OF_ORDER("out_of_order", "a lower sequence number of the current boot that ingest received before the last "
            + "accepted heartbeat: a late record, not news of the host"),
    PREVIOUS_BOOT("previous_boot", "a heartbeat of the boot before the current one that ingest received before the "
            + "last accepted heartbeat: a late record"),
    OLD_BOOT("old_boot", "an unknown boot id that ingest received before the last accepted heartbeat: a late record "
            + "of an earlier boot"),
    REBOOT("reboot", "a reboot record that does not put the host in REBOOTING (not EXECUTED, unknown host, "
            + "already rebooting, or a reset of an earlier boot)");

    private final String label;
    private final String sentence;

    Ignored(String label, String sentence) {
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
