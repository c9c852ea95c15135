package io.hangcheck.agent.transport;

import io.hangcheck.agent.config.Endpoint;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal HTTP/1.1 client that owns <b>at most one</b> TCP connection, ever.
 *
 * <p>Why not {@code java.net.http.HttpClient} or {@code HttpURLConnection}: both keep a pool whose size and
 * lifetime are theirs to choose, and the seed incident was a socket table filled by clients that did not close
 * what they opened. Here the one socket is a field: it is opened when needed, reused while the server keeps it
 * alive, and closed on any error, on {@code Connection: close}, on {@link #closeIdle()} and on {@link #close()}.
 * Calls are serialised, so a second connection can never be opened while one exists.
 *
 * <p>A request sent on a reused connection that the server had already closed (the keep-alive race: EOF or reset
 * before any response byte) is sent once more on a fresh connection; heartbeats are idempotent per (host, boot, seq).
 */
public final class OneConnectionHttpClient implements Closeable {
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    private final Endpoint endpoint;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final InetAddress bindAddress;
    private final AtomicLong connectionsOpened = new AtomicLong();

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean closed;

    public OneConnectionHttpClient(Endpoint endpoint, Duration connectTimeout, Duration readTimeout, InetAddress bindAddress) {
        this.endpoint = endpoint;
        this.connectTimeoutMs = (int) Math.max(1, connectTimeout.toMillis());
        this.readTimeoutMs = (int) Math.max(1, readTimeout.toMillis());
        this.bindAddress = bindAddress;
    }

    /** POSTs {@code body}; returns any HTTP status, throws {@link IOException} when no response was read. */
    public synchronized HttpResponse post(String path, byte[] body, String contentType, Map<String, String> headers)
            throws IOException {
        if (closed) {
            throw new IOException("client closed");
        }
        boolean reused = socket != null;
        if (!reused) {
            open();
        }
        try {
            return exchange(path, body, contentType, headers);
        } catch (StaleConnectionException e) {
            closeSocket();
            if (!reused) {
                throw new IOException("connection closed by " + endpoint + " before any response", e);
            }
            open();
            try {
                return exchange(path, body, contentType, headers);
            } catch (IOException again) {
                closeSocket();
                throw again;
            }
        } catch (IOException | RuntimeException e) {
            closeSocket();
            throw e;
        }
    }

    /** Closes the connection if one is open (the next call opens a new one). */
    public synchronized void closeIdle() {
        closeSocket();
    }

    /** TCP connections this client has opened over its life (at most one of them open at any time). */
    public long connectionsOpened() {
        return connectionsOpened.get();
    }

    public synchronized boolean connected() {
        return socket != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeSocket();
    }

    private void open() throws IOException {
        Socket s = new Socket();
        try {
            if (bindAddress != null) {
                s.bind(new InetSocketAddress(bindAddress, 0));
            }
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), connectTimeoutMs);
            s.setSoTimeout(readTimeoutMs);
            connectionsOpened.incrementAndGet();
            if (endpoint.tls()) {
                SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(s, endpoint.host(), endpoint.port(), true);
                var params = tls.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(params);
                tls.startHandshake();
                s = tls;
            }
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
            throw e;
        }
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 8192);
        out = s.getOutputStream();
    }

    private void closeSocket() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // the descriptor is released either way
            }
        }
    }

    private HttpResponse exchange(String path, byte[] body, String contentType, Map<String, String> headers)
            throws IOException {
        StringBuilder head = new StringBuilder(256)
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(endpoint.hostHeader()).append("\r\n")
                .append("User-Agent: hangcheck-agent/0.1\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: keep-alive\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        head.append("\r\n");
        try {
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            throw new StaleConnectionException(e);
        }
        String statusLine;
        try {
            statusLine = readLine();
        } catch (java.net.SocketException e) {
            throw new StaleConnectionException(e);
        }
        if (statusLine == null) {
            throw new StaleConnectionException(new EOFException("no response"));
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x response: " + abbreviate(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + abbreviate(statusLine));
        }
        Map<String, String> responseHeaders = readHeaders();
        while (status >= 100 && status < 200) {
            // an interim response (we never send Expect, but a server may still say 100): read the real one
            statusLine = readLine();
            parts = statusLine == null ? new String[0] : statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[1].matches("\\d{3}")) {
                throw new IOException("bad response after an interim one");
            }
            status = Integer.parseInt(parts[1]);
            responseHeaders = readHeaders();
        }
        boolean http10 = parts[0].equals("HTTP/1.0");
        String connection = responseHeaders.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        boolean keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
        byte[] responseBody;
        String te = responseHeaders.get("transfer-encoding");
        String cl = responseHeaders.get("content-length");
        if (status == 204 || status == 304) {
            responseBody = new byte[0];
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            responseBody = readChunked();
        } else if (cl != null) {
            long length;
            try {
                length = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length: " + abbreviate(cl));
            }
            if (length < 0 || length > MAX_BODY_BYTES) {
                throw new IOException("response body of " + length + " bytes is over the limit");
            }
            responseBody = in.readNBytes((int) length);
            if (responseBody.length != length) {
                throw new EOFException("response body cut short");
            }
        } else {
            responseBody = readToEof();
            keepAlive = false;
        }
        if (!keepAlive) {
            closeSocket();
        }
        return new HttpResponse(status, responseHeaders, responseBody);
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new HashMap<>();
        int total = 0;
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            total += line.length();
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("response headers over " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        if (line == null) {
            throw new EOFException("response headers cut short");
        }
        return headers;
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new EOFException("chunked body cut short");
            }
            int semi = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + abbreviate(sizeLine));
            }
            if (size < 0 || body.size() + size > MAX_BODY_BYTES) {
                throw new IOException("response body over the limit");
            }
            if (size == 0) {
                String trailer;
                while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new EOFException("chunk cut short");
            }
            body.write(chunk);
            readLine();
        }
    }

    private byte[] readToEof() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
            body.write(buf, 0, n);
            if (body.size() > MAX_BODY_BYTES) {
                throw new IOException("response body over the limit");
            }
        }
        return body.toByteArray();
    }

    /** A CRLF- (or LF-) terminated line, or null at EOF before any byte. */
    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (sb.length() == 0) {
                    return null;
                }
                throw new EOFException("line cut short");
            }
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) b);
            if (sb.length() > MAX_HEADER_BYTES) {
                throw new IOException("response line over " + MAX_HEADER_BYTES + " bytes");
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    /** The connection died before a response began: safe to send again on a new connection. */
    private static final class StaleConnectionException extends IOException {
        StaleConnectionException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
