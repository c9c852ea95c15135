package io.hangcheck.evaluator.domain;

/**
 * How an evaluator instance shares its host counts per group with the other instances (topic
 * {@code hangcheck.groups.v1}) and treats theirs ({@link FleetAggregator}).
 *
 * @param publishMax    at most this many groups in one published record (groups with down hosts first); the rest
 *                      are counted as omitted, and peers treat this instance's share of them as unknown
 * @param staleAfterMs  a peer's counts older than this are in doubt: its groups are judged on the most cautious view
 * @param expireAfterMs a peer's counts older than this are dropped (its partitions have long been taken over); they
 *                      are dropped earlier once every partition it listed is held here or by a fresher peer
 */
public record PeerSettings(int publishMax, long staleAfterMs, long expireAfterMs) {

    public PeerSettings {
        if (publishMax < 1 || publishMax > io.hangcheck.events.GroupCounts.GROUPS_MAX) {
            throw new IllegalArgumentException("groups.publish-max must be within [1, "
                    + io.hangcheck.events.GroupCounts.GROUPS_MAX + "], got " + publishMax);
        }
        if (staleAfterMs <= 0 || expireAfterMs < staleAfterMs) {
            throw new IllegalArgumentException("groups: need 0 < peer-stale-after <= peer-expire-after");
        }
    }

    /** The documented defaults: 10,000 groups, 30 s, 10 min. */
    public static PeerSettings defaults() {
        return new PeerSettings(10_000, 30_000, 600_000);
    }
}
