package io.hangcheck.sockets.domain;

import io.hangcheck.testing.SteppedClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PeerNamerTest {
    private final SteppedClock clock = new SteppedClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(2), new ThreadPoolExecutor.AbortPolicy());

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aResolverThatHangsNeverBlocksTheCallerAndTimesOutToNoName() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        PeerNamer namer = new PeerNamer(a -> {
            try {
                release.await(); // a DNS server that never answers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "late.example";
        }, executor, clock, 100, Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofSeconds(2));

        // a scan asks for 50 peers while the resolver hangs: every answer is immediate (no name yet)
        for (int i = 0; i < 50; i++) {
            assertThat(namer.nameOf("10.0.0." + (i + 1))).isNull();
        }
        assertThat(namer.pending()).as("bounded executor: 1 running + 2 queued").isEqualTo(3);

        clock.step(Duration.ofSeconds(3));
        assertThat(namer.nameOf("10.0.0.1")).as("timed out: no name").isNull();
        assertThat(namer.pending()).isEqualTo(2);
        release.countDown();
    }

    @Test
    void namesAreCachedUntilTheirTtlAndTheCacheIsBounded() {
        AtomicInteger lookups = new AtomicInteger();
        PeerNamer namer = new PeerNamer(a -> {
            lookups.incrementAndGet();
            return "host-" + a.getHostAddress();
        }, executor, clock, 2, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofSeconds(2));

        assertThat(namer.nameOf("10.0.0.1")).isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> namer.nameOf("10.0.0.1") != null);
        assertThat(namer.nameOf("10.0.0.1")).isEqualTo("host-10.0.0.1");
        assertThat(lookups.get()).isEqualTo(1);

        clock.step(Duration.ofMinutes(11));
        assertThat(namer.nameOf("10.0.0.1")).as("stale name shown while asking again").isEqualTo("host-10.0.0.1");
        await().atMost(Duration.ofSeconds(5)).until(() -> lookups.get() == 2);

        namer.nameOf("10.0.0.2");
        await().atMost(Duration.ofSeconds(5)).until(() -> namer.pending() == 0);
        namer.nameOf("10.0.0.3");
        await().atMost(Duration.ofSeconds(5)).until(() -> namer.pending() == 0);
        assertThat(namer.cached()).isEqualTo(2);
    }

    @Test
    void theSystemResolverGivesNoNameRatherThanTheAddressBack() throws Exception {
        // 192.0.2.0/24 (TEST-NET-1) has no PTR records; loopback is named by /etc/hosts
        String none = PeerNamer.systemReverseLookup(InetAddress.getByName("192.0.2.7"));
        assertThat(none).isNull();
        assertThat(PeerNamer.systemReverseLookup(InetAddress.getByName("127.0.0.1"))).isNotBlank();
    }
}
