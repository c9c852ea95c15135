package io.hangcheck.executor.console;

import java.util.List;

/** What the console's templates show: plain values, formatted on the server. */
public final class Views {
    private Views() {
    }

    /** The frame around every page: who is signed in, the pause banner, a message after an action. */
    public record Frame(String title, String active, String role, String who, String csrf, boolean operator,
                        String flash, String error, boolean paused, String pauseText, String fleetMode, String fleetText) {
    }

    /** A label and a value (a definition list row). */
    public record Pair(String key, String value) {
    }

    /** A link: its text, where it goes, whether it is the current choice. */
    public record Link(String text, String href, boolean current) {
    }

    public record StateCount(String state, int count, String href, boolean current) {
    }

    public record EvaluatorLine(String id, String mode, List<String> reasons, int tracked, int silent, String at) {
    }

    public record HostRow(String hostId, String href, String state, String since, String lastSeen, String via,
                          String labels, String incident) {
    }

    /**
     * One unhealthy host group as one evaluator reports it ({@code FleetHealth.groups}).
     *
     * @param group  {@code key=value}, e.g. {@code rack=r12}
     * @param mode   DEGRADED or FROZEN
     * @param silent of {@code tracked}, the hosts down
     * @param since  how long ago its mode began
     * @param reason the evaluator's reason ({@code 8 of 8 silent (1.00 >= 0.50)})
     */
    public record GroupLine(String group, String mode, int silent, int tracked, String since, String evaluator, String reason) {
    }

    /**
     * The fleet page.
     *
     * @param groups          the unhealthy host groups every evaluator lists, FROZEN first, then by silent share
     * @param unlistedGroups  unhealthy groups the evaluators count but do not list (each lists its worst 20)
     */
    public record Fleet(List<StateCount> counts, int fleet, String mode, List<String> reasons, List<EvaluatorLine> evaluators,
                        List<GroupLine> groups, int unlistedGroups,
                        int quarantined, int silences, List<HostRow> rows, int matched, int page, int pages,
                        String prevHref, String nextHref, String state, String label, String q, String sort, boolean desc,
                        List<Link> sorts, List<String> states, int size) {
    }

    public record LedgerRowView(long id, String at, String hostId, String hostHref, String decision, String reason,
                                String sentence, String driver, int attempt, String incident, String detail) {
    }

    public record SilenceView(long id, String matcher, String until, String author, String reason) {
    }

    public record VerdictView(String asked, String decision, String reason, String sentence, String detail, boolean acts) {
    }

    public record Host(String hostId, String state, String stateSentence, List<Pair> facts, String evaluatorFailure,
                       List<Pair> evaluator, List<LedgerRowView> ledger, String driver, List<Pair> inventory,
                       boolean inInventory, List<SilenceView> silences, List<VerdictView> whatIf, String whatIfFailure,
                       boolean quarantined, String ledgerHref) {
    }

    public record NotificationView(long id, String at, String channel, String group, String subject, int alerts,
                                   String status, String error) {
    }

    public record AuditView(long id, String at, String actor, String role, String action, String target, String reason,
                            String outcome) {
    }

    public record Activity(List<LedgerRowView> ledger, String nextLedgerHref, List<NotificationView> notifications,
                           String nextNotificationsHref, List<AuditView> audit, List<SilenceView> silences,
                           String host, String decision, String reason, String channel, String status,
                           List<String> decisions, List<String> reasons, String failure) {
    }

    public record PeerLine(String peer, String name, int total, String byState) {
    }

    public record AlertView(String kind, String status, String openedAt, String summary, String peers, String forecast) {
    }

    public record Sockets(String failure, String node, String at, int total, int limit, String usage, List<Pair> byState,
                          List<PeerLine> peers, String forecast, String growth, String alertsFailure, List<AlertView> alerts) {
    }

    /** An action waiting for its confirmation: what will happen, and the fields to send again with confirm=yes. */
    public record Confirm(String heading, List<String> lines, List<VerdictView> whatIf, List<Pair> fields, String button,
                          boolean danger, String back) {
    }
}
