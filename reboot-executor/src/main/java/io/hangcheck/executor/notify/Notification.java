package io.hangcheck.executor.notify;

import java.util.List;

/** One message about one group: a subject and the lines of its alerts. */
public record Notification(String group, String subject, List<String> lines, boolean repeat) {
    public Notification {
        lines = List.copyOf(lines);
    }

    public String body() {
        return String.join("\n", lines);
    }
}
