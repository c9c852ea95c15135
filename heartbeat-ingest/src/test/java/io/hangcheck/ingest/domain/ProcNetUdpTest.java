package io.hangcheck.ingest.domain;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ProcNetUdpTest {

    // Two sockets on port 8081 (0x1F91): another process's (inode 999) and ours (inode 424242), which dropped 1140.
    private static final String TABLE = """
               sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
              120: 0100007F:1F91 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 999 2 0000000000000000 7
              121: 00000000:1F91 00000000:0000 07 00000000:00040000 00:00000000 00000000     0        0 424242 2 0000000000000000 1140
              122: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5 2 0000000000000000 0
            """;

    @Test
    void findsOurSocketByPortAmongOurInodesAndReadsItsDrops() {
        assertThat(ProcNetUdp.inodeOf(TABLE, 8081, Set.of(424242L, 5L))).hasValue(424242L);
        assertThat(ProcNetUdp.drops(TABLE, 424242L)).hasValue(1140L);
    }

    @Test
    void anotherProcessOnTheSamePortIsNotOurs() {
        assertThat(ProcNetUdp.inodeOf(TABLE, 8081, Set.of(1L))).isEmpty();
        assertThat(ProcNetUdp.drops(TABLE, 12345L)).isEmpty();
        assertThat(ProcNetUdp.drops("", 999L)).isEmpty();
    }
}
