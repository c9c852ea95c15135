package io.hangcheck.ingest;

import io.hangcheck.events.IngestHealth;
import io.hangcheck.ingest.messaging.Ticker;
import io.hangcheck.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.hangcheck.ingest.udp.UdpReceiver;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * D8 with a real flood: a receive buffer made small on purpose, datagrams sent faster than one thread takes them.
 * The kernel's drops on ingest's socket (its /proc/net/udp line) are counted, exported, and make ingest DEGRADED
 * with the reason — before, the kernel threw heartbeats away and ingest said OK. Skips loudly without /proc.
 */
@QuarkusTest
@TestProfile(UdpFloodTest.SmallBuffer.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class UdpFloodTest {

    public static class SmallBuffer extends IngestProfile {
        public SmallBuffer() {
            super("ingest-flood", "hangcheck.ingest.udp.receive-buffer-bytes", "4096");
        }
    }

    @Inject
    UdpReceiver udp;

    @Inject
    Ticker ticker;

    @Test
    void kernelDropsAreCountedExportedAndDegradeIngest() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/net/udp")),
                "SKIPPED: no /proc/net/udp on this system (kernel UDP drops are read from it)");
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        int port = udp.port(5000);
        assertThat(udp.kernelDropsTotal()).as("ingest found its socket in /proc/net/udp").isGreaterThanOrEqualTo(0);

        byte[] line = ("hc1 host=flood boot=b seq=1 sent=" + System.currentTimeMillis() + " l.pool=" + "x".repeat(400))
                .getBytes(StandardCharsets.US_ASCII);
        int sent = 0;
        try (DatagramSocket s = new DatagramSocket()) {
            DatagramPacket p = new DatagramPacket(line, line.length, InetAddress.getLoopbackAddress(), port);
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (udp.kernelDropsTotal() < 100 && System.nanoTime() < until) {
                for (int i = 0; i < 2000; i++) {
                    s.send(p);
                    sent++;
                }
            }
        }
        long drops = udp.kernelDropsTotal();
        System.out.printf("UdpFloodTest: sent %d datagrams, the kernel dropped %d on ingest's socket%n", sent, drops);
        assertThat(drops).as("a 4 KiB buffer under %d datagrams overflows", sent).isPositive();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(MetricsText.value("hangcheck_ingest_udp_kernel_drops_total")).isPositive();
            IngestHealth h = ticker.lastHealth();
            assertThat(h).isNotNull();
            assertThat(h.state()).isEqualTo(IngestHealth.State.DEGRADED);
            assertThat(h.reasons()).anySatisfy(r -> assertThat(r).contains("kernel dropped").contains("UDP datagrams"));
        });
    }
}
