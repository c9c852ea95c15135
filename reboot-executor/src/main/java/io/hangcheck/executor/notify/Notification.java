package io.hangcheck.executor.notify;

import java.util.ArrayList;
import java.util.List;

/**
 * One message about one group: a subject, the lines of its active alerts and the lines of alerts resolved
 * since the group's last message. {@link #firing()} is false for a message that only says "resolved".
 */
public record Notification(String group, String subject, List<String> lines, List<String> resolved, boolean repeat) {
    public Notification {
        lines = List.copyOf(lines);
        resolved = List.copyOf(resolved);
    }

    /** True when the group still has an active alert (false: a resolved-only message). */
    public boolean firing() {
        return !lines.isEmpty();
    }

    public String body() {
        List<String> all = new ArrayList<>(lines);
        for (String r : resolved) {
            all.add("RESOLVED: " + r);
        }
        return String.join("\n", all);
    }
}
