package io.hangcheck.sockets.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scan counted three ways: by state; by remote peer × state (the top-K peers, the rest summed into
 * {@code other}); by local port × state, where a socket counts under its local port when that port is one of
 * this machine's listeners (or a watched port) and under {@code other} otherwise (the ephemeral ports of
 * outgoing connections), top-K again. Label cardinality is therefore at most K+1 peers and K+1 ports.
 *
 * @param total      sockets in the table
 * @param byState    per state, every state present (zeros included)
 * @param peers      top-K peers by total, largest first; peers are addresses (ports are not part of a peer)
 * @param otherPeers sockets of all remaining peers, by state (null when none)
 * @param ports      top-K local ports by total, largest first
 * @param otherPorts sockets on all other local ports, by state (null when none)
 * @param peerTotals every peer's total this scan, bounded by the table itself
 * @param peerTotalsWithoutTimeWait every peer's sockets outside TIME_WAIT (peers with none are left out): the
 *                   figures a leak's growth is measured on, since TIME_WAIT is a fixed 60 s state (short-lived
 *                   traffic), never a leak
 */
public record TableAggregate(int total, Map<TcpState, Integer> byState, List<Group> peers, Group otherPeers,
                             List<Group> ports, Group otherPorts, Map<String, Integer> peerTotals,
                             Map<String, Integer> peerTotalsWithoutTimeWait) {

    /** The name used for the bucket of everything beyond the top K. */
    public static final String OTHER = "other";

    /** A peer (address) or a local port with its counts by state. */
    public record Group(String key, long hi, long lo, int total, Map<TcpState, Integer> byState) {
        public int count(TcpState s) {
            return byState.getOrDefault(s, 0);
        }
    }

    public int count(TcpState s) {
        return byState.getOrDefault(s, 0);
    }

    /**
     * Counts a table.
     *
     * @param table        the scan
     * @param topPeers     K for peers
     * @param topPorts     K for ports
     * @param watchedPorts local ports always counted by name (besides listeners)
     */
    public static TableAggregate of(SocketTable table, int topPeers, int topPorts, Set<Integer> watchedPorts) {
        int n = table.size();
        int[] states = new int[TcpState.CODES];
        boolean[] listener = new boolean[65536];
        for (int p : watchedPorts) {
            if (p >= 0 && p < 65536) {
                listener[p] = true;
            }
        }
        for (int i = 0; i < n; i++) {
            int st = table.stateCode(i);
            states[st]++;
            if (st == TcpState.LISTEN.code()) {
                listener[table.localPort(i)] = true;
            }
        }
        PairIndex peerIndex = new PairIndex(256);
        int[] peerCounts = new int[256 * TcpState.CODES];
        int[] portCounts = new int[64 * TcpState.CODES];
        int[] otherPort = new int[TcpState.CODES];
        boolean anyOtherPort = false;
        // Ports are counted in a sparse way: a per-port slot assigned on first use.
        int[] portSlot = new int[65536];
        Arrays.fill(portSlot, -1);
        int[] slotPort = new int[64];
        int portSlots = 0;
        for (int i = 0; i < n; i++) {
            int st = table.stateCode(i);
            if (TcpState.ofCode(st).hasPeer()) {
                int s = peerIndex.slotOf(table.remoteHi(i), table.remoteLo(i));
                if ((s + 1) * TcpState.CODES > peerCounts.length) {
                    peerCounts = Arrays.copyOf(peerCounts, peerCounts.length * 2);
                }
                peerCounts[s * TcpState.CODES + st]++;
            }
            int lp = table.localPort(i);
            if (listener[lp]) {
                int s = portSlot[lp];
                if (s < 0) {
                    s = portSlots++;
                    portSlot[lp] = s;
                    if (s == slotPort.length) {
                        slotPort = Arrays.copyOf(slotPort, s * 2);
                    }
                    slotPort[s] = lp;
                    if ((s + 1) * TcpState.CODES > portCounts.length) {
                        portCounts = Arrays.copyOf(portCounts, portCounts.length * 2);
                    }
                }
                portCounts[s * TcpState.CODES + st]++;
            } else {
                otherPort[st]++;
                anyOtherPort = true;
            }
        }

        Map<String, Integer> peerTotals = new java.util.HashMap<>(peerIndex.size() * 2);
        Map<String, Integer> withoutTimeWait = new java.util.HashMap<>(peerIndex.size() * 2);
        List<Group> allPeers = new ArrayList<>(peerIndex.size());
        for (int s = 0; s < peerIndex.size(); s++) {
            long h = peerIndex.keyHi(s);
            long l = peerIndex.keyLo(s);
            String key = Addresses.format(h, l);
            Group g = group(key, h, l, peerCounts, s * TcpState.CODES);
            peerTotals.put(key, g.total());
            int live = g.total() - g.count(TcpState.TIME_WAIT);
            if (live > 0) {
                withoutTimeWait.put(key, live);
            }
            allPeers.add(g);
        }
        List<Group> allPorts = new ArrayList<>(portSlots);
        for (int s = 0; s < portSlots; s++) {
            allPorts.add(group(Integer.toString(slotPort[s]), 0, slotPort[s], portCounts, s * TcpState.CODES));
        }
        Comparator<Group> largestFirst = Comparator.comparingInt(Group::total).reversed().thenComparing(Group::key);
        allPeers.sort(largestFirst);
        allPorts.sort(largestFirst);

        List<Group> peers = allPeers.subList(0, Math.min(topPeers, allPeers.size()));
        Group otherPeers = merge(allPeers.subList(peers.size(), allPeers.size()), null);
        List<Group> ports = allPorts.subList(0, Math.min(topPorts, allPorts.size()));
        Group otherPorts = merge(allPorts.subList(ports.size(), allPorts.size()),
                anyOtherPort ? group(OTHER, 0, 0, otherPort, 0) : null);

        return new TableAggregate(n, stateMap(states, 0), List.copyOf(peers), otherPeers, List.copyOf(ports),
                otherPorts, peerTotals, withoutTimeWait);
    }

    private static Group group(String key, long h, long l, int[] counts, int off) {
        int total = 0;
        for (int st = 1; st < TcpState.CODES; st++) {
            total += counts[off + st];
        }
        return new Group(key, h, l, total, sparseStateMap(counts, off));
    }

    private static Group merge(List<Group> groups, Group seed) {
        if (groups.isEmpty()) {
            return seed;
        }
        int[] sum = new int[TcpState.CODES];
        if (seed != null) {
            seed.byState().forEach((s, c) -> sum[s.code()] += c);
        }
        for (Group g : groups) {
            g.byState().forEach((s, c) -> sum[s.code()] += c);
        }
        return group(OTHER, 0, 0, sum, 0);
    }

    /** Every state, zeros included. */
    private static Map<TcpState, Integer> stateMap(int[] counts, int off) {
        Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
        for (TcpState s : TcpState.values()) {
            m.put(s, counts[off + s.code()]);
        }
        return m;
    }

    /** Only the states with sockets. */
    private static Map<TcpState, Integer> sparseStateMap(int[] counts, int off) {
        Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
        for (TcpState s : TcpState.values()) {
            int c = counts[off + s.code()];
            if (c > 0) {
                m.put(s, c);
            }
        }
        return m;
    }
}
