package io.hangcheck.sockets.domain;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which sockets count against which budget: each budget counts what really runs out (README, "Budgets").
 * <ul>
 *   <li><b>held</b> (the table's and each listener port's budget): a socket that holds a connection slot or a
 *       file descriptor. Not TIME_WAIT (no descriptor, no connection: the kernel keeps a small timewait record
 *       for 60 s), not a request socket (SYN_RECV: bounded by the listen backlog, not accepted yet), not an
 *       orphan;</li>
 *   <li><b>orphan</b>: a closing socket whose owner already closed its descriptor (inode 0 in FIN_WAIT1,
 *       FIN_WAIT2, CLOSING, LAST_ACK): it counts against the kernel-wide {@code tcp_max_orphans} only;</li>
 *   <li><b>ephemeral</b>: every socket of an outgoing connection (its local port is not a listener), TIME_WAIT
 *       included — a client's TIME_WAIT keeps its local port for 60 s, so the local port range runs out per
 *       destination (address and port) on the side that connects.</li>
 * </ul>
 */
public final class BudgetModel {
    private BudgetModel() {
    }

    /** A closing socket no process owns any more (its descriptor was closed): an orphan. */
    public static boolean orphaned(int stateCode, long inode) {
        return inode == 0 && (stateCode == TcpState.FIN_WAIT1.code() || stateCode == TcpState.FIN_WAIT2.code()
                || stateCode == TcpState.CLOSING.code() || stateCode == TcpState.LAST_ACK.code());
    }

    /** Holds a connection slot or a descriptor: not TIME_WAIT, not a request socket, not an orphan. */
    public static boolean holds(int stateCode, long inode) {
        return stateCode != TcpState.TIME_WAIT.code() && stateCode != TcpState.SYN_RECV.code()
                && stateCode != TcpState.NEW_SYN_RECV.code() && !orphaned(stateCode, inode);
    }

    /** A destination of outgoing connections with its sockets (TIME_WAIT included) per state. */
    public record Destination(String peer, int port, int used, Map<TcpState, Integer> byState) {
    }

    /**
     * One table under the model.
     *
     * @param held          sockets holding a connection or a descriptor (LISTEN included: it is a descriptor)
     * @param heldByState   those, per state (only states present)
     * @param heldByPeer    those, per remote peer (LISTEN has none)
     * @param orphans       orphaned closing sockets
     * @param orphansByState per state
     * @param orphansByPeer per peer
     * @param busiest       the destination using the most local ports, or null when there is no outgoing socket
     */
    public record Counts(int held, Map<TcpState, Integer> heldByState, Map<String, Integer> heldByPeer, int orphans,
                         Map<TcpState, Integer> orphansByState, Map<String, Integer> orphansByPeer,
                         Destination busiest) {
    }

    /** Counts a table; a local port is a listener's when a LISTEN socket has it or it is in {@code watched}. */
    public static Counts count(SocketTable t, Set<Integer> watched) {
        int n = t.size();
        boolean[] listener = new boolean[65536];
        for (int p : watched) {
            if (p >= 0 && p < 65536) {
                listener[p] = true;
            }
        }
        for (int i = 0; i < n; i++) {
            if (t.stateCode(i) == TcpState.LISTEN.code()) {
                listener[t.localPort(i)] = true;
            }
        }
        int[] heldStates = new int[TcpState.CODES];
        int[] orphanStates = new int[TcpState.CODES];
        PairIndex peers = new PairIndex(256);
        int[] heldPeer = new int[256];
        int[] orphanPeer = new int[256];
        PairIndex destinations = new PairIndex(64); // (peer slot, remote port)
        int[] destStates = new int[64 * TcpState.CODES];
        int held = 0;
        int orphans = 0;
        for (int i = 0; i < n; i++) {
            int st = t.stateCode(i);
            boolean listen = st == TcpState.LISTEN.code();
            int peer = listen ? -1 : peers.slotOf(t.remoteHi(i), t.remoteLo(i));
            if (peer >= heldPeer.length) {
                heldPeer = Arrays.copyOf(heldPeer, heldPeer.length * 2);
                orphanPeer = Arrays.copyOf(orphanPeer, orphanPeer.length * 2);
            }
            if (orphaned(st, t.inode(i))) {
                orphans++;
                orphanStates[st]++;
                orphanPeer[peer]++;
            } else if (holds(st, t.inode(i))) {
                held++;
                heldStates[st]++;
                if (peer >= 0) {
                    heldPeer[peer]++;
                }
            }
            if (!listen && !listener[t.localPort(i)]) {
                int d = destinations.slotOf(peer, t.remotePort(i));
                if ((d + 1) * TcpState.CODES > destStates.length) {
                    destStates = Arrays.copyOf(destStates, destStates.length * 2);
                }
                destStates[d * TcpState.CODES + st]++;
            }
        }
        Map<String, Integer> heldByPeer = new HashMap<>();
        Map<String, Integer> orphansByPeer = new HashMap<>();
        for (int s = 0; s < peers.size(); s++) {
            if (heldPeer[s] > 0 || orphanPeer[s] > 0) {
                String key = Addresses.format(peers.keyHi(s), peers.keyLo(s));
                if (heldPeer[s] > 0) {
                    heldByPeer.put(key, heldPeer[s]);
                }
                if (orphanPeer[s] > 0) {
                    orphansByPeer.put(key, orphanPeer[s]);
                }
            }
        }
        int bestSlot = -1;
        int best = 0;
        for (int d = 0; d < destinations.size(); d++) {
            int used = 0;
            for (int st = 0; st < TcpState.CODES; st++) {
                used += destStates[d * TcpState.CODES + st];
            }
            if (used > best) {
                best = used;
                bestSlot = d;
            }
        }
        Destination busiest = null;
        if (bestSlot >= 0) {
            int p = (int) destinations.keyHi(bestSlot);
            busiest = new Destination(Addresses.format(peers.keyHi(p), peers.keyLo(p)),
                    (int) destinations.keyLo(bestSlot), best, states(destStates, bestSlot * TcpState.CODES));
        }
        return new Counts(held, states(heldStates, 0), heldByPeer, orphans, states(orphanStates, 0), orphansByPeer,
                busiest);
    }

    private static Map<TcpState, Integer> states(int[] counts, int off) {
        Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
        for (TcpState s : TcpState.values()) {
            if (counts[off + s.code()] > 0) {
                m.put(s, counts[off + s.code()]);
            }
        }
        return m;
    }
}
