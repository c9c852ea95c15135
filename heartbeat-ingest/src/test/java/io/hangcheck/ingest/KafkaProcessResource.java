package io.hangcheck.ingest;

import io.hangcheck.events.Topics;
import io.hangcheck.testing.KafkaProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A broker in a child JVM with ingest's topics, for tests that stop it or configure it apart; the test gets the
 * {@link KafkaProcess} injected. A subclass chooses the broker ({@link #newBroker()}) and what ingest is told
 * ({@link #config(KafkaProcess)}).
 */
public class KafkaProcessResource implements QuarkusTestResourceLifecycleManager {

    private KafkaProcess broker;

    /** The broker to start: a plain one by default. */
    protected KafkaProcess newBroker() {
        return new KafkaProcess();
    }

    /** The configuration ingest gets for the started broker: its plaintext address by default. */
    protected Map<String, String> config(KafkaProcess started) {
        return Map.of("kafka.bootstrap.servers", started.bootstrapServers(), "HANGCHECK_KAFKA", started.bootstrapServers());
    }

    @Override
    public Map<String, String> start() {
        broker = newBroker().start();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(Topics.HEARTBEATS, 4, (short) 1),
                    new NewTopic(Topics.HEARTBEATS_RAW, 4, (short) 1),
                    new NewTopic(Topics.dlq(Topics.HEARTBEATS_RAW), 1, (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics on the child broker", e);
        }
        return config(broker);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(broker, new TestInjector.MatchesType(KafkaProcess.class));
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
