package io.hangcheck.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Points a {@code @QuarkusTest} at the JVM's shared real Kafka broker ({@link TestKafka#shared()}) with
 * every contract topic created. Kafka Streams gets a fresh state directory on every start: a RocksDB
 * state left by an earlier run, against a fresh broker, corrupts tasks.
 *
 * <pre>{@code @QuarkusTestResource(KafkaTestResource.class)}</pre>
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private final List<Path> stateDirs = new ArrayList<>();

    @Override
    public Map<String, String> start() {
        TestKafka kafka = TestKafka.shared();
        kafka.createContractTopics();
        Path stateDir;
        try {
            stateDir = Files.createTempDirectory("hangcheck-streams-state-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stateDirs.add(stateDir);
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "HANGCHECK_KAFKA", kafka.bootstrapServers(),
                "quarkus.kafka-streams.bootstrap-servers", kafka.bootstrapServers(),
                "kafka-streams.state.dir", stateDir.toString());
    }

    @Override
    public void stop() {
        // The broker is shared by every test of this JVM and closes with it; the state dirs go now.
        for (Path dir : stateDirs) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort: a temp dir left behind is harmless
            }
        }
        stateDirs.clear();
    }
}
