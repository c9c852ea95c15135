package io.hangcheck.executor.driver;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange per connection, written by hand so that every byte sent to a BMC is ours: no
 * {@code Upgrade: h2c}, {@code Connection: close} on every request (some BMCs choke on kept-alive connections),
 * no connection pool, and a failure typed by whether the request left this process — a timeout before that is
 * safe to retry, after it the BMC may have acted.
 */
final class BmcHttp {
    private static final int MAX_BODY = 1 << 20;
    private static final int MAX_HEADER_LINE = 16 * 1024;

    /** An answer; header names are lower-case. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The request never fully left this process (refused, unreachable, TLS refused): nothing can have happened. */
    static final class NotSent extends IOException {
        NotSent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The request was sent and no complete answer came: the BMC may or may not have acted. */
    static final class NoAnswer extends IOException {
        NoAnswer(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SSLContext tls;
    private final boolean verifyHostName;
    private final Duration timeout;

    BmcHttp(SSLContext tls, boolean verifyHostName, Duration timeout) {
        this.tls = tls;
        this.verifyHostName = verifyHostName;
        this.timeout = timeout;
    }

    Response send(String method, URI uri, Map<String, String> headers, byte[] body) throws NotSent, NoAnswer {
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String host = uri.getHost();
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        Socket socket = new Socket();
        try (socket) {
            OutputStream out;
            InputStream in;
            Socket s = socket;
            try {
                socket.connect(new InetSocketAddress(host, port), millis);
                socket.setSoTimeout(millis);
                if (https) {
                    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
                    SSLParameters p = ssl.getSSLParameters();
                    // Host-name check belongs to verification; verify-tls=false turns off chain and name alike.
                    p.setEndpointIdentificationAlgorithm(verifyHostName ? "HTTPS" : null);
                    ssl.setSSLParameters(p);
                    ssl.startHandshake();
                    s = ssl;
                }
                out = s.getOutputStream();
                in = s.getInputStream();
                out.write(head(method, uri, host, port, https, headers, body).getBytes(StandardCharsets.ISO_8859_1));
                if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException e) {
                throw new NotSent(e.toString(), e);
            }
            try {
                return read(in, method);
            } catch (IOException e) {
                throw new NoAnswer(e.toString(), e);
            }
        } catch (IOException e) {
            if (e instanceof NotSent ns) {
                throw ns;
            }
            if (e instanceof NoAnswer na) {
                throw na;
            }
            throw new NoAnswer(e.toString(), e); // only close() is left; the answer was already read
        }
    }

    private static String head(String method, URI uri, String host, int port, boolean https,
                               Map<String, String> headers, byte[] body) {
        String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            target += "?" + uri.getRawQuery();
        }
        boolean defaultPort = port == (https ? 443 : 80);
        String hostHeader = (host.contains(":") ? "[" + host + "]" : host) + (defaultPort ? "" : ":" + port);
        StringBuilder b = new StringBuilder(256);
        b.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        b.append("Host: ").append(hostHeader).append("\r\n");
        b.append("User-Agent: hangcheck-reboot-executor\r\n");
        b.append("Accept: application/json\r\n");
        b.append("OData-Version: 4.0\r\n");
        b.append("Connection: close\r\n");
        if (body != null) {
            b.append("Content-Type: application/json\r\n");
            b.append("Content-Length: ").append(body.length).append("\r\n");
        }
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        return b.append("\r\n").toString();
    }

    private static Response read(InputStream in, String method) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer: " + abbreviate(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + abbreviate(statusLine));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                headers.merge(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        if (status == 100) { // an interim answer; the real one follows
            return read(in, method);
        }
        byte[] body;
        if (method.equals("HEAD") || status == 204 || status == 304) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            body = chunked(in);
        } else if (headers.containsKey("content-length")) {
            long n = Long.parseLong(headers.get("content-length").trim());
            if (n > MAX_BODY) {
                throw new IOException("answer of " + n + " bytes is over " + MAX_BODY);
            }
            body = in.readNBytes((int) n);
            if (body.length < n) {
                throw new EOFException("answer ended after " + body.length + " of " + n + " bytes");
            }
        } else {
            body = in.readNBytes(MAX_BODY);
        }
        return new Response(status, headers, body);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailers: ignored
                }
                return out.toByteArray();
            }
            if (out.size() + n > MAX_BODY) {
                throw new IOException("chunked answer over " + MAX_BODY + " bytes");
            }
            byte[] chunk = in.readNBytes(n);
            if (chunk.length < n) {
                throw new EOFException("chunk ended early");
            }
            out.write(chunk);
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed mid-answer");
            }
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            if (b.length() >= MAX_HEADER_LINE) {
                throw new IOException("header line over " + MAX_HEADER_LINE + " bytes");
            }
            b.append((char) c);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
