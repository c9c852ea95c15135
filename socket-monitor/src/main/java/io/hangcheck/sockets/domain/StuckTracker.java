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
    /** The followed states by kernel code: their index 0-3 (in {@link TcpState} order), -1 for the others. */
    private static final int[] FOLLOWED = new int[TcpState.CODES];
    private static final TcpState[] FOLLOWED_STATES = {TcpState.FIN_WAIT1, TcpState.FIN_WAIT2, TcpState.CLOSE_WAIT,
            TcpState.LAST_ACK};

    static {
        java.util.Arrays.fill(FOLLOWED, -1);
        for (int k = 0; k < FOLLOWED_STATES.length; k++) {
            FOLLOWED[FOLLOWED_STATES[k].code()] = k;
        }
    }

    private final long[] boundMillis;
    private final List<String> bucketLabels;
    /** The sockets followed since the last scan, and the table the next scan fills (swapped after each scan). */
    private TupleTable seen = new TupleTable(64);
    private TupleTable next = new TupleTable(64);
    /** CLOSE_WAIT sockets per local port during a scan (reset after it), and the ports touched. */
    private final int[] closeWaitPerPort = new int[65536];
    private int[] touchedPorts = new int[64];
    private int[] closeWaitUids = new int[64];

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
        this.boundMillis = bucketBounds.stream().mapToLong(Duration::toMillis).toArray();
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
     * Takes one scan. Nothing is allocated per socket: the followed sockets live in primitive open-addressing
     * tables reused from scan to scan, and the counts in int arrays per peer; maps are built per peer at the end.
     *
     * @param table      the scan
     * @param nowMillis  monitor clock at the scan
     * @param namedPeers peers counted by name (the aggregate's top K); others count under {@code other}
     * @param oldAfter   sockets at least this old count as "old" for alerting
     */
    public Result update(SocketTable table, long nowMillis, Set<String> namedPeers, Duration oldAfter) {
        TupleTable prev = seen;
        TupleTable now = next;
        now.clear(prev.size());
        int nb = bucketLabels.size();
        int perPeer = FOLLOWED_STATES.length * nb;
        PairIndex peerIndex = new PairIndex(64); // each peer's address is formatted once per scan
        int[] counts = new int[64 * perPeer]; // peer slot x followed state x age bucket
        int[] oldPerPeer = new int[64];
        int[] oldPerState = new int[TcpState.CODES];
        int old = 0;
        int finWait2Owned = 0;
        int finWait2Orphaned = 0;
        int ports = 0;
        int uids = 0;
        long oldMillis = oldAfter.toMillis();
        for (int i = 0, n = table.size(); i < n; i++) {
            int code = table.stateCode(i);
            int k = FOLLOWED[code];
            if (k < 0) {
                continue;
            }
            long lHi = table.localHi(i);
            long lLo = table.localLo(i);
            long rHi = table.remoteHi(i);
            long rLo = table.remoteLo(i);
            int lPort = table.localPort(i);
            int tuplePorts = lPort << 16 | table.remotePort(i);
            long inode = table.inode(i);
            int e = prev.find(lHi, lLo, rHi, rLo, tuplePorts);
            long since = nowMillis;
            if (e >= 0 && prev.state(e) == code && !(prev.inode(e) != 0 && inode != 0 && prev.inode(e) != inode)) {
                since = prev.since(e);
            }
            now.put(lHi, lLo, rHi, rLo, tuplePorts, code, inode, since);
            long age = nowMillis - since;
            int slot = peerIndex.slotOf(rHi, rLo);
            if (slot == oldPerPeer.length) {
                oldPerPeer = java.util.Arrays.copyOf(oldPerPeer, slot * 2);
                counts = java.util.Arrays.copyOf(counts, slot * 2 * perPeer);
            }
            counts[slot * perPeer + k * nb + bucket(age)]++;
            if (code == TcpState.FIN_WAIT2.code()) {
                if (inode == 0) {
                    finWait2Orphaned++;
                } else {
                    finWait2Owned++;
                }
            }
            if (code == TcpState.CLOSE_WAIT.code()) {
                if (closeWaitPerPort[lPort]++ == 0) {
                    if (ports == touchedPorts.length) {
                        touchedPorts = java.util.Arrays.copyOf(touchedPorts, ports * 2);
                    }
                    touchedPorts[ports++] = lPort;
                }
                if (uids == closeWaitUids.length) {
                    closeWaitUids = java.util.Arrays.copyOf(closeWaitUids, uids * 2);
                }
                closeWaitUids[uids++] = table.uid(i);
            }
            if (age >= oldMillis) {
                old++;
                oldPerPeer[slot]++;
                oldPerState[code]++;
            }
        }
        seen = now;
        next = prev;

        // per peer: the named ones by address, the rest summed under "other"; sorted by peer, then state, then age
        Map<String, int[]> byPeer = new TreeMap<>();
        Map<String, Integer> oldByPeer = new HashMap<>();
        for (int slot = 0; slot < peerIndex.size(); slot++) {
            String addr = Addresses.format(peerIndex.keyHi(slot), peerIndex.keyLo(slot));
            int[] sum = byPeer.computeIfAbsent(namedPeers.contains(addr) ? addr : TableAggregate.OTHER,
                    p -> new int[perPeer]);
            for (int c = 0; c < perPeer; c++) {
                sum[c] += counts[slot * perPeer + c];
            }
            if (oldPerPeer[slot] > 0) {
                oldByPeer.put(addr, oldPerPeer[slot]);
            }
        }
        List<Bucket> buckets = new ArrayList<>();
        byPeer.forEach((peer, sum) -> {
            for (int s = 0; s < FOLLOWED_STATES.length; s++) {
                for (int b = 0; b < nb; b++) {
                    if (sum[s * nb + b] > 0) {
                        buckets.add(new Bucket(peer, FOLLOWED_STATES[s], bucketLabels.get(b), sum[s * nb + b]));
                    }
                }
            }
        });
        Map<TcpState, Integer> oldByState = new EnumMap<>(TcpState.class);
        for (TcpState s : FOLLOWED_STATES) {
            if (oldPerState[s.code()] > 0) {
                oldByState.put(s, oldPerState[s.code()]);
            }
        }
        Map<Integer, Integer> closeWaitByLocalPort = new TreeMap<>();
        for (int p = 0; p < ports; p++) {
            closeWaitByLocalPort.put(touchedPorts[p], closeWaitPerPort[touchedPorts[p]]);
            closeWaitPerPort[touchedPorts[p]] = 0;
        }
        Map<Integer, Integer> closeWaitByUid = new TreeMap<>();
        java.util.Arrays.sort(closeWaitUids, 0, uids);
        for (int u = 0; u < uids; ) {
            int v = closeWaitUids[u];
            int run = u;
            while (run < uids && closeWaitUids[run] == v) {
                run++;
            }
            closeWaitByUid.put(v, run - u);
            u = run;
        }
        return new Result(List.copyOf(buckets), old, Map.copyOf(oldByPeer), oldByState, finWait2Owned,
                finWait2Orphaned, closeWaitByLocalPort, closeWaitByUid);
    }

    private int bucket(long ageMillis) {
        for (int b = 0; b < boundMillis.length; b++) {
            if (ageMillis <= boundMillis[b]) {
                return b;
            }
        }
        return boundMillis.length;
    }

    /**
     * The followed sockets keyed by 4-tuple (two 128-bit addresses, the two ports in one int), with their state,
     * inode and first-seen time, in primitive columns and an open-addressing index: no object per socket.
     */
    private static final class TupleTable {
        private long[] lHi;
        private long[] lLo;
        private long[] rHi;
        private long[] rLo;
        private int[] ports;
        private byte[] state;
        private long[] inode;
        private long[] since;
        private int size;
        /** Entry number + 1 per hash slot, 0 when free. */
        private int[] index;

        TupleTable(int capacity) {
            allocate(Math.max(16, capacity));
        }

        private void allocate(int entries) {
            lHi = new long[entries];
            lLo = new long[entries];
            rHi = new long[entries];
            rLo = new long[entries];
            ports = new int[entries];
            state = new byte[entries];
            inode = new long[entries];
            since = new long[entries];
            index = new int[Integer.highestOneBit(entries - 1) << 2]; // at most half full
        }

        int size() {
            return size;
        }

        int state(int e) {
            return state[e];
        }

        long inode(int e) {
            return inode[e];
        }

        long since(int e) {
            return since[e];
        }

        /** Empties the table, sized for about {@code expected} entries. */
        void clear(int expected) {
            size = 0;
            if (expected > lHi.length) {
                allocate(Integer.highestOneBit(expected) << 1);
            } else {
                java.util.Arrays.fill(index, 0);
            }
        }

        /** The entry of the tuple, or -1. */
        int find(long a, long b, long c, long d, int p) {
            int mask = index.length - 1;
            for (int h = hash(a, b, c, d, p) & mask; ; h = (h + 1) & mask) {
                int e = index[h] - 1;
                if (e < 0) {
                    return -1;
                }
                if (lLo[e] == b && rLo[e] == d && ports[e] == p && lHi[e] == a && rHi[e] == c) {
                    return e;
                }
            }
        }

        /** Adds the tuple, or overwrites its entry if it is there already (one probe sequence either way). */
        void put(long a, long b, long c, long d, int p, int st, long ino, long first) {
            if (size == lHi.length) {
                grow();
            }
            int mask = index.length - 1;
            int h = hash(a, b, c, d, p) & mask;
            int e;
            while (true) {
                e = index[h] - 1;
                if (e < 0) {
                    e = size++;
                    lHi[e] = a;
                    lLo[e] = b;
                    rHi[e] = c;
                    rLo[e] = d;
                    ports[e] = p;
                    index[h] = e + 1;
                    break;
                }
                if (lLo[e] == b && rLo[e] == d && ports[e] == p && lHi[e] == a && rHi[e] == c) {
                    break;
                }
                h = (h + 1) & mask;
            }
            state[e] = (byte) st;
            inode[e] = ino;
            since[e] = first;
        }

        private void link(int e) {
            int mask = index.length - 1;
            int h = hash(lHi[e], lLo[e], rHi[e], rLo[e], ports[e]) & mask;
            while (index[h] != 0) {
                h = (h + 1) & mask;
            }
            index[h] = e + 1;
        }

        private void grow() {
            int n = lHi.length * 2;
            lHi = java.util.Arrays.copyOf(lHi, n);
            lLo = java.util.Arrays.copyOf(lLo, n);
            rHi = java.util.Arrays.copyOf(rHi, n);
            rLo = java.util.Arrays.copyOf(rLo, n);
            ports = java.util.Arrays.copyOf(ports, n);
            state = java.util.Arrays.copyOf(state, n);
            inode = java.util.Arrays.copyOf(inode, n);
            since = java.util.Arrays.copyOf(since, n);
            index = new int[index.length * 2];
            for (int e = 0; e < size; e++) {
                link(e);
            }
        }

        private static int hash(long a, long b, long c, long d, int p) {
            long x = (a * 0x9E3779B97F4A7C15L ^ b) * 0xBF58476D1CE4E5B9L;
            x = (x ^ c ^ Long.rotateLeft(d, 29) ^ p) * 0x94D049BB133111EBL;
            return (int) (x ^ (x >>> 31) ^ (x >>> 17));
        }
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
