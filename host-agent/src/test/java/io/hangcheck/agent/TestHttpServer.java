package io.hangcheck.agent;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A tiny HTTP/1.1 server on loopback that counts TCP connections as it accepts them (which the JDK's HttpServer
 * cannot tell), records requests, and answers with a scripted response per request.
 */
public final class TestHttpServer implements Closeable {

    public record Request(String method, String path, Map<String, String> headers, byte[] body, int connection) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A scripted answer; {@code close} adds {@code Connection: close} and closes after it. */
    public record Answer(int status, Map<String, String> headers, String body, boolean close) {
        public static Answer of(int status) {
            return new Answer(status, Map.of(), "", false);
        }
    }

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> script;
    private volatile boolean closed;

    public TestHttpServer(Function<Request, Answer> script) throws IOException {
        this.script = script;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        Thread t = new Thread(this::acceptLoop, "test-http-accept");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public void script(Function<Request, Answer> s) {
        this.script = s;
    }

    /** TCP connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Most connections open at the same time. */
    public int maxOpen() {
        return maxOpen.get();
    }

    public List<Request> requests() {
        return requests;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                int id = accepted.incrementAndGet();
                maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                sockets.add(s);
                Thread t = new Thread(() -> serve(s, id), "test-http-conn-" + id);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        boolean counted = true;
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                Map<String, String> headers = new TreeMap<>();
                String h;
                while ((h = line(in)) != null && !h.isEmpty()) {
                    int c = h.indexOf(':');
                    headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                byte[] body = in.readNBytes(length);
                String[] parts = requestLine.split(" ");
                Request r = new Request(parts[0], parts[1], headers, body, id);
                requests.add(r);
                Answer a = script.apply(r);
                byte[] b = a.body().getBytes(StandardCharsets.UTF_8);
                StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(a.status()).append(" X\r\n")
                        .append("Content-Length: ").append(b.length).append("\r\n");
                a.headers().forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
                if (a.close()) {
                    sb.append("Connection: close\r\n");
                }
                sb.append("\r\n");
                if (a.close()) {
                    // count it closed before the client can see the answer and connect again
                    counted = false;
                    open.decrementAndGet();
                }
                out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.write(b);
                out.flush();
                if (a.close()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client went away
        } finally {
            if (counted) {
                open.decrementAndGet();
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
