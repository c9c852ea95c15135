package io.hangcheck.sockets.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Follows the sockets in closing states ({@code FIN_WAIT1}, {@code FIN_WAIT2}, {@code CLOSE_WAIT},
 * {@code LAST_ACK}) from scan to scan and ages them.
 *
 * <p>Identity: a socket is its 4-tuple (local address and port, remote address and port), which the kernel
 * keeps unique among connected sockets; the inode, when non-zero, tells a reused tuple apart (same tuple,
 * another non-zero inode = another socket, age restarts). The tuple rather than the inode is the primary key
 * because the inode drops to 0 when the owning program closes its descriptor: an owned FIN_WAIT2 becoming
 * orphaned is the same socket and keeps its age. A change of state restarts the age (the socket is stuck in
 * the new state only from then on).
 *
 * <p>Ages are lower bounds: a socket is aged from the scan that first saw it in its state, so a monitor that
 * just started reports everything young.
 *
 * <p>Which side holds the leak: {@code CLOSE_WAIT} means the peer closed and the <em>local</em> program never
 * called close — the local process leaks. {@code FIN_WAIT2} means we closed (or shut down writing) and the
 * <em>peer</em> never sent its FIN; an orphaned one (inode 0) is reaped by the kernel after
 * {@code tcp_fin_timeout}, one still owned by a process (half-closed with shutdown) is not.
 */
public final class StuckTracker {
    private final List<Duration> bucketBounds;
    private final List<String> bucketLabels;
    private Map<Tuple, Seen> seen = new HashMap<>();

    /** @param bucketBounds upper bounds of the age buckets, ascending; a last {@code +Inf} bucket is implied */
    public StuckTracker(List<Duration> bucketBounds) {
        if (bucketBounds.isEmpty()) {
            throw new IllegalArgumentException("at least one age bucket bound is needed");
        }
        for (int i = 1; i < bucketBounds.size(); i++) {
            if (bucketBounds.get(i).compareTo(bucketBounds.get(i - 1)) <= 0) {
                throw new IllegalArgumentException("age bucket bounds must ascend: " + bucketBounds);
            }
        }
        this.bucketBounds = List.copyOf(bucketBounds);
        List<String> labels = new ArrayList<>();
        for (Duration d : bucketBounds) {
            labels.add(label(d));
        }
        labels.add("+Inf");
        this.bucketLabels = List.copyOf(labels);
    }

    /** Age bucket labels, ascending, the last one {@code +Inf}. */
    public List<String> bucketLabels() {
        return bucketLabels;
    }

