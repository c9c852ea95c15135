package io.hangcheck.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A few hosts that post heartbeats to ingest over HTTP, as a test drives them: each can be hung (stops
 * sending) or rebooted (new boot id). Counts what ingest acknowledged (202) so tests can check that nothing
 * acknowledged is lost, and remembers each acknowledged heartbeat ({@code host/boot/seq}).
 *
 * <p>By default the batch goes through the JDK client (a kept-alive connection). With
 * {@link #newConnectionPerBeat()} every POST opens a new TCP connection and closes it ({@code Connection: close}),
 * like agents whose interval exceeds the keep-alive: those are the hosts that can no longer check in once
 * ingest's connection budget is taken.
 *
 * <p>With several ingest instances each host has a home instance (host i → instance i mod n). A batch that
 * gets no answer or a 5xx from its home is sent once more to the next instance, as a client behind a load
 * balancer or a DNS name with several addresses ends up doing; {@link #failedOver()} counts those batches.
 * {@link #skew} shifts a host's {@code sentAt} as a wrong host clock would.
 */
final class Fleet implements AutoCloseable {
    private final List<ServiceProcess> ingests;
    private final Map<String, Long> skewSeconds = new ConcurrentHashMap<>();
    private final AtomicLong failedOver = new AtomicLong();
    private final List<String> hosts = new ArrayList<>();
    private final Map<String, String> bootIds = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> seqs = new ConcurrentHashMap<>();
    private final Set<String> hung = ConcurrentHashMap.newKeySet();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Set<String> acknowledgedIds = ConcurrentHashMap.newKeySet();
    private volatile boolean newConnectionPerBeat;
    private volatile String pool = "e2e";
    /** Ingest's bearer token the hosts send, or null (an ingest started insecure). */
    private volatile String token;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "e2e-fleet");
        t.setDaemon(true);
        return t;
    });

    Fleet(ServiceProcess ingest, String prefix, int size) {
        this(List.of(ingest), prefix, size);
    }

    /** Hosts spread over several ingest instances, failing over to the next one when their home does not answer. */
    Fleet(List<ServiceProcess> ingests, String prefix, int size) {
        this.ingests = List.copyOf(ingests);
        for (int i = 0; i < size; i++) {
            String h = prefix + "-" + i;
            hosts.add(h);
            bootIds.put(h, "boot-" + h + "-1");
            seqs.put(h, new AtomicLong());
        }
    }

    Fleet start(Duration interval) {
        timer.scheduleAtFixedRate(this::beatAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Every POST on a new connection, closed after the answer. */
    Fleet newConnectionPerBeat() {
        newConnectionPerBeat = true;
        return this;
    }

    /** Every POST carries {@code Authorization: Bearer <token>}, as agents configured with ingest's token do. */
    Fleet token(String bearerToken) {
        token = bearerToken;
        return this;
    }

    Fleet pool(String poolLabel) {
        pool = poolLabel;
        return this;
    }

    /** {@code host/boot/seq} of every heartbeat ingest acknowledged with 202. */
    Set<String> acknowledgedIds() {
        return Set.copyOf(acknowledgedIds);
    }

    boolean isHung(String host) {
        return hung.contains(host);
    }

    List<String> hosts() {
        return hosts;
    }

    void hang(String host) {
        hung.add(host);
    }

    void reboot(String host) {
        bootIds.put(host, bootIds.get(host) + "r");
        seqs.get(host).set(0);
        hung.remove(host);
    }

    /** The host's clock is {@code seconds} off (negative: behind); 0 puts it right. */
    void skew(String host, long seconds) {
        if (seconds == 0) {
            skewSeconds.remove(host);
        } else {
            skewSeconds.put(host, seconds);
        }
    }

    /** Batches that their home instance did not take and that were sent to another instance. */
    long failedOver() {
        return failedOver.get();
    }

    String bootId(String host) {
        return bootIds.get(host);
    }

    long acknowledged() {
        return acknowledged.get();
    }

    long refused() {
        return refused.get();
    }

    private void beatAll() {
        try {
            beatAllOnce();
        } catch (RuntimeException e) {
            refused.incrementAndGet();
        }
    }

    private void beatAllOnce() {
        int n = ingests.size();
        for (int home = 0; home < n; home++) {
            StringBuilder body = new StringBuilder("[");
            List<String> ids = new ArrayList<>();
            for (int i = home; i < hosts.size(); i += n) {
                String h = hosts.get(i);
                if (hung.contains(h)) {
                    continue;
                }
                if (body.length() > 1) {
                    body.append(',');
                }
                String boot = bootIds.get(h);
                long seq = seqs.get(h).incrementAndGet();
                ids.add(h + "/" + boot + "/" + seq);
                Instant sentAt = Instant.now().plusSeconds(skewSeconds.getOrDefault(h, 0L));
                body.append("{\"hostId\":\"").append(h).append("\",\"bootId\":\"").append(boot)
                        .append("\",\"seq\":").append(seq)
                        .append(",\"sentAt\":\"").append(sentAt).append("\",\"labels\":{\"pool\":\"").append(pool).append("\"}}");
            }
            body.append(']');
            if (body.length() == 2) {
                continue;
            }
            int status = post(ingests.get(home), body.toString());
            if ((status < 0 || status >= 500) && n > 1) {
                failedOver.incrementAndGet();
                status = post(ingests.get((home + 1) % n), body.toString());
            }
            if (status == 202) {
                acknowledged.incrementAndGet();
                acknowledgedIds.addAll(ids);
            } else {
                refused.incrementAndGet();
            }
        }
    }

    private int post(ServiceProcess ingest, String json) {
        if (newConnectionPerBeat) {
            return postOnNewConnection(ingest, json);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(ingest.uri("/v1/heartbeats"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return ingest.send(request).statusCode();
    }

    /** One HTTP/1.1 POST on a fresh socket; the status code, or -1 when the connection failed. */
    private int postOnNewConnection(ServiceProcess ingest, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", ingest.port()), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/heartbeats HTTP/1.1\r\nHost: 127.0.0.1:" + ingest.port()
                    + (token != null ? "\r\nAuthorization: Bearer " + token : "")
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String statusLine = in.readLine();
            if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
                return -1;
            }
            return Integer.parseInt(statusLine.split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
