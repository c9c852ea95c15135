package io.hangcheck.executor.domain;

import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.executor.store.IncidentStanding;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

class IncidentStandingTest {

    @Test
    void onlyAClaimedUnactedHangHeldOrSkippedForAPassingReasonIsDecidedAgain() {
        for (RebootReason reason : RebootReason.values()) {
            boolean passing = IncidentStanding.CAN_PASS.contains(reason);
            assertThat(new IncidentStanding(true, false, RebootDecision.SKIPPED, reason).mayBeDecidedAgain())
                    .as("SKIPPED %s", reason).isEqualTo(passing);
            assertThat(new IncidentStanding(true, false, RebootDecision.HELD, reason).mayBeDecidedAgain())
                    .as("HELD %s", reason).isEqualTo(passing);
            // an attempt was made: never again
            assertThat(new IncidentStanding(true, true, RebootDecision.SKIPPED, reason).mayBeDecidedAgain()).isFalse();
        }
        assertThat(IncidentStanding.CAN_PASS).doesNotContain(RebootReason.HOST_QUARANTINED, RebootReason.DUPLICATE_INCIDENT,
                RebootReason.POLICY_PASSED, RebootReason.MANUAL_FORCED, RebootReason.INTERRUPTED_ATTEMPT);
        // a quarantine decision is not re-decided even though its reason is not in CAN_PASS anyway
        assertThat(new IncidentStanding(true, false, RebootDecision.QUARANTINED, RebootReason.HOST_QUARANTINED).mayBeDecidedAgain()).isFalse();
        // not claimed: not a re-decision (the caller claims it as its HUNG would have)
        assertThat(new IncidentStanding(false, false, null, null).mayBeDecidedAgain()).isFalse();
        for (RebootDecision d : EnumSet.complementOf(EnumSet.of(RebootDecision.SKIPPED, RebootDecision.HELD))) {
            assertThat(new IncidentStanding(true, false, d, RebootReason.RATE_LIMITED).mayBeDecidedAgain()).as("%s", d).isFalse();
        }
    }
}
