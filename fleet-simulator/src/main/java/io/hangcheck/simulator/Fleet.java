package io.hangcheck.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of every virtual host, in arrays (a million hosts cost a few tens of megabytes, no object per host).
 * Owned by the simulator thread: every read and write happens there (the control API hands it closures). The arrays
 * are private; the methods below are plain array reads and writes (no allocation, no lock), so the heartbeat path
 * costs what the field accesses did.
 */
final class Fleet {
    private static final byte HUNG = 1;
    private static final byte OFF = 2;
    /** Cut off the network (a rack's switch died): the host runs, its heartbeats are lost. A reset does not mend it. */
    private static final byte CUT = 4;

    /** What a host is doing now, as shown by the control API and the Redfish {@code Oem} block. */
    enum State { UP, HUNG, OFF, BOOTING, FLAP_DOWN, CUT }

    private final List<PoolSpec> pools;
    private final int[] poolStart;
    private final int[] poolWidth;
    private final Map<String, Integer> poolIndex = new HashMap<>();
    private final List<Map<String, String>> poolLabels = new ArrayList<>();
    private final PoolSpec.Transport[] poolTransport;
    private final int size;
    private final String salt;

    private final byte[] flags;
    private final int[] bootCount;
    private final long[] seq;
    private final long[] bootedAtMillis;
    private final long[] silentUntilNanos;
    private final float[] slow;
    private final long[] skewMillis;
    private final int[] resets;
    /** host → {up nanos, down nanos, start nanos}. */
    private final Map<Integer, long[]> flaps = new HashMap<>();

    Fleet(SimConfig config, String salt, long nowMillis, java.util.random.RandomGenerator random) {
        this.pools = config.pools();
        this.salt = salt;
        this.poolStart = new int[pools.size() + 1];
        this.poolWidth = new int[pools.size()];
        this.poolTransport = new PoolSpec.Transport[pools.size()];
        int start = 0;
        for (int p = 0; p < pools.size(); p++) {
            PoolSpec spec = pools.get(p);
            poolStart[p] = start;
            poolWidth[p] = Math.max(3, String.valueOf(spec.count()).length());
            poolIndex.put(spec.name(), p);
            Map<String, String> labels = new LinkedHashMap<>(config.labels());
            labels.putAll(spec.labels());
            poolLabels.add(Collections.unmodifiableMap(labels));
            poolTransport[p] = spec.transport() == null ? config.transport() : spec.transport();
            start += spec.count();
        }
        poolStart[pools.size()] = start;
        this.size = start;
        flags = new byte[size];
        bootCount = new int[size];
        seq = new long[size];
        bootedAtMillis = new long[size];
        silentUntilNanos = new long[size];
        slow = new float[size];
        skewMillis = new long[size];
        resets = new int[size];
        java.util.Arrays.fill(slow, 1f);
        for (int i = 0; i < size; i++) {
            // Hosts have been up for a while when the simulation starts: 1 hour to 7 days.
            bootedAtMillis[i] = nowMillis - 3_600_000L - (long) (random.nextDouble() * 6 * 86_400_000L);
        }
    }

    int size() {
        return size;
    }

    List<PoolSpec> pools() {
        return pools;
    }

