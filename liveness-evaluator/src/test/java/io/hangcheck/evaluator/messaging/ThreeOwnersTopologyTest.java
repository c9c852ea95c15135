package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.domain.GroupThresholds;
import io.hangcheck.evaluator.domain.Thresholds;
import io.hangcheck.events.LivenessEventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.hangcheck.evaluator.messaging.Lab.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partition that changes owner twice with production timing, as on the failover benchmark at 1,000,000 hosts
 * (2026-12-03 07:00): instance A sees the hosts' first heartbeats and loses the partition within seconds, keeping it
 * as a standby; B loads the hosts, keeps their later heartbeats in memory (written behind) and is killed 2 min 47 s
 * later; A takes the partition back — and Kafka Streams runs it on the <em>same processor object</em> as in its first
 * tenure (it recycles the task: active, standby, active). No host that kept beating may be SUSPECT or HUNG.
 */
class ThreeOwnersTopologyTest {
    private static final int HOSTS = 10;
    private static final long FIRST = T0 + 1000;

    @TempDir
    Path stateDir;

    private static void seconds(Lab lab, int from, int to) {
        for (int s = from; s <= to; s++) {
            long at = FIRST + s * 1000L;
            lab.tick(at);
            if (s % 30 == 0) {
                for (int h = 0; h < HOSTS; h++) {
                    lab.heartbeat("h" + h, s / 30, at + 100 + h);
                }
            }
            lab.wall(1000);
        }
    }

    private void threeOwners(boolean sameProcessorObject) {
        Thresholds t = Thresholds.defaults().withBootGraceMs(0); // as the benchmark: hosts that report no uptime
        SurvivingStores disk = new SurvivingStores();
        LivenessProcessor[] a = sameProcessorObject ? new LivenessProcessor[1] : null;
        try (Lab first = new Lab("a", t, GroupThresholds.off(), stateDir, T0, false, disk, a)) {
            first.tick(FIRST);
            for (int h = 0; h < HOSTS; h++) {
                first.heartbeat("h" + h, 0, FIRST + 100 + h);
            }
            first.wall(1000);
        }
        int kill = 167;
        try (Lab b = new Lab("b", t, GroupThresholds.off(), stateDir, T0 + 2000, false, disk, null)) {
            seconds(b, 1, kill);
            assertThat(b.hosts(LivenessEventType.SUSPECT)).isEmpty();
        }
        try (Lab again = new Lab("a", t, GroupThresholds.off(), stateDir, T0 + 200_000, false, disk, a)) {
            seconds(again, kill + 1, kill + 100);
            assertThat(again.hosts(LivenessEventType.SUSPECT)).as("hosts that kept beating").isEmpty();
            assertThat(again.hosts(LivenessEventType.HUNG)).as("hosts that kept beating").isEmpty();
        }
    }

    @Test
    void anotherInstanceTakingThePartitionOverJudgesNoHealthyHost() {
        threeOwners(false);
    }

    @Test
    void theFirstOwnerTakingThePartitionBackOnTheSameProcessorObjectJudgesNoHealthyHost() {
        threeOwners(true);
    }
}
