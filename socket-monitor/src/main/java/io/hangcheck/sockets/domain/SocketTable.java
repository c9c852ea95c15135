package io.hangcheck.sockets.domain;

import java.util.Arrays;

/**
 * The sockets of one scan, stored column by column in primitive arrays so that a 100,000-socket table costs
 * no object per socket. Addresses are 128-bit, network order, split in two longs; an IPv4 address is stored
 * as its IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}) so that an IPv4 peer and the same peer seen on a
 * dual-stack socket count as one peer. {@link #family(int)} keeps which file the line came from.
 */
public final class SocketTable {
    private int size;
    private byte[] family;
    private byte[] state;
    private int[] localPort;
    private int[] remotePort;
    private long[] localHi;
    private long[] localLo;
    private long[] remoteHi;
    private long[] remoteLo;
    private int[] uid;
    private long[] inode;
    /** Lines that could not be parsed (counted, never silently dropped). */
    private int rejected;

    public SocketTable() {
        this(1024);
    }

    public SocketTable(int capacity) {
        allocate(Math.max(16, capacity));
    }

    private void allocate(int n) {
        family = new byte[n];
        state = new byte[n];
        localPort = new int[n];
        remotePort = new int[n];
        localHi = new long[n];
        localLo = new long[n];
        remoteHi = new long[n];
        remoteLo = new long[n];
        uid = new int[n];
        inode = new long[n];
    }

    /** Empties the table, keeping its arrays for the next scan. */
    public void clear() {
        size = 0;
        rejected = 0;
    }

    void add(int fam, int st, long lHi, long lLo, int lPort, long rHi, long rLo, int rPort, int user, long ino) {
        if (size == state.length) {
            grow();
        }
        int i = size++;
        family[i] = (byte) fam;
        state[i] = (byte) st;
        localHi[i] = lHi;
        localLo[i] = lLo;
        localPort[i] = lPort;
        remoteHi[i] = rHi;
        remoteLo[i] = rLo;
        remotePort[i] = rPort;
        uid[i] = user;
        inode[i] = ino;
    }

    /** Appends the rows and the rejected-line count of {@code other} (the {@code tcp6} rows of a parallel read). */
    void append(SocketTable other) {
        int n = other.size;
        while (size + n > state.length) {
            grow();
        }
        System.arraycopy(other.family, 0, family, size, n);
        System.arraycopy(other.state, 0, state, size, n);
        System.arraycopy(other.localPort, 0, localPort, size, n);
        System.arraycopy(other.remotePort, 0, remotePort, size, n);
        System.arraycopy(other.localHi, 0, localHi, size, n);
        System.arraycopy(other.localLo, 0, localLo, size, n);
        System.arraycopy(other.remoteHi, 0, remoteHi, size, n);
        System.arraycopy(other.remoteLo, 0, remoteLo, size, n);
        System.arraycopy(other.uid, 0, uid, size, n);
        System.arraycopy(other.inode, 0, inode, size, n);
        size += n;
        rejected += other.rejected;
    }

    void reject() {
        rejected++;
    }

    private void grow() {
        int n = state.length * 2;
        family = Arrays.copyOf(family, n);
        state = Arrays.copyOf(state, n);
        localPort = Arrays.copyOf(localPort, n);
        remotePort = Arrays.copyOf(remotePort, n);
        localHi = Arrays.copyOf(localHi, n);
        localLo = Arrays.copyOf(localLo, n);
        remoteHi = Arrays.copyOf(remoteHi, n);
        remoteLo = Arrays.copyOf(remoteLo, n);
        uid = Arrays.copyOf(uid, n);
        inode = Arrays.copyOf(inode, n);
    }

    public int size() {
        return size;
    }

    /** Lines of the files that were not socket lines the parser understood. */
    public int rejected() {
        return rejected;
    }

    /** 4 for a line of {@code tcp}, 6 for a line of {@code tcp6}. */
    public int family(int i) {
        return family[i];
    }

    /** The kernel state code (see {@link TcpState#ofCode}). */
    public int stateCode(int i) {
        return state[i];
    }

    public TcpState state(int i) {
        return TcpState.ofCode(state[i]);
    }

    public int localPort(int i) {
        return localPort[i];
    }

    public int remotePort(int i) {
        return remotePort[i];
    }

    public long localHi(int i) {
        return localHi[i];
    }

    public long localLo(int i) {
        return localLo[i];
    }

    public long remoteHi(int i) {
        return remoteHi[i];
    }

    public long remoteLo(int i) {
        return remoteLo[i];
    }

    public int uid(int i) {
        return uid[i];
    }

    /** The socket's inode; 0 when no process holds it (TIME_WAIT, request sockets, orphaned sockets). */
    public long inode(int i) {
        return inode[i];
    }

    public String localAddress(int i) {
        return Addresses.format(localHi[i], localLo[i]);
    }

    public String remoteAddress(int i) {
        return Addresses.format(remoteHi[i], remoteLo[i]);
    }

    /** A new table with the sockets that match (e.g. the ones of one program's ports). */
    public SocketTable select(java.util.function.IntPredicate row) {
        SocketTable out = new SocketTable(Math.max(16, size / 4));
        for (int i = 0; i < size; i++) {
            if (row.test(i)) {
                out.add(family[i], state[i], localHi[i], localLo[i], localPort[i], remoteHi[i], remoteLo[i],
                        remotePort[i], uid[i], inode[i]);
            }
        }
        return out;
    }

    /** One socket as a value, for tests and logs (the hot paths read the columns). */
    public TcpSocket socket(int i) {
        return new TcpSocket(family[i], state(i), localAddress(i), localPort[i], remoteAddress(i), remotePort[i],
                uid[i], inode[i]);
    }

    /** A socket as a readable value. */
    public record TcpSocket(int family, TcpState state, String localAddress, int localPort,
                            String remoteAddress, int remotePort, int uid, long inode) {
    }
}
