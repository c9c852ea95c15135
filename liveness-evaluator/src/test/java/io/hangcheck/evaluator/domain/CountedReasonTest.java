package io.hangcheck.evaluator.domain;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The metric labels of the counted reasons, as dashboards, alerts and docs/metrics name them. */
class CountedReasonTest {

    @Test
    void theLabelsAreTheConstantsNamesInLowerCase() {
        assertThat(Arrays.stream(Ignored.values()).map(Ignored::label))
                .containsExactly("duplicate", "out_of_order", "previous_boot", "old_boot", "before_restore", "reboot");
        assertThat(Arrays.stream(Anomaly.values()).map(Anomaly::label)).containsExactly("seq_regressed", "boot_returned");
        assertThat(Arrays.stream(Forgotten.values()).map(Forgotten::label)).containsExactly("retired", "silent");
    }

    @Test
    void everyReasonHasItsOwnSentence() {
        assertThat(Ignored.OUT_OF_ORDER.sentence()).startsWith("a lower sequence number of the current boot");
        assertThat(Anomaly.BOOT_RETURNED.sentence()).startsWith("a heartbeat of the previous boot arrived");
        assertThat(Forgotten.SILENT.sentence()).startsWith("the host was silent for forget-after");
        assertThat(Arrays.stream(Ignored.values()).map(Ignored::sentence)).doesNotHaveDuplicates().allMatch(s -> s.length() > 20);
    }
}
