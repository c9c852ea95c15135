package io.hangcheck.executor.notify;

import io.hangcheck.events.EventCodec;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.domain.FleetStatus;
import io.hangcheck.executor.domain.FleetView;
import io.hangcheck.executor.metrics.ExecutorMetrics;
import io.hangcheck.executor.store.Store;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends grouped notifications ({@link Grouper}) to e-mail (Quarkus Mailer, SMTP) and a webhook, under a hard
 * cap per channel per hour ({@link HourlyCap}). Every message, sent, failed or dropped, is logged in the
 * {@code notification_log} table. On every tick it first looks at the fleet view ({@link FleetFreezeWatch}),
 * so a FROZEN fleet is reported even when no HUNG reaches the executor (the evaluator holds them all).
 */
@ApplicationScoped
public class Notifier {
    private static final Logger LOG = Logger.getLogger(Notifier.class);

    @Inject
    ExecutorConfig config;
    @Inject
    Clock clock;
    @Inject
    Mailer mailer;
    @Inject
    Store store;
    @Inject
    ExecutorMetrics metrics;
    @Inject
    FleetView fleetView;

    private Grouper grouper;
    private HourlyCap cap;
    private FleetFreezeWatch freezeWatch;
    @Inject
    io.hangcheck.executor.service.Leadership leadership;
    private HttpClient http;
    private ScheduledExecutorService timer;

    /** Built before any start-up observer may raise an alert (the interrupted-attempt report does). */
    @jakarta.annotation.PostConstruct
    void init() {
        ExecutorConfig.Notify n = config.notifications();
        grouper = new Grouper(clock, n.groupWait(), n.groupInterval(), n.repeatInterval());
        cap = new HourlyCap(clock, n.maxPerChannelPerHour());
        freezeWatch = new FleetFreezeWatch(clock, grouper);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    void start(@Observes StartupEvent ev) {
        ExecutorConfig.Notify n = config.notifications();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "executor-notifier");
            t.setDaemon(true);
            return t;
        });
        long every = n.tick().toMillis();
        timer.scheduleWithFixedDelay(this::flushSafely, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Adds an alert to its group; it goes out with the group's next message. */
    public void alert(Alert alert) {
        grouper.add(alert);
    }

    /** The fleet as a decision just saw it: a FROZEN one raises (or refreshes) the one freeze alert. */
    public void fleet(FleetStatus status) {
        freezeWatch.observe(status);
    }

    private void flushSafely() {
        if (!leadership.leader()) {
            return; // the leader tells; a standby would repeat every message
        }
        try {
            fleet(fleetView.status());
            metrics.fleetFrozen.set(freezeWatch.frozen() ? 1 : 0);
        } catch (RuntimeException e) {
            LOG.warnf("fleet view not looked at: %s", e.getMessage());
        }
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warnf("notification flush failed: %s", e.getMessage());
        }
    }

    /** Sends the messages that are due. */
    public synchronized void flush() {
        for (Notification n : grouper.due()) {
            config.notifications().emailTo().filter(l -> !l.isEmpty()).ifPresent(to -> send("email", n, () -> {
                Mail mail = Mail.withText(to.get(0), n.subject(), n.body()).setFrom(config.notifications().emailFrom());
                mail.setTo(List.copyOf(to));
                mailer.send(mail);
            }));
            config.notifications().webhookUrl().ifPresent(url -> send("webhook", n, () -> {
                String body = EventCodec.toJson(Map.of("group", n.group(), "subject", n.subject(), "lines", n.lines(),
                        "resolved", n.resolved(), "status", n.firing() ? "firing" : "resolved", "repeat", n.repeat()));
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 != 2) {
                    throw new IllegalStateException("webhook answered HTTP " + r.statusCode());
                }
            }));
        }
    }

    @FunctionalInterface
    private interface Sending {
        void run() throws Exception;
    }

    private void send(String channel, Notification n, Sending sending) {
        String status;
        String error = null;
        if (!cap.tryAcquire(channel)) {
            status = "DROPPED";
            error = "hard cap of " + config.notifications().maxPerChannelPerHour() + " messages per hour reached";
            LOG.warnf("notification '%s' on %s dropped: %s", n.subject(), channel, error);
        } else {
            try {
                sending.run();
                status = "SENT";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = "FAILED";
                error = "interrupted";
            } catch (Exception e) {
                status = "FAILED";
                error = e.toString();
                LOG.warnf("notification '%s' on %s failed: %s", n.subject(), channel, error);
            }
        }
        metrics.notifications.labels(channel, status.toLowerCase()).inc();
        try {
            store.logNotification(channel, n.group(), n.subject(), n.body(), n.lines().size() + n.resolved().size(), status, error, clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf("notification log not written: %s", e.getMessage());
        }
    }
}
