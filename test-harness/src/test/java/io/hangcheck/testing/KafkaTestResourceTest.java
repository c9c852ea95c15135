package io.hangcheck.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaTestResourceTest {

    @Test
    void pointsQuarkusAtTheSharedBrokerWithAFreshStateDir() {
        var resource = new KafkaTestResource();

        Map<String, String> first = resource.start();
        Map<String, String> second = resource.start();

        String bootstrap = TestKafka.shared().bootstrapServers();
        assertThat(first).containsEntry("kafka.bootstrap.servers", bootstrap)
                .containsEntry("HANGCHECK_KAFKA", bootstrap)
                .containsEntry("quarkus.kafka-streams.bootstrap-servers", bootstrap);
        assertThat(Path.of(first.get("kafka-streams.state.dir"))).isEmptyDirectory();
        assertThat(first.get("kafka-streams.state.dir")).isNotEqualTo(second.get("kafka-streams.state.dir"));
        resource.stop();
        assertThat(Files.exists(Path.of(first.get("kafka-streams.state.dir")))).isFalse();
    }
}
