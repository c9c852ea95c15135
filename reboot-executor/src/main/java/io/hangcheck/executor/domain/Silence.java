package io.hangcheck.executor.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A silence: no automatic reboot of the matching hosts between {@code startsAt} (inclusive) and
 * {@code endsAt} (exclusive). Matches one host ({@code hostId}) or every host with label
 * {@code labelKey=labelValue}.
 */
public record Silence(long id, String hostId, String labelKey, String labelValue,
                      Instant startsAt, Instant endsAt, String author, String reason, Instant createdAt) {

    public boolean activeAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    public boolean matches(String host, Map<String, String> labels, Instant now) {
        if (!activeAt(now)) {
            return false;
        }
        if (hostId != null) {
            return hostId.equals(host);
        }
        return labelKey != null && labels != null && labelValue != null && labelValue.equals(labels.get(labelKey));
    }
}
