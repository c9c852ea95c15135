package io.hangcheck.agent.transport;

import io.hangcheck.agent.config.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hand-held HTTP/1.1 client against a raw server that answers with scripted bytes. */
class OneConnectionHttpClientTest {
    private ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    /**
     * Serves each request with {@code script.apply(requestNumber)}: the raw response bytes, or null to close the
     * connection silently instead of answering (what an idle timeout looks like to the client).
     */
    private OneConnectionHttpClient serve(IntFunction<String> script) throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(s);
                    Thread c = new Thread(() -> handle(s, script));
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return new OneConnectionHttpClient(new Endpoint("http", "127.0.0.1", server.getLocalPort()),
                Duration.ofSeconds(2), Duration.ofSeconds(2), null);
    }

    private void handle(Socket s, IntFunction<String> script) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                int length = 0;
                while (!(line = in.readLine()).isEmpty()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.skip(length);
                String answer = script.apply(requests.incrementAndGet());
                if (answer == null) {
                    return;
                }
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (answer.contains("Connection: close") || answer.startsWith("HTTP/1.0")) {
                    return;
                }
            }
        } catch (IOException e) {
            // client gone
        }
    }

    private HttpResponse post(OneConnectionHttpClient c) throws IOException {
        return c.post("/v1/heartbeats", "{}".getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
    }

    @Test
    void readsChunkedBodiesAndKeepsTheConnection() throws Exception {
        try (OneConnectionHttpClient c = serve(n ->
                "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n")) {
            assertThat(post(c).bodyText()).isEqualTo("hello world");
            assertThat(post(c).status()).isEqualTo(202);
            assertThat(accepted.get()).isEqualTo(1);
            assertThat(c.connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void aKeepAliveConnectionTheServerDroppedIsReplacedTransparentlyOnce() throws Exception {
        // request 1 answered; request 2 finds the connection closed by the server; request 3 on a new one
        try (OneConnectionHttpClient c = serve(n -> n == 2 ? null
                : "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")) {
            assertThat(post(c).status()).isEqualTo(202);
            assertThat(post(c).status()).isEqualTo(202);
            assertThat(requests.get()).isEqualTo(3);
            assertThat(accepted.get()).isEqualTo(2);
            assertThat(c.connectionsOpened()).isEqualTo(2);
        }
    }

    @Test
    void aFreshConnectionClosedWithoutAnswerIsAnErrorNotALoop() throws Exception {
        try (OneConnectionHttpClient c = serve(n -> null)) {
            assertThatThrownBy(() -> post(c)).isInstanceOf(IOException.class);
            assertThat(requests.get()).isEqualTo(1);
            assertThat(c.connected()).isFalse();
        }
    }

    @Test
    void http10AndConnectionCloseEndTheConnection() throws Exception {
        try (OneConnectionHttpClient c = serve(n -> n == 1
                ? "HTTP/1.0 202 Accepted\r\nContent-Length: 2\r\n\r\nok"
                : "HTTP/1.1 503 Busy\r\nRetry-After: 7\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")) {
            assertThat(post(c).bodyText()).isEqualTo("ok");
            assertThat(c.connected()).isFalse();
            HttpResponse busy = post(c);
            assertThat(busy.status()).isEqualTo(503);
            assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(7));
            assertThat(c.connected()).isFalse();
            assertThat(accepted.get()).isEqualTo(2);
        }
    }

    @Test
    void garbageIsAnErrorAndTheSocketIsReleased() throws Exception {
        try (OneConnectionHttpClient c = serve(n -> "SSH-2.0-OpenSSH\r\n\r\n")) {
            assertThatThrownBy(() -> post(c)).isInstanceOf(IOException.class).hasMessageContaining("not an HTTP");
            assertThat(c.connected()).isFalse();
        }
    }

    @Test
    void aClosedClientRefusesWork() throws Exception {
        OneConnectionHttpClient c = serve(n -> "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
        post(c);
        c.close();
        assertThat(c.connected()).isFalse();
        assertThatThrownBy(() -> post(c)).isInstanceOf(IOException.class);
    }
}