    /** A short label for a bucket bound: {@code 30s}, {@code 1m}, {@code 10m}, {@code 1h}, {@code 1d}. */
    public static String label(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** Sockets being followed right now. */
    public int tracked() {
        return seen.size();
    }

    /**
     * Takes one scan.
     *
     * @param table      the scan
     * @param nowMillis  monitor clock at the scan
     * @param namedPeers peers counted by name (the aggregate's top K); others count under {@code other}
     * @param oldAfter   sockets at least this old count as "old" for alerting
     */
    public Result update(SocketTable table, long nowMillis, Set<String> namedPeers, Duration oldAfter) {
        Map<Tuple, Seen> next = new HashMap<>(Math.max(16, seen.size() * 2));
        // peer -> state -> bucket counts
        Map<String, Map<TcpState, int[]>> counts = new TreeMap<>();
        Map<String, Integer> oldByPeer = new HashMap<>();
        Map<TcpState, Integer> oldByState = new EnumMap<>(TcpState.class);
        int old = 0;
        int finWait2Owned = 0;
        int finWait2Orphaned = 0;
        Map<Integer, Integer> closeWaitByLocalPort = new TreeMap<>();
        Map<Integer, Integer> closeWaitByUid = new TreeMap<>();
        long oldMillis = oldAfter.toMillis();
        PairIndex peerIndex = new PairIndex(64); // each peer's address is formatted once per scan
        String[] peerNames = new String[64];
        for (int i = 0, n = table.size(); i < n; i++) {
            TcpState st = table.state(i);
            if (!st.isStuckCandidate()) {
                continue;
            }
            Tuple t = new Tuple(table.localHi(i), table.localLo(i), table.localPort(i), table.remoteHi(i),
                    table.remoteLo(i), table.remotePort(i));
            long inode = table.inode(i);
            Seen prev = seen.get(t);
            long since = nowMillis;
            if (prev != null && prev.state == st && !(prev.inode != 0 && inode != 0 && prev.inode != inode)) {
                since = prev.sinceMillis;
            }
            next.put(t, new Seen(st, inode, since));
            long age = nowMillis - since;
            int slot = peerIndex.slotOf(t.rHi, t.rLo);
            if (slot == peerNames.length) {
                peerNames = java.util.Arrays.copyOf(peerNames, slot * 2);
            }
            String addr = peerNames[slot];
            if (addr == null) {
                addr = Addresses.format(t.rHi, t.rLo);
                peerNames[slot] = addr;
            }
            String peer = namedPeers.contains(addr) ? addr : TableAggregate.OTHER;
            counts.computeIfAbsent(peer, k -> new EnumMap<>(TcpState.class))
                    .computeIfAbsent(st, k -> new int[bucketLabels.size()])[bucket(age)]++;
            if (st == TcpState.FIN_WAIT2) {
                if (inode == 0) {
                    finWait2Orphaned++;
                } else {
                    finWait2Owned++;
                }
            }
            if (st == TcpState.CLOSE_WAIT) {
                closeWaitByLocalPort.merge(table.localPort(i), 1, Integer::sum);
                closeWaitByUid.merge(table.uid(i), 1, Integer::sum);
            }
            if (age >= oldMillis) {
                old++;
                oldByPeer.merge(addr, 1, Integer::sum);
                oldByState.merge(st, 1, Integer::sum);
            }
        }
        seen = next;
        List<Bucket> buckets = new ArrayList<>();
        counts.forEach((peer, byState) -> byState.forEach((st, c) -> {
            for (int b = 0; b < c.length; b++) {
                if (c[b] > 0) {
                    buckets.add(new Bucket(peer, st, bucketLabels.get(b), c[b]));
                }
            }
        }));
        return new Result(List.copyOf(buckets), old, Map.copyOf(oldByPeer), oldByState, finWait2Owned,
                finWait2Orphaned, closeWaitByLocalPort, closeWaitByUid);
    }

    private int bucket(long ageMillis) {
        for (int b = 0; b < bucketBounds.size(); b++) {
            if (ageMillis <= bucketBounds.get(b).toMillis()) {
                return b;
            }
        }
        return bucketBounds.size();
    }

    private record Tuple(long lHi, long lLo, int lPort, long rHi, long rLo, int rPort) {
    }

    private record Seen(TcpState state, long inode, long sinceMillis) {
    }

    /** Stuck sockets of one peer (or {@code other}) in one state within one age bucket (upper bound, or +Inf). */
    public record Bucket(String peer, TcpState state, String ageBucket, int count) {
    }

    /**
     * @param buckets            per peer × state × age bucket (non-cumulative: each socket in exactly one bucket)
     * @param old                sockets in closing states at least {@code oldAfter} old
     * @param oldByPeer          those, per peer address (every peer, not only the top K)
     * @param oldByState         those, per state
     * @param finWait2Owned      FIN_WAIT2 sockets a process still holds (no kernel bound)
     * @param finWait2Orphaned   FIN_WAIT2 sockets no process holds (bounded by {@code tcp_fin_timeout})
     * @param closeWaitByLocalPort CLOSE_WAIT sockets per local port (the local program that never closed)
     * @param closeWaitByUid     CLOSE_WAIT sockets per owning uid
     */
    public record Result(List<Bucket> buckets, int old, Map<String, Integer> oldByPeer,
                         Map<TcpState, Integer> oldByState, int finWait2Owned, int finWait2Orphaned,
                         Map<Integer, Integer> closeWaitByLocalPort, Map<Integer, Integer> closeWaitByUid) {
    }
}
