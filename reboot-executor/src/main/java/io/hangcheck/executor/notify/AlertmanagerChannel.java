package io.hangcheck.executor.notify;

import io.hangcheck.events.EventCodec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Alerts to Alertmanager's v2 API ({@code POST /api/v2/alerts}), for labs that already run one: it groups, routes,
 * silences and repeats; we say what is firing and when it ends. Each alert carries the labels {@code alertname}
 * ({@code hangcheck_<group>}), {@code group}, {@code key}, {@code service}, the annotation {@code summary}, and
 * {@code startsAt} (when we first raised it) / {@code endsAt}: a firing alert is re-posted by the caller while it
 * lasts with {@code endsAt} = now + {@code holdFor}, so it ends by itself if we stop saying so; a resolved one is
 * posted with {@code endsAt} = now. Plain; a failed post throws (the caller counts it and tries again).
 */
public final class AlertmanagerChannel {
    private final URI alerts;
    private final HttpClient http;
    private final Clock clock;
    private final Duration holdFor;
    private final Map<String, Instant> startedAt = new ConcurrentHashMap<>();

    public AlertmanagerChannel(URI base, HttpClient http, Clock clock, Duration holdFor) {
        this.alerts = base.resolve("/api/v2/alerts");
        this.http = http;
        this.clock = clock;
        this.holdFor = holdFor;
    }

    /** Says {@code alert} is firing (until now + holdFor unless said again). */
    public void fire(Alert alert) throws Exception {
        Instant now = clock.instant();
        Instant since = startedAt.computeIfAbsent(id(alert.group(), alert.key()), k -> now);
        post(alert.group(), alert.key(), alert.text(), since, now.plus(holdFor));
    }

    /** Says the alert {@code group}/{@code key} ended now. */
    public void resolve(String group, String key, String text) throws Exception {
        Instant now = clock.instant();
        Instant since = startedAt.getOrDefault(id(group, key), now);
        post(group, key, text, since, now);
        startedAt.remove(id(group, key));
    }

    private void post(String group, String key, String text, Instant startsAt, Instant endsAt) throws Exception {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("labels", Map.of("alertname", "hangcheck_" + group.replace('-', '_'), "group", group, "key", key,
                "service", "reboot-executor"));
        a.put("annotations", Map.of("summary", text));
        a.put("startsAt", startsAt.toString());
        a.put("endsAt", endsAt.toString());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(alerts).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(EventCodec.toJson(List.of(a)))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("alertmanager answered HTTP " + r.statusCode() + ": " + r.body());
        }
    }

    private static String id(String group, String key) {
        return group + "/" + key;
    }
}
