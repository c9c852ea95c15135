package io.hangcheck.sockets.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which socket counts against which budget, on a table with every case side by side. */
class BudgetModelTest {
    @TempDir
    Path root;

    @Test
    void eachSocketCountsAgainstTheBudgetThatRunsOutForIt() throws Exception {
        ProcFixture t = new ProcFixture(root)
                .add("0.0.0.0", 8081, "0.0.0.0", 0, TcpState.LISTEN, 1)
                // on the listener: 3 connections held, 2 CLOSE_WAIT held, 1 half-closed FIN_WAIT2 still owned
                .add("10.0.0.1", 8081, "10.1.1.1", 40001, TcpState.ESTABLISHED, 11)
                .add("10.0.0.1", 8081, "10.1.1.1", 40002, TcpState.ESTABLISHED, 12)
                .add("10.0.0.1", 8081, "10.2.2.2", 40003, TcpState.ESTABLISHED, 0) // accepted by the kernel, not yet by the program
                .add("10.0.0.1", 8081, "10.2.2.2", 40004, TcpState.CLOSE_WAIT, 13)
                .add("10.0.0.1", 8081, "10.2.2.2", 40005, TcpState.CLOSE_WAIT, 14)
                .add("10.0.0.1", 8081, "10.3.3.3", 40006, TcpState.FIN_WAIT2, 15)
                // on the listener, holding nothing: TIME_WAIT, a request socket, orphans
                .add("10.0.0.1", 8081, "10.1.1.1", 40010, TcpState.TIME_WAIT, 0)
                .add("10.0.0.1", 8081, "10.1.1.1", 40011, TcpState.TIME_WAIT, 0)
                .add("10.0.0.1", 8081, "10.1.1.1", 40012, TcpState.TIME_WAIT, 0)
                .add("10.0.0.1", 8081, "10.4.4.4", 40013, TcpState.SYN_RECV, 0)
                .add("10.0.0.1", 8081, "10.3.3.3", 40014, TcpState.FIN_WAIT2, 0)
                .add("10.0.0.1", 8081, "10.3.3.3", 40015, TcpState.LAST_ACK, 0)
                .add("10.0.0.1", 8081, "10.3.3.3", 40016, TcpState.FIN_WAIT1, 0)
                // outgoing: 2 to 10.7.7.7:5432 held, 4 in TIME_WAIT (client closed first); 1 to 10.8.8.8:443
                .add("10.0.0.1", 50001, "10.7.7.7", 5432, TcpState.ESTABLISHED, 21)
                .add("10.0.0.1", 50002, "10.7.7.7", 5432, TcpState.ESTABLISHED, 22)
                .add("10.0.0.1", 50003, "10.7.7.7", 5432, TcpState.TIME_WAIT, 0)
                .add("10.0.0.1", 50004, "10.7.7.7", 5432, TcpState.TIME_WAIT, 0)
                .add("10.0.0.1", 50005, "10.7.7.7", 5432, TcpState.TIME_WAIT, 0)
                .add("10.0.0.1", 50006, "10.7.7.7", 5432, TcpState.TIME_WAIT, 0)
                .add("10.0.0.1", 50007, "10.8.8.8", 443, TcpState.ESTABLISHED, 23);
        t.write();
        SocketTable table = new SocketTable();
        new ProcNetTcpParser().scan(root, table);

        BudgetModel.Counts c = BudgetModel.count(table, Set.of());

        // held: the listener, 6 on the listener, 3 outgoing ESTABLISHED
        assertThat(c.held()).isEqualTo(1 + 6 + 3);
        assertThat(c.heldByState()).containsExactlyInAnyOrderEntriesOf(Map.of(TcpState.LISTEN, 1,
                TcpState.ESTABLISHED, 6, TcpState.CLOSE_WAIT, 2, TcpState.FIN_WAIT2, 1));
        assertThat(c.heldByPeer()).containsExactlyInAnyOrderEntriesOf(Map.of("10.1.1.1", 2, "10.2.2.2", 3,
                "10.3.3.3", 1, "10.7.7.7", 2, "10.8.8.8", 1));
        // orphans: FIN_WAIT2, LAST_ACK, FIN_WAIT1 with no owner
        assertThat(c.orphans()).isEqualTo(3);
        assertThat(c.orphansByPeer()).containsExactlyEntriesOf(Map.of("10.3.3.3", 3));
        assertThat(c.orphansByState()).containsOnlyKeys(TcpState.FIN_WAIT1, TcpState.FIN_WAIT2, TcpState.LAST_ACK);
        // the client side: the busiest destination with its TIME_WAIT
        assertThat(c.busiest()).isEqualTo(new BudgetModel.Destination("10.7.7.7", 5432, 6,
                Map.of(TcpState.ESTABLISHED, 2, TcpState.TIME_WAIT, 4)));
    }

    @Test
    void aWatchedPortWithoutAListenerIsNotTakenForAClientsLocalPort() throws Exception {
        new ProcFixture(root).add("10.0.0.1", 9000, "10.1.1.1", 40001, TcpState.TIME_WAIT, 0)
                .add("10.0.0.1", 9000, "10.1.1.1", 40002, TcpState.ESTABLISHED, 5).write();
        SocketTable table = new SocketTable();
        new ProcNetTcpParser().scan(root, table);

        assertThat(BudgetModel.count(table, Set.of(9000)).busiest()).isNull();
        assertThat(BudgetModel.count(table, Set.of()).busiest().used()).isEqualTo(1); // one per remote port
    }
}
