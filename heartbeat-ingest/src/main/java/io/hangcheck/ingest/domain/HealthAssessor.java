package io.hangcheck.ingest.domain;

import io.hangcheck.events.IngestHealth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns one interval's figures into the instance's {@link IngestHealth}: DEGRADED, with a reason each, when
 * open connections reach a share of the budget, when any connection was refused or any publish failed in the
 * interval, when the publish latency p99 or the send-buffer fill passes its threshold, when the kernel dropped
 * UDP datagrams on ingest's socket, or when Kafka is unreachable. Plain logic, no framework types.
 */
public final class HealthAssessor {

    /** The thresholds (see {@code hangcheck.ingest.ticks.*}). */
    public record Thresholds(double connectionShare, long acceptErrors, long publishErrors,
                             double publishLatencyMs, double bufferFill, long udpKernelDrops) {
    }

    /** What the instance measured over the last interval. */
    public record Sample(int openConnections, int connectionBudget, long acceptErrors, long publishErrors,
                         double publishLatencyMsP99, double sendBufferFill, boolean kafkaReachable, long udpKernelDrops) {
    }

    private final Thresholds thresholds;

    public HealthAssessor(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    public IngestHealth assess(Sample s) {
        List<String> reasons = new ArrayList<>(4);
        int budget = Math.max(0, s.connectionBudget());
        int open = Math.max(0, s.openConnections());
        if (budget > 0 && open >= Math.ceil(thresholds.connectionShare() * budget)) {
            reasons.add(String.format(Locale.ROOT, "connections %d/%d >= %.0f%%", open, budget, thresholds.connectionShare() * 100));
        }
        if (s.acceptErrors() >= thresholds.acceptErrors() && s.acceptErrors() > 0) {
            reasons.add("accept errors " + s.acceptErrors() + " in the last interval");
        }
        if (s.publishErrors() >= thresholds.publishErrors() && s.publishErrors() > 0) {
            reasons.add("publish errors " + s.publishErrors() + " in the last interval");
        }
        if (s.publishLatencyMsP99() >= thresholds.publishLatencyMs()) {
            reasons.add(String.format(Locale.ROOT, "publish latency p99 %.0f ms >= %.0f ms", s.publishLatencyMsP99(), thresholds.publishLatencyMs()));
        }
        double fill = clampShare(s.sendBufferFill());
        if (fill >= thresholds.bufferFill()) {
            reasons.add(String.format(Locale.ROOT, "send buffer %.0f%% full", fill * 100));
        }
        if (s.udpKernelDrops() >= thresholds.udpKernelDrops() && s.udpKernelDrops() > 0) {
            // Datagrams the kernel threw away never reached us: heartbeats may be missing without any error of ours.
            reasons.add("kernel dropped " + s.udpKernelDrops() + " UDP datagrams in the last interval (receive buffer full)");
        }
        if (!s.kafkaReachable()) {
            reasons.add("kafka unreachable");
        }
        return new IngestHealth(reasons.isEmpty() ? IngestHealth.State.OK : IngestHealth.State.DEGRADED, reasons,
                open, budget, Math.max(0, s.acceptErrors()), Math.max(0, s.publishErrors()),
                Math.max(0, s.publishLatencyMsP99()), fill);
    }

    private static double clampShare(double v) {
        return Double.isNaN(v) ? 0.0 : Math.max(0.0, Math.min(1.0, v));
    }
}
