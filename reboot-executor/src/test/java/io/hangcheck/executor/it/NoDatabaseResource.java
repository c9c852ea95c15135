package io.hangcheck.executor.it;

import io.hangcheck.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points the executor at a PostgreSQL port where nothing listens, and its liveness channel at a topic of this
 * test alone (each record takes seconds to fail without a database; the shared topic holds hundreds from
 * the other test classes).
 */
public class NoDatabaseResource implements QuarkusTestResourceLifecycleManager {
    public static final String TOPIC = "hangcheck.liveness.events.v1.nodb-test";

    @Override
    public Map<String, String> start() {
        TestKafka.shared().createTopics(1, TOPIC);
        return Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + PeersResource.freePort() + "/nothing",
                "mp.messaging.incoming.liveness-events.topic", TOPIC,
                "quarkus.datasource.jdbc.acquisition-timeout", "2s",
                "quarkus.datasource.jdbc.login-timeout", "2s");
    }

    @Override
    public void stop() {
    }
}
