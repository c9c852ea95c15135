package io.hangcheck.ingest.domain;

import io.hangcheck.events.IngestHealth;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HealthAssessorTest {

    private final HealthAssessor assessor = new HealthAssessor(new HealthAssessor.Thresholds(0.8, 1, 1, 2000, 0.5, 1));

    private static HealthAssessor.Sample sample(int open, long acceptErrors, long publishErrors, double p99, double fill, boolean kafka) {
        return new HealthAssessor.Sample(open, 500, acceptErrors, publishErrors, p99, fill, kafka, 0);
    }

    @Test
    void quietInstanceIsOk() {
        IngestHealth h = assessor.assess(sample(399, 0, 0, 12, 0.01, true));
        assertThat(h.state()).isEqualTo(IngestHealth.State.OK);
        assertThat(h.reasons()).isEmpty();
        assertThat(h.openConnections()).isEqualTo(399);
        assertThat(h.connectionBudget()).isEqualTo(500);
    }

    @Test
    void eightyPercentOfTheBudgetIsDegraded() {
        IngestHealth h = assessor.assess(sample(400, 0, 0, 12, 0.01, true));
        assertThat(h.degraded()).isTrue();
        assertThat(h.reasons()).containsExactly("connections 400/500 >= 80%");
    }

    @Test
    void anyRefusedConnectionInTheIntervalIsDegraded() {
        assertThat(assessor.assess(sample(10, 1, 0, 12, 0.0, true)).reasons()).containsExactly("accept errors 1 in the last interval");
    }

    @Test
    void publishTroubleAndKafkaOutageAreDegradedWithEveryReason() {
        IngestHealth h = assessor.assess(sample(10, 0, 3, 2500, 0.7, false));
        assertThat(h.degraded()).isTrue();
        assertThat(h.reasons()).containsExactly("publish errors 3 in the last interval", "publish latency p99 2500 ms >= 2000 ms",
                "send buffer 70% full", "kafka unreachable");
        assertThat(h.publishErrors()).isEqualTo(3);
    }

    @Test
    void oddInputsStayWithinTheRecordsRules() {
        IngestHealth h = assessor.assess(new HealthAssessor.Sample(-1, -5, -1, -1, -1, Double.NaN, true, -3));
        assertThat(h.state()).isEqualTo(IngestHealth.State.OK);
        assertThat(h.sendBufferFill()).isZero();
    }

    @Test
    void kernelUdpDropsInTheIntervalAreDegraded() {
        IngestHealth h = assessor.assess(new HealthAssessor.Sample(10, 500, 0, 0, 12, 0.0, true, 1140));
        assertThat(h.degraded()).isTrue();
        assertThat(h.reasons()).containsExactly("kernel dropped 1140 UDP datagrams in the last interval (receive buffer full)");
    }
}