    int pool(int host) {
        int lo = 0;
        int hi = pools.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (poolStart[mid] <= host) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** -1 when there is no such pool. */
    int poolIndex(String name) {
        Integer p = poolIndex.get(name);
        return p == null ? -1 : p;
    }

    int poolStart(int pool) {
        return poolStart[pool];
    }

    int poolSize(int pool) {
        return poolStart[pool + 1] - poolStart[pool];
    }

    Map<String, String> labels(int host) {
        return poolLabels.get(pool(host));
    }

    PoolSpec.Transport transport(int host) {
        return poolTransport[pool(host)];
    }

    String hostId(int host) {
        int p = pool(host);
        String n = String.valueOf(host - poolStart[p] + 1);
        StringBuilder sb = new StringBuilder(pools.get(p).name().length() + 1 + poolWidth[p]);
        sb.append(pools.get(p).name()).append('-');
        for (int i = n.length(); i < poolWidth[p]; i++) {
            sb.append('0');
        }
        return sb.append(n).toString();
    }

    /** The host's index, or -1 for an id that is not in this fleet. */
    int indexOf(String hostId) {
        if (hostId == null) {
            return -1;
        }
        int dash = hostId.lastIndexOf('-');
        if (dash <= 0) {
            return -1;
        }
        int p = poolIndex(hostId.substring(0, dash));
        if (p < 0) {
            return -1;
        }
        String digits = hostId.substring(dash + 1);
        if (digits.length() != poolWidth[p] || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int n = Integer.parseInt(digits);
        return n >= 1 && n <= poolSize(p) ? poolStart[p] + n - 1 : -1;
    }

    /** Changes on every boot of the virtual host; unique per simulator run (the salt). */
    String bootId(int host) {
        return salt + "-" + Integer.toString(host, 36) + "-" + bootCount[host];
    }

    long uptimeSeconds(int host, long nowMillis) {
        return Math.max(0, (nowMillis - bootedAtMillis[host]) / 1000);
    }

    State state(int host, long nowNanos) {
        if ((flags[host] & OFF) != 0) {
            return State.OFF;
        }
        if (silentUntilNanos[host] != 0 && nowNanos < silentUntilNanos[host]) {
            return State.BOOTING;
        }
        if ((flags[host] & HUNG) != 0) {
            return State.HUNG;
        }
        if ((flags[host] & CUT) != 0) {
            return State.CUT;
        }
        long[] flap = flaps.get(host);
        if (flap != null) {
            long phase = Math.floorMod(nowNanos - flap[2], flap[0] + flap[1]);
            if (phase >= flap[0]) {
                return State.FLAP_DOWN;
            }
        }
        return State.UP;
    }

    /**
     * A reboot: the host is silent for {@code bootNanos}, then heartbeats with a new boot id, seq from 0 (still lost
     * while it is cut off: a reset does not mend the network).
     */
    void reboot(int host, long nowNanos, long nowMillis, long bootNanos) {
        flags[host] = (byte) (flags[host] & CUT);
        flaps.remove(host);
        bootCount[host]++;
        seq[host] = 0;
        bootedAtMillis[host] = nowMillis + bootNanos / 1_000_000;
        silentUntilNanos[host] = nowNanos + Math.max(1, bootNanos);
    }

    void powerOff(int host) {
        flags[host] = (byte) (OFF | (flags[host] & CUT));
        flaps.remove(host);
        silentUntilNanos[host] = 0;
    }

    boolean hung(int host) {
        return (flags[host] & HUNG) != 0;
    }

    boolean off(int host) {
        return (flags[host] & OFF) != 0;
    }

    /** The host stops sending (until a reset, {@link #unhang} or {@link #clear}). */
    void hang(int host) {
        flags[host] |= HUNG;
    }

    /** Ends a hang; true when the host was hung (its heartbeats must be rescheduled). */
    boolean unhang(int host) {
        if (!hung(host)) {
            return false;
        }
        flags[host] &= ~HUNG;
        return true;
    }

    /** Its network is cut: it runs on, its heartbeats are lost (until {@link #uncut} or {@link #clear}). */
    void cut(int host) {
        flags[host] |= CUT;
    }

    /** Its network is back: it sends again on its own schedule, with the boot it had. */
    void uncut(int host) {
        flags[host] &= ~CUT;
    }

    /** A heartbeat of a cut-off host: sent into a dead network, so its sequence number is spent. */
    void loseHeartbeat(int host) {
        seq[host]++;
    }

    /** Removes hang, cut, slow, skew and flap; true when the host was hung or flapping (its heartbeats must be rescheduled). */
    boolean clear(int host) {
        boolean wasSilent = hung(host) || flaps.containsKey(host);
        flags[host] &= ~(HUNG | CUT);
        slow[host] = 1f;
        skewMillis[host] = 0;
        flaps.remove(host);
        return wasSilent;
    }

    /** The factor the host's interval is multiplied by (1 = normal). */
    float slowFactor(int host) {
        return slow[host];
    }

    void slow(int host, float factor) {
        slow[host] = factor;
    }

    long skewMillis(int host) {
        return skewMillis[host];
    }

    void skew(int host, long millis) {
        skewMillis[host] = millis;
    }

    /** The host alternates {@code upNanos} of sending and {@code downNanos} of silence from {@code startNanos}. */
    void flap(int host, long upNanos, long downNanos, long startNanos) {
        flaps.put(host, new long[]{upNanos, downNanos, startNanos});
    }

    boolean flapping(int host) {
        return flaps.containsKey(host);
    }

    /** Resets the host's BMC accepted. */
    int resets(int host) {
        return resets[host];
    }

    void countReset(int host) {
        resets[host]++;
    }

    /** The sequence number of the host's next heartbeat. */
    long seq(int host) {
        return seq[host];
    }

    /** The sequence number for the heartbeat being sent now; the next one is one higher. */
    long nextSeq(int host) {
        return seq[host]++;
    }

    /** The host sends again after a boot: its boot silence is over. */
    void endBootSilence(int host) {
        silentUntilNanos[host] = 0;
    }
}
