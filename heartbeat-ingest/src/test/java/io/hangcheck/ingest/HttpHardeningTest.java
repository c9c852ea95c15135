package io.hangcheck.ingest;

import io.hangcheck.testing.KafkaTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * D3 and the low findings, on raw sockets (what a hostile client does, not what a polite HTTP client allows): a 413
 * closes the connection even while a chunked body keeps coming; a trickled body gets 408 and a close; an
 * {@code Expect: 100-continue} is answered; a duplicated JSON key is a 400 naming it; a client trickling its request
 * headers (slowloris) is cut at the header timeout (2 s in tests) while other clients are served.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES) // one application with HeartbeatIngestTest
class HttpHardeningTest {

    @BeforeEach
    void ready() {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", RestAssured.port);
        s.setSoTimeout(15_000);
        return s;
    }

    private static String head(String extra) {
        return "POST /v1/heartbeats HTTP/1.1\r\nHost: ingest\r\nContent-Type: application/json\r\n" + extra + "\r\n";
    }

    /** Reads until the connection is closed by the server; fails (timeout) if it is not. */
    private static String readToClose(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        try {
            while ((n = in.read(buf)) >= 0) {
                all.write(buf, 0, n);
            }
        } catch (IOException reset) {
            // a reset after the answer is a close too
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void a413OnAChunkedBodyClosesTheConnectionWhileTheClientKeepsSending() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(head("Transfer-Encoding: chunked\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long sent = 0;
            boolean writeFailed = false;
            // 64 MiB is far past the 256 KiB limit: a server that keeps reading would take it all
            for (int i = 0; i < 4096; i++) {
                try {
                    out.write(chunk);
                    sent += chunk.length;
                } catch (IOException closed) {
                    writeFailed = true;
                    break;
                }
            }
            String answer = readToClose(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(writeFailed).as("the server closed while %d bytes had been sent", sent).isTrue();
            assertThat(sent).isLessThan(32L << 20);
        }
    }

    /**
     * A client that declares a body over the limit and sends it anyway (as {@code java.net.http.HttpClient} does)
     * reads the 413 and then an orderly end of stream: the server reads the rest of the body before it closes, so the
     * close is a FIN, not a reset that can overtake the answer.
     */
    @Test
    void a413OnADeclaredLengthIsFollowedByAnOrderlyCloseWhenTheClientSendsTheBodyAnyway() throws Exception {
        int size = 300_000;
        for (int round = 0; round < 5; round++) {
            try (Socket s = connect()) {
                OutputStream out = s.getOutputStream();
                out.write(head("Content-Length: " + size + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(100 * round); // the answer is on its way (or there) before the body is
                out.write(new byte[size]);
                out.flush();
                InputStream in = s.getInputStream();
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) { // a reset throws here: the test fails
                    all.write(buf, 0, n);
                }
                assertThat(all.toString(StandardCharsets.ISO_8859_1)).as("round %d", round).startsWith("HTTP/1.1 413");
            }
        }
    }

    @Test
    void aTrickledBodyGets408AndTheConnectionIsClosed() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write((head("Content-Length: 200\r\n") + "{\"hostId\":").getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            String answer = readToClose(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(14));
        }
        assertThat(MetricsText.rejected("http", "too_slow")).isPositive();
    }

    @Test
    void expect100ContinueIsAnsweredThenTheBodyIsTaken() throws Exception {
        String body = Fixtures.json(Fixtures.heartbeat(Fixtures.uniqueHost("continue"), 1));
        try (Socket s = connect()) {
            s.getOutputStream().write(head("Content-Length: " + body.length() + "\r\nExpect: 100-continue\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertThat(readLine(in)).isEqualTo("HTTP/1.1 100 Continue");
            s.getOutputStream().write(body.getBytes(StandardCharsets.US_ASCII));
            String status;
            do {
                status = readLine(in);
            } while (status.isEmpty());
            assertThat(status).startsWith("HTTP/1.1 202");
        }
    }

    @Test
    void aRefusedExpect100ContinueGetsNoContinue() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(head("Content-Length: 9999999\r\nExpect: 100-continue\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readToClose(s.getInputStream())).startsWith("HTTP/1.1 413");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer and no close", e);
        }
    }

    @Test
    void aDuplicatedKeyIsA400NamingIt() {
        given().contentType("application/json")
                .body("{\"hostId\":\"dup-1\",\"bootId\":\"b\",\"seq\":1,\"seq\":999999,\"sentAt\":\"" + java.time.Instant.now() + "\"}")
                .post("/v1/heartbeats").then().statusCode(400).body("field", equalTo("seq"));
    }

    @Test
    void clientsTricklingTheirHeadersAreCutAtTheHeaderTimeoutWhileOthersAreServed() throws Exception {
        double before = MetricsText.rejected("http", "slow_headers");
        List<SlowClient> slow = new ArrayList<>();
        try {
            // Given: five clients sending a request head one byte every 300 ms, and one that sends nothing at all
            for (int i = 0; i < 5; i++) {
                slow.add(new SlowClient().trickle(300));
            }
            slow.add(new SlowClient());
            // When: a host posts meanwhile, it is served
            String host = Fixtures.uniqueHost("beside-slowloris");
            for (int seq = 1; seq <= 3; seq++) {
                given().contentType("application/json").body(Fixtures.json(Fixtures.heartbeat(host, seq)))
                        .post("/v1/heartbeats").then().statusCode(202);
            }
            // Then: every slow connection is closed by the server within the header timeout (plus scheduling slack)
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                for (SlowClient c : slow) {
                    assertThat(c.closedByServer()).as("slow client closed").isTrue();
                }
            });
            assertThat(slow.subList(0, 5)).allMatch(c -> c.sent() < SlowClient.HEAD.length() - 4, "none finished its head");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(MetricsText.rejected("http", "slow_headers") - before).isEqualTo(6.0));
        } finally {
            for (SlowClient c : slow) {
                c.close();
            }
        }
    }

    @Test
    void aKeptAliveConnectionMayWaitBetweenRequestsButNotTrickleTheNextOne() throws Exception {
        try (SlowClient c = new SlowClient()) {
            assertThat(c.request("/q/health/live")).startsWith("HTTP/1.1 200");
            // idle between requests for longer than the header timeout: not cut (that is the idle timeout's job)
            await().during(Duration.ofMillis(3000)).atMost(Duration.ofSeconds(5)).until(() -> !c.closedByServer());
            assertThat(c.request("/q/health/live")).startsWith("HTTP/1.1 200");
            // the next request trickled: cut, its deadline counted from its first byte
            c.trickle(300);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(c::closedByServer);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
