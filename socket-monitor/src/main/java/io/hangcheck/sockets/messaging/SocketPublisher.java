package io.hangcheck.sockets.messaging;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.EventType;
import io.hangcheck.events.LeakAlert;
import io.hangcheck.events.SocketSnapshot;
import io.hangcheck.sockets.metrics.SocketMetrics;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;

/**
 * Sends snapshots to {@code hangcheck.sockets.v1} and alert transitions to {@code hangcheck.sockets.alerts.v1},
 * keyed by monitor id, with the CloudEvents binary-mode headers. A failed send is counted and logged: the
 * next snapshot follows 15 s later, and an alert stays visible on {@code /v1/sockets/alerts}.
 */
@ApplicationScoped
public class SocketPublisher {
    /** Channel of the snapshots (mapped to the topic in application.properties). */
    public static final String SNAPSHOTS = "sockets-out";
    /** Channel of the alerts. */
    public static final String ALERTS = "socket-alerts-out";
    private static final Logger LOG = Logger.getLogger(SocketPublisher.class);

    @Inject
    @Channel(SNAPSHOTS)
    Emitter<SocketSnapshot> snapshots;

    @Inject
    @Channel(ALERTS)
    Emitter<LeakAlert> alerts;

    @Inject
    SocketMetrics metrics;

    public void publish(SocketSnapshot s) {
        String id = s.monitorId() + ":" + s.at().toEpochMilli();
        send(snapshots, s, s.monitorId(), id, EventType.SOCKET_SNAPSHOT, s.monitorId(), s.at(), "snapshot");
    }

    public void publish(LeakAlert a) {
        // an alert has one OPENED and one RESOLVED but may have several UPDATED: each its own event
        String id = a.alertId() + ":" + a.status()
                + (a.status() == LeakAlert.Status.UPDATED ? ":" + a.at().toEpochMilli() : "");
        send(alerts, a, a.monitorId(), id, EventType.LEAK_ALERT, a.monitorId(), a.at(), "alert");
    }

    private <T> void send(Emitter<T> emitter, T payload, String key, String ceId, EventType type, String source,
                          java.time.Instant at, String what) {
        RecordHeaders headers = new RecordHeaders();
        CloudEvents.apply(headers, ceId, type, "/hangcheck/socket-monitor/" + source, at);
        Message<T> msg = Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers).build())
                .withAck(() -> CompletableFuture.completedFuture(null))
                .withNack(e -> {
                    metrics.publishFailed(what);
                    LOG.warnf("could not publish %s %s: %s", what, ceId, e.getMessage());
                    return CompletableFuture.completedFuture(null);
                });
        try {
            emitter.send(msg);
        } catch (RuntimeException e) { // buffer full while Kafka is away, or the channel is closing
            metrics.publishFailed(what);
            LOG.warnf("could not queue %s %s: %s", what, ceId, e.getMessage());
        }
    }
}
