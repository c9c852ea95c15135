package io.hangcheck.executor.domain;

import io.hangcheck.events.HostState;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EvidenceTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    static LivenessEvent hung(String host, String boot, long seq) {
        String inc = LivenessEvent.incidentId(host, boot, seq);
        return new LivenessEvent(LivenessEvent.eventId(inc, LivenessEventType.HUNG), LivenessEventType.HUNG, host, inc, boot,
                null, seq, T0.minusSeconds(300), T0, 300_000, 9.0, "ingest-0", List.of(), Map.of(), "ev-1");
    }

    static HostState state(String host, HostStatus status, String incident, Instant updatedAt) {
        return new HostState(host, status, "b1", 41, T0.minusSeconds(300), T0, incident, "ingest-0", Map.of(), updatedAt, "ev-1");
    }

    @Test
    void sameHostHungSameIncidentCorroborates() {
        assertThat(Evidence.of(hung("h1", "b1", 41), state("h1", HostStatus.HUNG, "h1/b1/41", T0))).isEqualTo(Evidence.CORROBORATED);
    }

    @Test
    void forgedHungForAHostThatIsUpIsContradicted() {
        assertThat(Evidence.of(hung("h1", "b1", 41), state("h1", HostStatus.UP, null, T0))).isEqualTo(Evidence.CONTRADICTED);
    }

    @Test
    void hungOfAnotherIncidentIsContradicted() {
        assertThat(Evidence.of(hung("h1", "b1", 41), state("h1", HostStatus.HUNG, "h1/b1/40", T0))).isEqualTo(Evidence.CONTRADICTED);
    }

    @Test
    void olderStateMayStillCatchUpAndNoStateToo() {
        Evidence e = Evidence.of(hung("h1", "b1", 41), state("h1", HostStatus.SUSPECT, null, T0.minusSeconds(5)));
        assertThat(e).isEqualTo(Evidence.STATE_BEHIND);
        assertThat(e.mayCatchUp()).isTrue();
        assertThat(Evidence.of(hung("h1", "b1", 41), null)).isEqualTo(Evidence.NO_STATE);
    }
}
