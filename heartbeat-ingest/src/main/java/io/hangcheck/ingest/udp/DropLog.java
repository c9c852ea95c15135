package io.hangcheck.ingest.udp;

import io.hangcheck.ingest.domain.RejectReason;
import org.jboss.logging.Logger;

import java.util.EnumMap;
import java.util.Map;

/**
 * Logs dropped datagrams without letting a flood of junk flood the log: the first drop of each reason is
 * logged at once, later ones at most once per period, with how many were dropped since.
 */
final class DropLog {

    private final Logger log;
    private final long periodNanos;
    private final Map<RejectReason, long[]> state = new EnumMap<>(RejectReason.class); // [lastLoggedNanos, suppressed]

    DropLog(Logger log, long periodMillis) {
        this.log = log;
        this.periodNanos = periodMillis * 1_000_000L;
    }

    synchronized void dropped(RejectReason reason, String detail) {
        long now = System.nanoTime();
        long[] s = state.computeIfAbsent(reason, r -> new long[]{now - periodNanos - 1, 0});
        if (now - s[0] > periodNanos) {
            log.warnf("UDP datagram dropped (%s): %s%s", reason.label(), detail,
                    s[1] > 0 ? " (+" + s[1] + " more since the last report)" : "");
            s[0] = now;
            s[1] = 0;
        } else {
            s[1]++;
        }
    }
}
