package io.hangcheck.sockets.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TableAggregateTest {
    @TempDir
    Path dir;

    @Test
    void countsByStateByPeerTopKWithOtherAndByListenerPort() throws Exception {
        // given: a listener on 8080 with three peers of different weight, one outgoing connection, IPv6 and v4-mapped
        ProcFixture f = new ProcFixture(dir)
                .add("0.0.0.0", 8080, "0.0.0.0", 0, TcpState.LISTEN, 1)
                .many(5, "10.1.1.1", TcpState.ESTABLISHED, true)
                .many(3, "10.1.1.1", TcpState.CLOSE_WAIT, true)
                .many(4, "10.2.2.2", TcpState.FIN_WAIT2, false)
                .many(1, "10.3.3.3", TcpState.ESTABLISHED, true)
                .add("10.0.0.1", 45000, "10.9.9.9", 5432, TcpState.ESTABLISHED, 77)
                .add("::ffff:10.0.0.1", 8080, "::ffff:10.1.1.1", 39999, TcpState.ESTABLISHED, 78)
                .add("2001:db8::1", 8080, "2001:db8::2", 50000, TcpState.TIME_WAIT, 0);
        f.write();
        SocketTable t = new ProcNetTcpParser().scan(dir, new SocketTable());

        // when
        TableAggregate a = TableAggregate.of(t, 2, 5, Set.of());

        // then
        assertThat(a.total()).isEqualTo(17);
        assertThat(a.count(TcpState.ESTABLISHED)).isEqualTo(8);
        assertThat(a.count(TcpState.CLOSE_WAIT)).isEqualTo(3);
        assertThat(a.count(TcpState.FIN_WAIT2)).isEqualTo(4);
        assertThat(a.count(TcpState.LISTEN)).isEqualTo(1);
        assertThat(a.count(TcpState.SYN_SENT)).isZero();
        assertThat(a.byState()).hasSize(TcpState.values().length);

        assertThat(a.peers()).extracting(TableAggregate.Group::key).containsExactly("10.1.1.1", "10.2.2.2");
        TableAggregate.Group heavy = a.peers().get(0);
        assertThat(heavy.total()).as("IPv4 and v4-mapped are one peer").isEqualTo(9);
        assertThat(heavy.count(TcpState.ESTABLISHED)).isEqualTo(6);
        assertThat(heavy.count(TcpState.CLOSE_WAIT)).isEqualTo(3);
        assertThat(a.otherPeers().total()).as("10.3.3.3, 10.9.9.9, 2001:db8::2; the listener has no peer").isEqualTo(3);
        assertThat(a.otherPeers().count(TcpState.TIME_WAIT)).isEqualTo(1);
        assertThat(a.peerTotals()).containsEntry("2001:db8::2", 1).containsEntry("10.1.1.1", 9).hasSize(5);
        assertThat(a.peerTotalsWithoutTimeWait()).as("the TIME_WAIT-only peer is left out")
                .containsEntry("10.1.1.1", 9).doesNotContainKey("2001:db8::2").hasSize(4);

        assertThat(a.ports()).extracting(TableAggregate.Group::key).containsExactly("8080");
        assertThat(a.ports().get(0).total()).isEqualTo(16);
        assertThat(a.otherPorts().total()).as("the outgoing connection's ephemeral port").isEqualTo(1);
    }

    @Test
    void watchedPortsAreCountedByNameEvenWithoutAListener() throws Exception {
        new ProcFixture(dir).add("10.0.0.1", 45000, "10.9.9.9", 5432, TcpState.ESTABLISHED, 77)
                .add("10.0.0.1", 45001, "10.9.9.9", 5432, TcpState.ESTABLISHED, 78).write();
        SocketTable t = new ProcNetTcpParser().scan(dir, new SocketTable());

        TableAggregate a = TableAggregate.of(t, 5, 5, Set.of(45000));

        assertThat(a.ports()).extracting(TableAggregate.Group::key).containsExactly("45000");
        assertThat(a.otherPorts().total()).isEqualTo(1);
        assertThat(a.otherPeers()).isNull();
    }

    @Test
    void manyPeersStayBoundedToKPlusOther() throws Exception {
        ProcFixture f = new ProcFixture(dir);
        for (int i = 0; i < 3000; i++) {
            f.add("10.0.0.1", 8080, "10.50." + (i / 250) + "." + (i % 250 + 1), 40000, TcpState.ESTABLISHED, i + 1);
        }
        f.write();
        SocketTable t = new ProcNetTcpParser().scan(dir, new SocketTable());

        TableAggregate a = TableAggregate.of(t, 20, 20, Set.of());

        assertThat(a.peers()).hasSize(20);
        assertThat(a.otherPeers().total()).isEqualTo(2980);
        assertThat(a.peerTotals()).hasSize(3000);
    }
}
