package io.hangcheck.evaluator.domain;

/** Why an input changed nothing (counted as {@code hangcheck_evaluator_ignored_total{reason}}). */
public enum Ignored implements CountedReason.Kind {
    DUPLICATE("the same boot and sequence number as the last heartbeat: a retry or a re-delivery"),
    OUT_OF_ORDER("a lower sequence number of the current boot that ingest received before the last "
            + "accepted heartbeat: a late record, not news of the host"),
    PREVIOUS_BOOT("a heartbeat of the boot before the current one that ingest received before the "
            + "last accepted heartbeat: a late record"),
    OLD_BOOT("an unknown boot id that ingest received before the last accepted heartbeat: a late record "
            + "of an earlier boot"),
    BEFORE_RESTORE("a heartbeat that ingest received before the partition time at which the host's record was "
            + "restored (a restart or takeover): the host's silence already counts from the restore, and the stored "
            + "record may lack the heartbeats that would show this one is a late copy"),
    REBOOT("a reboot record that does not put the host in REBOOTING (not EXECUTED, unknown host, "
            + "already rebooting, or a reset of an earlier boot)");

    private final CountedReason reason;

    Ignored(String sentence) {
        this.reason = CountedReason.of(this, sentence);
    }

    @Override
    public CountedReason reason() {
        return reason;
    }
}
