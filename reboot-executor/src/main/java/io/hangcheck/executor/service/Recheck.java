package io.hangcheck.executor.service;

import io.hangcheck.events.HostState;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.domain.Evidence;
import io.hangcheck.executor.domain.Situation;
import io.hangcheck.executor.metrics.ExecutorMetrics;
import io.hangcheck.executor.store.IncidentStanding;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The re-check of unanswered hangs (run every {@code recheck.interval} by the {@link Sweeper}). */
@ApplicationScoped
public class Recheck {
    private static final Logger LOG = Logger.getLogger(Recheck.class);

    @Inject
    Decider decider;
    @Inject
    HostStateView hostStates;
    @Inject
    Clock clock;
    @Inject
    ExecutorConfig config;
    @Inject
    ExecutorMetrics metrics;

    /**
     * Looks again at every host the evaluator still reports HUNG (its compacted state: the same evidence a HUNG
     * event is corroborated with; only records whose {@code ce_source} is the evaluator's) for at least
     * {@code recheck.after} since this executor first received that incident: an incident the ledger never saw (the
     * database was down when its HUNG came, so the event went to the DLQ) is decided now; one held or skipped
     * for a reason that can pass ({@link IncidentStanding#CAN_PASS}) goes through the whole chain again, caps
     * and buckets included. Nothing with an attempt is decided again. Returns the records written.
     */
    public List<RebootRecord> run() {
        Instant receivedBefore = clock.instant().minus(config.recheck().after());
        List<RebootRecord> out = new ArrayList<>();
        int due = 0;
        for (HostStateView.Seen seen : hostStates.hungSeen()) {
            HostState st = seen.state();
            // only an evaluator's record, HUNG for the re-check delay by our own receive time (its "since" may be forged)
            if (st.incidentId() == null || !seen.fromEvaluator() || seen.incidentReceivedAt().isAfter(receivedBefore)) {
                continue;
            }
            due++;
            Map<String, String> extra = Map.of("recheck", "true", "hungSince", st.since().toString(),
                    "receivedAt", seen.incidentReceivedAt().toString(), "evaluatorId", String.valueOf(st.evaluatorId()));
            Decider.Outcome o = decider.decide(new Decider.Request(st.incidentId(), st.hostId(), st.bootId(), st.labels(),
                    Situation.Origin.HUNG, Evidence.CORROBORATED, extra), true);
            for (RebootRecord r : o.records()) {
                LOG.infof("re-check of %s on %s: %s %s", r.incidentId(), r.hostId(), r.decision(), r.reason());
            }
            out.addAll(o.records());
        }
        metrics.recheckDueIncidents.observe(due);
        return out;
    }
}
