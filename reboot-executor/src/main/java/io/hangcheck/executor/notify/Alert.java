package io.hangcheck.executor.notify;

/**
 * Something people should know. Alerts with the same {@code group} go out in one message; the same
 * {@code key} within a group counts once (a repeated alert refreshes it).
 */
public record Alert(String group, String key, String text) {
}
