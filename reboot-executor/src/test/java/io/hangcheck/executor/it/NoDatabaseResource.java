package io.hangcheck.executor.it;

import io.hangcheck.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points the executor at a PostgreSQL port where nothing listens, and its liveness events at a topic of this
 * test alone (the shared topic holds hundreds of records from the other test classes).
 */
public class NoDatabaseResource implements QuarkusTestResourceLifecycleManager {
    public static final String TOPIC = "hangcheck.liveness.events.v1.nodb-test";

    @Override
    public Map<String, String> start() {
        TestKafka.shared().createTopics(1, TOPIC);
        return Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + PeersResource.freePort() + "/nothing",
                "hangcheck.executor.events-topic", TOPIC,
                "quarkus.datasource.jdbc.acquisition-timeout", "2s",
                "quarkus.datasource.jdbc.login-timeout", "2s");
    }

    @Override
    public void stop() {
    }
}
