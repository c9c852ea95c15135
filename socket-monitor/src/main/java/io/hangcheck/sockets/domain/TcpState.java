package io.hangcheck.sockets.domain;

/**
 * The kernel's TCP states by the code {@code /proc/net/tcp} prints in its {@code st} column
 * ({@code include/net/tcp_states.h}), with the name {@code ss} prints for each.
 *
 * <p>{@code NEW_SYN_RECV} (0x0C) is the kernel's request-socket state; {@code /proc/net/tcp} normally prints
 * request sockets as {@code SYN_RECV} (0x03), but the code is accepted so that no line is ever dropped.
 */
public enum TcpState {
    ESTABLISHED(0x01, "ESTAB"),
    SYN_SENT(0x02, "SYN-SENT"),
    SYN_RECV(0x03, "SYN-RECV"),
    FIN_WAIT1(0x04, "FIN-WAIT-1"),
    FIN_WAIT2(0x05, "FIN-WAIT-2"),
    TIME_WAIT(0x06, "TIME-WAIT"),
    CLOSE(0x07, "UNCONN"),
    CLOSE_WAIT(0x08, "CLOSE-WAIT"),
    LAST_ACK(0x09, "LAST-ACK"),
    LISTEN(0x0A, "LISTEN"),
    CLOSING(0x0B, "CLOSING"),
    NEW_SYN_RECV(0x0C, "SYN-RECV");

    /** Highest kernel code plus one: arrays indexed by code have this length. */
    public static final int CODES = 0x0D;

    private static final TcpState[] BY_CODE = new TcpState[CODES];

    static {
        for (TcpState s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    private final int code;
    private final String ssName;

    TcpState(int code, String ssName) {
        this.code = code;
        this.ssName = ssName;
    }

    /** The hex code in the {@code st} column. */
    public int code() {
        return code;
    }

    /** The name {@code ss -tan} prints in its State column. */
    public String ssName() {
        return ssName;
    }

    /** The state of a kernel code, or null for a code the kernel does not define. */
    public static TcpState ofCode(int code) {
        return code > 0 && code < CODES ? BY_CODE[code] : null;
    }

    /** The state {@code ss} prints under this name (SYN-RECV maps to {@link #SYN_RECV}). */
    public static TcpState ofSsName(String name) {
        for (TcpState s : values()) {
            if (s.ssName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown ss state: " + name);
    }

    /**
     * The closing states a socket can be stuck in: the ones this monitor ages. TIME_WAIT is not among them:
     * it lasts a fixed 60 s by kernel constant ({@code TCP_TIMEWAIT_LEN}).
     */
    public boolean isStuckCandidate() {
        return this == FIN_WAIT1 || this == FIN_WAIT2 || this == CLOSE_WAIT || this == LAST_ACK;
    }

    /** Whether the socket has a remote peer (listening and closed sockets do not). */
    public boolean hasPeer() {
        return this != LISTEN && this != CLOSE;
    }
}
