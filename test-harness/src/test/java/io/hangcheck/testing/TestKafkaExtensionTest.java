package io.hangcheck.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hangcheck.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestKafkaExtension.class)
class TestKafkaExtensionTest {

    @Test
    void injectsTheSharedBrokerWithContractTopics(TestKafka kafka) throws Exception {
        assertThat(kafka).isSameAs(TestKafka.shared());
        assertThat(System.getProperty(TestKafka.BOOTSTRAP_PROPERTY)).isEqualTo(kafka.bootstrapServers());
        try (Admin admin = Admin.create(kafka.adminProps())) {
            assertThat(admin.listTopics().names().get()).contains(Topics.HEARTBEATS, Topics.dlq(Topics.REBOOTS));
        }
    }
}
