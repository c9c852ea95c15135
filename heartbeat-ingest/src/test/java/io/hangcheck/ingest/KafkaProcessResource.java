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

/** A restartable broker in a child JVM for the outage test; the test gets the {@link KafkaProcess} injected. */
public class KafkaProcessResource implements QuarkusTestResourceLifecycleManager {

    private KafkaProcess broker;

    @Override
    public Map<String, String> start() {
        broker = new KafkaProcess().start();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(Topics.HEARTBEATS, 4, (short) 1),
                    new NewTopic(Topics.HEARTBEATS_RAW, 4, (short) 1),
                    new NewTopic(Topics.dlq(Topics.HEARTBEATS_RAW), 1, (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics on the child broker", e);
        }
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers(), "HANGCHECK_KAFKA", broker.bootstrapServers());
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
