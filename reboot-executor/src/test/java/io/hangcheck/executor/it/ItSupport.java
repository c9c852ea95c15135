package io.hangcheck.executor.it;

import io.hangcheck.events.CloudEvents;
import io.hangcheck.events.EventCodec;
import io.hangcheck.events.EventType;
import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.FleetMode;
import io.hangcheck.events.HostState;
import io.hangcheck.events.HostStatus;
import io.hangcheck.events.LivenessEvent;
import io.hangcheck.events.LivenessEventType;
import io.hangcheck.events.Topics;
import io.hangcheck.testing.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** Sends contract events to the real broker and reads the real ledger database. */
final class ItSupport implements AutoCloseable {
    final KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(TestKafka.shared().producerProps(), new StringSerializer(), new ByteArraySerializer());

    void send(String topic, String key, Object value, EventType type, String id) {
        // host states as the evaluator writes them (the re-check trusts only its ce_source)
        send(topic, key, value, type, id, type == EventType.HOST_STATE ? "/hangcheck/liveness-evaluator/test" : "test");
    }

    void send(String topic, String key, Object value, EventType type, String id, String source) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value == null ? null : EventCodec.toBytes(value));
        if (type != null) {
            CloudEvents.apply(r.headers(), id, type, source, Instant.now());
        }
        // asynchronous (order per host key is kept by the producer); failures surface in flush()
        pending.add(producer.send(r));
    }

    private final List<java.util.concurrent.Future<?>> pending = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Waits until everything sent so far is acknowledged by the broker. */
    void flush() {
        producer.flush();
        for (java.util.concurrent.Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        pending.clear();
    }

    void sendRaw(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    static LivenessEvent event(LivenessEventType type, String host, String boot, long seq, String newBoot) {
        String inc = LivenessEvent.incidentId(host, boot, seq);
        Instant now = Instant.now();
        return new LivenessEvent(LivenessEvent.eventId(inc, type), type, host, inc, newBoot == null ? boot : newBoot,
                newBoot == null ? null : boot, seq, now.minusSeconds(300), now, 300_000, 9.0, "ingest-0", List.of(),
                Map.of("pool", "it"), "ev-1");
    }

    /** The evaluator's view: state HUNG with the incident, then the HUNG event. */
    void hung(String host, String boot, long seq) {
        state(host, HostStatus.HUNG, LivenessEvent.incidentId(host, boot, seq), boot, seq);
        hungOnly(host, boot, seq);
    }

    /** The evaluator's view of a hang in a DEGRADED host group: state HUNG, then the HUNG event with the mark. */
    void hungInDegradedGroup(String host, String boot, long seq, String groupDegraded) {
        state(host, HostStatus.HUNG, LivenessEvent.incidentId(host, boot, seq), boot, seq);
        LivenessEvent b = event(LivenessEventType.HUNG, host, boot, seq, null);
        LivenessEvent e = new LivenessEvent(b.eventId(), b.type(), b.hostId(), b.incidentId(), b.bootId(), b.previousBootId(),
                b.lastSeq(), b.lastSeenAt(), b.at(), b.silentMillis(), b.phi(), b.via(), b.reasons(), b.labels(),
                b.evaluatorId(), groupDegraded);
        send(Topics.LIVENESS_EVENTS, host, e, EventType.LIVENESS_EVENT, e.eventId());
    }

    void hungOnly(String host, String boot, long seq) {
        LivenessEvent e = event(LivenessEventType.HUNG, host, boot, seq, null);
        send(Topics.LIVENESS_EVENTS, host, e, EventType.LIVENESS_EVENT, e.eventId());
    }

    void state(String host, HostStatus status, String incident, String boot, long seq) {
        stateFrom("/hangcheck/liveness-evaluator/test", host, status, incident, boot, seq);
    }

    /** A host state record with this {@code ce_source} (a forger's, or the evaluator's). */
    void stateFrom(String source, String host, HostStatus status, String incident, String boot, long seq) {
        Instant now = Instant.now();
        HostState s = new HostState(host, status, boot, seq, now.minusSeconds(300), now, incident, "ingest-0",
                Map.of("pool", "it"), now, "ev-1");
        send(Topics.LIVENESS_STATE, host, s, EventType.HOST_STATE, host + "@" + now, source);
    }

    void rebooted(String host, String oldBoot, long seq, String newBoot) {
        LivenessEvent e = event(LivenessEventType.REBOOTED, host, oldBoot, seq, newBoot);
        send(Topics.LIVENESS_EVENTS, host, e, EventType.LIVENESS_EVENT, e.eventId());
    }

    /** Evaluator ev-1's report: the fleet in {@code mode}, with these unhealthy host groups. */
    void fleetWithGroups(FleetMode mode, List<FleetHealth.GroupHealth> groups) {
        Instant now = Instant.now();
        FleetHealth f = new FleetHealth("ev-1", mode, mode == FleetMode.NORMAL ? List.of() : List.of("test says " + mode),
                200, groups.stream().mapToInt(FleetHealth.GroupHealth::silent).sum(), 0.05, 0, List.of(0, 1, 2, 3), List.of(),
                now, now, groups.size(), groups);
        send(Topics.FLEET_HEALTH, "ev-1", f, EventType.FLEET_HEALTH, "ev-1@" + now);
    }

    void fleet(FleetMode mode) {
        Instant now = Instant.now();
        FleetHealth f = new FleetHealth("ev-1", mode, mode == FleetMode.NORMAL ? List.of() : List.of("test says " + mode),
                200, mode == FleetMode.NORMAL ? 0 : 120, mode == FleetMode.NORMAL ? 0.0 : 0.6, 0, List.of(0, 1, 2, 3), List.of(), now, now);
        send(Topics.FLEET_HEALTH, "ev-1", f, EventType.FLEET_HEALTH, "ev-1@" + now);
    }

    // ---- database ----

    static Connection db() throws SQLException {
        var cfg = ConfigProvider.getConfig();
        return DriverManager.getConnection(cfg.getValue("quarkus.datasource.jdbc.url", String.class),
                cfg.getValue("quarkus.datasource.username", String.class),
                cfg.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
    }

    static void truncateAll() throws SQLException {
        // The executor may be deciding records other test classes left on the shared topics meanwhile: a
        // TRUNCATE can then lose a deadlock (SQLState 40P01) to its transaction. Three tries in a row lost on a busy
        // CI machine (three builds at once); ten, each after a random pause that lets the executor's transaction
        // finish, and the first try's error if all lose.
        SQLException first = null;
        for (int attempt = 1; attempt <= 10; attempt++) {
            try (Connection c = db(); Statement s = c.createStatement()) {
                s.execute("TRUNCATE outbox, ledger, action, incident, quarantine, silence, inventory, notification_log RESTART IDENTITY CASCADE");
                s.execute("UPDATE pause SET paused = FALSE, author = NULL, reason = NULL, since = NULL");
                return;
            } catch (SQLException e) {
                if (!"40P01".equals(e.getSQLState())) {
                    throw e;
                }
                first = first == null ? e : first;
            }
            try {
                Thread.sleep(50 + java.util.concurrent.ThreadLocalRandom.current().nextInt(250));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw first;
    }

    static void inventory(String host, String driver, Map<String, String> params) throws SQLException {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO inventory (host_id, driver, params, labels, enabled, updated_at, updated_by) VALUES (?, ?, ?::jsonb, '{}'::jsonb, TRUE, now(), 'test')")) {
            ps.setString(1, host);
            ps.setString(2, driver);
            ps.setString(3, EventCodec.toJson(params));
            ps.executeUpdate();
        }
    }

    /** Ledger rows "decision reason" of one host, oldest first. */
    static List<String> ledger(String host) throws SQLException {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "SELECT decision, reason FROM ledger WHERE host_id = ? ORDER BY id")) {
            ps.setString(1, host);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            return out;
        }
    }

    static int count(String sql, Object... args) throws SQLException {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
