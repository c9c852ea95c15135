package io.hangcheck.evaluator.domain;

import io.hangcheck.events.LivenessEventType;

import java.util.List;

/**
 * The result of applying one input to one host.
 *
 * @param next           the host's record afterwards, or null when nothing changed (e.g. a duplicate)
 * @param event          the transition to publish, or null
 * @param reasons        why (for HELD: the doubts)
 * @param phi            φ when it was computed, else null
 * @param silentMs       silence (partition time since the last heartbeat) at the decision
 * @param previousBootId for REBOOTED, the boot id before
 * @param previousSeq    for RECOVERED/REBOOTED, the last sequence number before this heartbeat (incident id)
 * @param publishState   the state topic should get the new record (status, boot, via or labels changed)
 * @param ignored        why an input was ignored (counted), or null
 * @param anomaly        what was odd about an accepted heartbeat (counted and logged), or null
 */
public record Outcome(HostRecord next, LivenessEventType event, List<String> reasons, Double phi, long silentMs,
                      String previousBootId, long previousSeq, boolean publishState, Ignored ignored,
                      Anomaly anomaly) {

    public static Outcome ignored(Ignored why) {
        return new Outcome(null, null, List.of(), null, 0, null, -1, false, why, null);
    }

    public static Outcome nothing(Double phi, long silentMs) {
        return new Outcome(null, null, List.of(), phi, silentMs, null, -1, false, null, null);
    }

    /** A change of the host's record with an optional event. */
    static Outcome change(HostRecord next, LivenessEventType event, List<String> reasons, Double phi, long silentMs) {
        return new Outcome(next, event, reasons, phi, silentMs, null, -1, true, null, null);
    }

    public boolean changed() {
        return next != null;
    }
}
