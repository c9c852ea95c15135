package io.hangcheck.executor.service;

import io.hangcheck.events.FleetMode;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootReason;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.domain.FleetStatus;
import io.hangcheck.executor.domain.FleetView;
import io.hangcheck.executor.domain.InventoryEntry;
import io.hangcheck.executor.domain.PauseState;
import io.hangcheck.executor.domain.ResetType;
import io.hangcheck.executor.store.ActionRow;
import io.hangcheck.executor.store.ClosedAs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * After a reset: the host's return with a new boot id confirms it (the same boot id: it recovered by itself); a host
 * that did not come back by its deadline gets the next reset type once (held while paused or FROZEN), then
 * quarantine; an attempt whose driver never answered is marked UNKNOWN after the outcome timeout.
 */
@ApplicationScoped
public class Confirmations {

    @Inject
    Ledger ledger;
    @Inject
    FleetView fleetView;
    @Inject
    Drivers drivers;
    @Inject
    AttemptRunner attempts;
    @Inject
    StartupRecovery recovery;
    @Inject
    Alerts alerts;
    @Inject
    Clock clock;
    @Inject
    ExecutorConfig config;

    /** A REBOOTED or RECOVERED event: confirms an executed reset when the boot id is new. */
    public List<RebootRecord> onReturn(LivenessEvent e) {
        if (e.type() != LivenessEventType.REBOOTED && e.type() != LivenessEventType.RECOVERED) {
            return List.of();
        }
        recovery.ensureRecovered();
        Instant now = clock.instant();
        List<RebootRecord> out = ledger.decide(tx -> {
            List<RebootRecord> records = new ArrayList<>();
            for (ActionRow a : tx.awaitingConfirmation(e.hostId())) {
                boolean newBoot = e.type() == LivenessEventType.REBOOTED
                        || (a.bootId() != null && !Objects.equals(a.bootId(), e.bootId()));
                Map<String, String> detail = new HashMap<>();
                detail.put("bootId", e.bootId());
                if (a.bootId() != null) {
                    detail.put("previousBootId", a.bootId());
                }
                detail.put("event", e.type().name());
                records.add(newBoot
                        ? tx.close(a, ClosedAs.CONFIRMED, RebootDecision.CONFIRMED, RebootReason.NEW_BOOT_SEEN, detail, now)
                        : tx.close(a, ClosedAs.RECOVERED_WITHOUT_REBOOT, RebootDecision.SKIPPED, RebootReason.RECOVERED_WITHOUT_REBOOT, detail, now));
            }
            return records;
        });
        out.forEach(alerts::counted);
        return out;
    }

    /** Escalates (once) or quarantines executed resets whose host did not come back in time. */
    public List<RebootRecord> sweep() {
        recovery.ensureRecovered();
        Instant now = clock.instant();
        recovery.markUnknown(now.minus(config.confirmation().outcomeTimeout()));
        FleetStatus fleet = fleetView.status();
        List<Attempt> toRun = new ArrayList<>();
        List<RebootRecord> records = ledger.decide(tx -> {
            List<RebootRecord> out = new ArrayList<>();
            PauseState pause = tx.pause();
            for (ActionRow a : tx.awaitingConfirmation(null)) {
                if (a.deadlineAt() == null || a.deadlineAt().isAfter(now)) {
                    continue;
                }
                Optional<ResetType> next = a.attempt() < 2 ? a.resetType().next() : Optional.empty();
                Optional<InventoryEntry> inv = tx.inventory(a.hostId());
                if (next.isPresent() && inv.isPresent() && inv.get().enabled()) {
                    if (pause.paused() || fleet.mode() == FleetMode.FROZEN) {
                        continue; // hold the escalation; looked at again on the next sweep
                    }
                    out.add(tx.close(a, ClosedAs.ESCALATED, RebootDecision.ESCALATED, RebootReason.BOOT_TIMEOUT,
                            Map.of("from", a.resetType().name(), "to", next.get().name(), "deadline", a.deadlineAt().toString()), now));
                    Attempt following = tx.recordIntent(a.incidentId(), a.hostId(), a.bootId(), a.attempt() + 1,
                            drivers.nameFor(inv.get()), next.get(), RebootReason.BOOT_TIMEOUT,
                            Map.of("resetType", next.get().name()), inv.get(), now);
                    out.add(following.intent());
                    toRun.add(following);
                } else {
                    boolean first = tx.quarantine(a.hostId(), RebootReason.BOOT_TIMEOUT, a.incidentId(), now);
                    out.add(tx.close(a, ClosedAs.QUARANTINED, first ? RebootDecision.QUARANTINED : RebootDecision.SKIPPED,
                            first ? RebootReason.BOOT_TIMEOUT : RebootReason.HOST_QUARANTINED,
                            Map.of("resetType", a.resetType().name(), "deadline", a.deadlineAt().toString()), now));
                }
            }
            return out;
        });
        for (RebootRecord r : records) {
            alerts.decided(r, fleet);
        }
        List<RebootRecord> all = new ArrayList<>(records);
        for (Attempt a : toRun) {
            all.addAll(attempts.run(a));
        }
        return all;
    }
}
