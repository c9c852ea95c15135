package io.hangcheck.ingest;

import io.restassured.RestAssured;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A slowloris on a real socket: after an optional complete request it sends a request head one byte every
 * {@code gapMillis} (or nothing at all), never finishing, until the server closes the connection.
 */
final class SlowClient implements AutoCloseable {

    static final String HEAD = "POST /v1/heartbeats HTTP/1.1\r\nHost: ingest\r\nContent-Type: application/json\r\n"
            + "X-Padding: " + "x".repeat(4000) + "\r\n\r\n";
    private static final ScheduledExecutorService TIMER = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "slow-client");
        t.setDaemon(true);
        return t;
    });

    final Socket socket;
    private ScheduledFuture<?> trickle;
    private volatile int sent;
    private volatile boolean writeFailed;

    SlowClient() throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 2000);
    }

    /** Starts sending the head, one byte every {@code gapMillis}. */
    SlowClient trickle(long gapMillis) {
        byte[] head = HEAD.getBytes(StandardCharsets.US_ASCII);
        trickle = TIMER.scheduleAtFixedRate(() -> {
            try {
                socket.getOutputStream().write(head[sent++ % (head.length - 4)]);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                writeFailed = true;
                trickle.cancel(false);
            }
        }, 0, gapMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Sends one complete GET (kept alive) and reads its answer's status line. */
    String request(String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: ingest\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(10_000);
        byte[] buf = new byte[8192];
        int n = socket.getInputStream().read(buf);
        return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
    }

    /** True once the server has closed the connection (end of stream or reset, or a write that failed). */
    boolean closedByServer() throws IOException {
        if (writeFailed) {
            return true;
        }
        socket.setSoTimeout(50);
        InputStream in = socket.getInputStream();
        try {
            byte[] buf = new byte[1024];
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Bytes of the head sent so far. */
    int sent() {
        return sent;
    }

    @Override
    public void close() throws IOException {
        if (trickle != null) {
            trickle.cancel(false);
        }
        socket.close();
    }
}
