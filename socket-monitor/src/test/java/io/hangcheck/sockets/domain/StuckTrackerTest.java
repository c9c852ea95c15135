package io.hangcheck.sockets.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class StuckTrackerTest {
    @TempDir
    Path dir;
    private final ProcNetTcpParser parser = new ProcNetTcpParser();
    private final StuckTracker tracker = new StuckTracker(List.of(Duration.ofMinutes(1), Duration.ofMinutes(10)));

    private StuckTracker.Result scan(ProcFixture f, long atMillis) throws Exception {
        f.write();
        return tracker.update(parser.scan(dir, new SocketTable()), atMillis, Set.of("10.1.1.1"), Duration.ofMinutes(2));
    }

    @Test
    void socketsAgeAcrossScansIntoBucketsPerPeerAndState() throws Exception {
        ProcFixture f = new ProcFixture(dir).many(3, "10.1.1.1", TcpState.CLOSE_WAIT, true)
                .many(2, "10.2.2.2", TcpState.FIN_WAIT2, false)
                .many(4, "10.1.1.1", TcpState.ESTABLISHED, true);

        StuckTracker.Result first = scan(f, 0);
        assertThat(first.buckets()).containsExactlyInAnyOrder(
                new StuckTracker.Bucket("10.1.1.1", TcpState.CLOSE_WAIT, "1m", 3),
                new StuckTracker.Bucket("other", TcpState.FIN_WAIT2, "1m", 2));
        assertThat(tracker.tracked()).as("ESTABLISHED is not followed").isEqualTo(5);

        StuckTracker.Result later = scan(f, Duration.ofMinutes(5).toMillis());
        assertThat(later.buckets()).containsExactlyInAnyOrder(
                new StuckTracker.Bucket("10.1.1.1", TcpState.CLOSE_WAIT, "10m", 3),
                new StuckTracker.Bucket("other", TcpState.FIN_WAIT2, "10m", 2));
        assertThat(later.old()).isEqualTo(5);
        assertThat(later.oldByPeer()).containsEntry("10.1.1.1", 3).containsEntry("10.2.2.2", 2);
        assertThat(later.finWait2Orphaned()).isEqualTo(2);
        assertThat(later.finWait2Owned()).isZero();
        assertThat(later.closeWaitByLocalPort()).containsEntry(8080, 3);
        assertThat(later.closeWaitByUid()).containsEntry(1000, 3);

        StuckTracker.Result much = scan(f, Duration.ofMinutes(61).toMillis());
        assertThat(much.buckets()).extracting(StuckTracker.Bucket::ageBucket).containsOnly("+Inf");
    }

    @Test
    void aStateChangeOrAnotherInodeOnTheSameTupleRestartsTheAgeButOrphaningDoesNot() throws Exception {
        ProcFixture f = new ProcFixture(dir);
        f.add("10.0.0.1", 8080, "10.1.1.1", 1, TcpState.FIN_WAIT2, 11)   // owned, will be orphaned
                .add("10.0.0.1", 8080, "10.1.1.1", 2, TcpState.FIN_WAIT1, 12) // will move to FIN_WAIT2
                .add("10.0.0.1", 8080, "10.1.1.1", 3, TcpState.CLOSE_WAIT, 13); // tuple reused by inode 99
        scan(f, 0);

        f.clear().add("10.0.0.1", 8080, "10.1.1.1", 1, TcpState.FIN_WAIT2, 0)
                .add("10.0.0.1", 8080, "10.1.1.1", 2, TcpState.FIN_WAIT2, 12)
                .add("10.0.0.1", 8080, "10.1.1.1", 3, TcpState.CLOSE_WAIT, 99);
        StuckTracker.Result r = scan(f, Duration.ofMinutes(3).toMillis());

        assertThat(r.old()).as("only the orphaned socket kept its age").isEqualTo(1);
        assertThat(r.buckets()).containsExactlyInAnyOrder(
                new StuckTracker.Bucket("10.1.1.1", TcpState.FIN_WAIT2, "10m", 1),
                new StuckTracker.Bucket("10.1.1.1", TcpState.FIN_WAIT2, "1m", 1),
                new StuckTracker.Bucket("10.1.1.1", TcpState.CLOSE_WAIT, "1m", 1));
        assertThat(r.finWait2Orphaned()).isEqualTo(1);
        assertThat(r.finWait2Owned()).isEqualTo(1);
    }

    @Test
    void socketsThatVanishAreForgotten() throws Exception {
        ProcFixture f = new ProcFixture(dir).many(3, "10.1.1.1", TcpState.LAST_ACK, true);
        scan(f, 0);
        f.clear();
        scan(f, 1000);
        assertThat(tracker.tracked()).isZero();
    }

    @Test
    void thousandsOfSocketsKeepTheirAgesWhileTheFollowedTableGrowsShrinksAndRefills() throws Exception {
        ProcFixture f = new ProcFixture(dir).many(3000, "10.1.1.1", TcpState.CLOSE_WAIT, true);
        scan(f, 0);
        f.many(2000, "10.2.2.2", TcpState.FIN_WAIT1, true);

        StuckTracker.Result grown = scan(f, Duration.ofMinutes(3).toMillis());
        assertThat(tracker.tracked()).isEqualTo(5000);
        assertThat(grown.old()).isEqualTo(3000);
        assertThat(grown.buckets()).containsExactly(
                new StuckTracker.Bucket("10.1.1.1", TcpState.CLOSE_WAIT, "10m", 3000),
                new StuckTracker.Bucket("other", TcpState.FIN_WAIT1, "1m", 2000));
        assertThat(grown.closeWaitByLocalPort()).containsExactly(java.util.Map.entry(8080, 3000));

        f.clear().many(2000, "10.2.2.2", TcpState.FIN_WAIT1, true);
        StuckTracker.Result shrunk = scan(f, Duration.ofMinutes(6).toMillis());
        assertThat(tracker.tracked()).isEqualTo(2000);
        assertThat(shrunk.oldByPeer()).containsExactly(java.util.Map.entry("10.2.2.2", 2000));
        assertThat(shrunk.closeWaitByLocalPort()).as("per-scan counts start from zero").isEmpty();

        f.clear().many(3000, "10.1.1.1", TcpState.CLOSE_WAIT, true);
        StuckTracker.Result back = scan(f, Duration.ofMinutes(7).toMillis());
        assertThat(tracker.tracked()).isEqualTo(3000);
        assertThat(back.old()).as("forgotten sockets that come back start young").isZero();
        assertThat(back.closeWaitByUid()).containsExactly(java.util.Map.entry(1000, 3000));
    }

    @Test
    void bucketLabelsAreShortAndEndInInf() {
        assertThat(new StuckTracker(List.of(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofHours(1),
                Duration.ofDays(1))).bucketLabels()).containsExactly("30s", "1m", "1h", "1d", "+Inf");
    }
}
