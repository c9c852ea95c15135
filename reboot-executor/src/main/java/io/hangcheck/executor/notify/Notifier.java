package io.hangcheck.executor.notify;

import io.hangcheck.events.EventCodec;
import io.hangcheck.executor.config.ExecutorConfig;
import io.hangcheck.executor.domain.FleetStatus;
import io.hangcheck.executor.domain.FleetView;
import io.hangcheck.executor.metrics.ExecutorMetrics;
import io.hangcheck.executor.service.Daemons;
import io.hangcheck.executor.store.NotificationLog;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends grouped notifications ({@link Grouper}) to e-mail (Quarkus Mailer, SMTP) and a webhook, under a hard
 * cap per channel per hour ({@link HourlyCap}). A message is told when its channel took it: a failed send is
 * tried again with back-off until delivered or superseded by a newer message of its group ({@link Delivery}).
 * Every try, sent, failed, dropped or superseded, is logged in the {@code notification_log} table. On every tick it first looks at the fleet view ({@link FleetFreezeWatch}),
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
    NotificationLog notificationLog;
    @Inject
    ExecutorMetrics metrics;
    @Inject
    FleetView fleetView;

    private Grouper grouper;
    private HourlyCap cap;
    private Delivery delivery;
    private AlertmanagerChannel alertmanager;
    /** Alerts to post to Alertmanager (firing: the alert; resolved: null text in {@link #amResolved}). */
    private final Map<String, Alert> amFiring = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Alert> amResolved = new java.util.concurrent.ConcurrentHashMap<>();
    private java.time.Instant amFleetPostedAt;
    private boolean amFleetFrozen;
    private FleetFreezeWatch freezeWatch;
    private GroupFreezeWatch groupWatch;
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
        groupWatch = new GroupFreezeWatch(clock, grouper);
        delivery = new Delivery(clock, n.retryBackOff(), n.maxRetryBackOff());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        alertmanager = n.alertmanagerUrl().map(u -> new AlertmanagerChannel(URI.create(u), http, clock, n.alertmanagerHoldFor())).orElse(null);
    }

    void start(@Observes StartupEvent ev) {
        ExecutorConfig.Notify n = config.notifications();
        // two threads: a channel slow to answer (an SMTP server timing out) never stops the look at the fleet
        timer = Daemons.timer("executor-notifier", 2);
        long every = n.tick().toMillis();
        timer.scheduleWithFixedDelay(this::lookSafely, every, every, TimeUnit.MILLISECONDS);
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
        if (alertmanager != null) {
            amFiring.put(alert.group() + "/" + alert.key(), alert); // posted on the notifier's thread
        }
    }

    /** The fleet as a decision just saw it: a FROZEN one raises (or refreshes) the one freeze alert. */
    public void fleet(FleetStatus status) {
        freezeWatch.observe(status);
    }

    private void lookSafely() {
        if (!leadership.leader()) {
            return; // the leader tells; a standby would repeat every message
        }
        try {
            fleet(fleetView.status());
            metrics.fleetFrozen.set(freezeWatch.frozen() ? 1 : 0);
            // one alert per FROZEN host group (rack, subnet, ...), all in one notification group: two racks dark
            // together are one message, not one per held host; none while the whole fleet is FROZEN (its alert says it)
            groupWatch.observe(fleetView.reports().values(), freezeWatch.frozen());
        } catch (RuntimeException e) {
            LOG.warnf("fleet view not looked at: %s", e.getMessage());
        }
    }

    private void flushSafely() {
        if (!leadership.leader()) {
            return;
        }
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warnf("notification flush failed: %s", e.getMessage());
        }
        if (alertmanager != null) {
            toAlertmanager();
        }
    }

    /**
     * The fleet freeze as one Alertmanager alert, re-posted every half hold time while it lasts and resolved when it
     * ends; the other alerts once each. A failed post stays pending and is tried again on the next tick.
     */
    private void toAlertmanager() {
        java.time.Instant now = clock.instant();
        Duration hold = config.notifications().alertmanagerHoldFor();
        String fleetId = FleetFreezeWatch.GROUP + "/" + FleetFreezeWatch.KEY;
        FleetStatus status = fleetView.status();
        if (freezeWatch.frozen()) {
            if (!amFleetFrozen || amFleetPostedAt == null || !now.isBefore(amFleetPostedAt.plus(hold.dividedBy(2)))) {
                amFiring.put(fleetId, new Alert(FleetFreezeWatch.GROUP, FleetFreezeWatch.KEY, "The fleet is FROZEN ("
                        + String.join("; ", status.reasons()) + "): nothing is rebooted, every HUNG is held."));
                amFleetPostedAt = now;
            }
            amFleetFrozen = true;
            amResolved.remove(fleetId);
        } else if (amFleetFrozen) {
            amFleetFrozen = false;
            amFiring.remove(fleetId);
            amResolved.put(fleetId, new Alert(FleetFreezeWatch.GROUP, FleetFreezeWatch.KEY, "The fleet is " + status.mode() + " again."));
        }
        post(amFiring, false);
        post(amResolved, true);
    }

    private void post(Map<String, Alert> pending, boolean resolve) {
        for (Map.Entry<String, Alert> e : pending.entrySet()) {
            Alert a = e.getValue();
            try {
                if (resolve) {
                    alertmanager.resolve(a.group(), a.key(), a.text());
                } else {
                    alertmanager.fire(a);
                }
                pending.remove(e.getKey(), a);
                metrics.notifications.labels(ALERTMANAGER, "sent").inc();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception ex) {
                metrics.notifications.labels(ALERTMANAGER, "failed").inc();
                LOG.warnf("alert %s to Alertmanager failed (tried again on the next tick): %s", e.getKey(), ex.toString());
                return; // one line per tick while it is down
            }
        }
    }

    public static final String ALERTMANAGER = "alertmanager";

    /** Queues the messages that are due on every channel, then tries every message whose time has come. */
    public synchronized void flush() {
        for (Notification n : grouper.due()) {
            for (String channel : channels()) {
                if (cap.tryAcquire(channel)) {
                    delivery.offer(channel, n, this::record);
                } else {
                    record(channel, n, Delivery.Result.DROPPED, 0);
                }
            }
        }
        delivery.deliverDue(this::send, this::record);
    }

    private List<String> channels() {
        List<String> out = new java.util.ArrayList<>();
        if (config.notifications().emailTo().filter(l -> !l.isEmpty()).isPresent()) {
            out.add(EMAIL);
        }
        if (config.notifications().webhookUrl().isPresent()) {
            out.add(WEBHOOK);
        }
        return out;
    }

    public static final String EMAIL = "email";
    public static final String WEBHOOK = "webhook";

    private Delivery.Result send(String channel, Notification n) {
        try {
            if (EMAIL.equals(channel)) {
                List<String> to = config.notifications().emailTo().orElse(List.of());
                Mail mail = Mail.withText(to.get(0), n.subject(), n.body()).setFrom(config.notifications().emailFrom());
                mail.setTo(List.copyOf(to));
                mailer.send(mail);
            } else {
                String body = EventCodec.toJson(Map.of("group", n.group(), "subject", n.subject(), "lines", n.lines(),
                        "resolved", n.resolved(), "status", n.firing() ? "firing" : "resolved", "repeat", n.repeat()));
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(config.notifications().webhookUrl().orElseThrow()))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 != 2) {
                    throw new IllegalStateException("webhook answered HTTP " + r.statusCode());
                }
            }
            return Delivery.Result.DELIVERED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lastError.put(channel, "interrupted");
            return Delivery.Result.FAILED;
        } catch (Exception e) {
            lastError.put(channel, e.toString());
            return Delivery.Result.FAILED;
        }
    }

    private final Map<String, String> lastError = new java.util.concurrent.ConcurrentHashMap<>();

    /** Counts and logs what became of one try. */
    private void record(String channel, Notification n, Delivery.Result result, int attempt) {
        String status = switch (result) {
            case DELIVERED -> "SENT";
            case FAILED -> "FAILED";
            case DROPPED -> "DROPPED";
            case SUPERSEDED -> "SUPERSEDED";
        };
        String error = switch (result) {
            case DELIVERED -> null;
            case FAILED -> lastError.get(channel) + " (try " + attempt + "; tried again after a back-off)";
            case DROPPED -> "hard cap of " + config.notifications().maxPerChannelPerHour() + " messages per hour reached";
            case SUPERSEDED -> "not delivered after " + attempt + " tries; a newer message of the group replaces it";
        };
        if (error != null) {
            LOG.warnf("notification '%s' on %s %s: %s", n.subject(), channel, status.toLowerCase(java.util.Locale.ROOT), error);
        }
        metrics.notifications.labels(channel, status.toLowerCase(java.util.Locale.ROOT)).inc();
        try {
            notificationLog.log(channel, n.group(), n.subject(), n.body(), n.lines().size() + n.resolved().size(), status, error, clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf("notification log not written: %s", e.getMessage());
        }
    }
}
