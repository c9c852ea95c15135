package io.hangcheck.sockets.domain;

import java.util.Arrays;

/**
 * An open-addressing index from a pair of longs (a 128-bit address) to a dense slot number 0..size-1, so that
 * counting sockets per peer allocates nothing per socket.
 */
final class PairIndex {
    private long[] hi;
    private long[] lo;
    private int[] slot;
    private int mask;
    private int size;
    private long[] keysHi;
    private long[] keysLo;

    PairIndex(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        hi = new long[cap];
        lo = new long[cap];
        slot = new int[cap];
        Arrays.fill(slot, -1);
        mask = cap - 1;
        keysHi = new long[Math.max(16, expected)];
        keysLo = new long[Math.max(16, expected)];
    }

    int size() {
        return size;
    }

    long keyHi(int s) {
        return keysHi[s];
    }

    long keyLo(int s) {
        return keysLo[s];
    }

    /** The slot of the pair, adding it when new. */
    int slotOf(long h, long l) {
        int i = mix(h, l) & mask;
        while (true) {
            int s = slot[i];
            if (s < 0) {
                if (size * 2 >= slot.length) {
                    rehash();
                    return slotOf(h, l);
                }
                hi[i] = h;
                lo[i] = l;
                slot[i] = size;
                if (size == keysHi.length) {
                    keysHi = Arrays.copyOf(keysHi, size * 2);
                    keysLo = Arrays.copyOf(keysLo, size * 2);
                }
                keysHi[size] = h;
                keysLo[size] = l;
                return size++;
            }
            if (hi[i] == h && lo[i] == l) {
                return s;
            }
            i = (i + 1) & mask;
        }
    }

    private void rehash() {
        int cap = slot.length * 2;
        hi = new long[cap];
        lo = new long[cap];
        slot = new int[cap];
        Arrays.fill(slot, -1);
        mask = cap - 1;
        for (int s = 0; s < size; s++) {
            int i = mix(keysHi[s], keysLo[s]) & mask;
            while (slot[i] >= 0) {
                i = (i + 1) & mask;
            }
            hi[i] = keysHi[s];
            lo[i] = keysLo[s];
            slot[i] = s;
        }
    }

    private static int mix(long h, long l) {
        long x = h * 0x9E3779B97F4A7C15L ^ l;
        x *= 0xBF58476D1CE4E5B9L;
        return (int) (x ^ (x >>> 31));
    }
}
