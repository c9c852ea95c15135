package io.hangcheck.e2e;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * acknowledged is lost.
 */
final class Fleet implements AutoCloseable {
    private final ServiceProcess ingest;
    private final List<String> hosts = new ArrayList<>();
    private final Map<String, String> bootIds = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> seqs = new ConcurrentHashMap<>();
    private final Set<String> hung = ConcurrentHashMap.newKeySet();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "e2e-fleet");
        t.setDaemon(true);
        return t;
    });

    Fleet(ServiceProcess ingest, String prefix, int size) {
        this.ingest = ingest;
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
        StringBuilder body = new StringBuilder("[");
        for (String h : hosts) {
            if (hung.contains(h)) {
                continue;
            }
            if (body.length() > 1) {
                body.append(',');
            }
            body.append("{\"hostId\":\"").append(h).append("\",\"bootId\":\"").append(bootIds.get(h))
                    .append("\",\"seq\":").append(seqs.get(h).incrementAndGet())
                    .append(",\"sentAt\":\"").append(Instant.now()).append("\",\"labels\":{\"pool\":\"e2e\"}}");
        }
        body.append(']');
        if (body.length() == 2) {
            return;
        }
        HttpResponse<String> r = ingest.send(HttpRequest.newBuilder(ingest.uri("/v1/heartbeats"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        if (r.statusCode() == 202) {
            acknowledged.incrementAndGet();
        } else {
            refused.incrementAndGet();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
