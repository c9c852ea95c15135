package io.hangcheck.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaProcessTest {

    @Test
    void stoppedOrKilledBrokerRefusesSendsAndComesBackWithItsData() throws Exception {
        try (KafkaProcess broker = new KafkaProcess()) {
            String address = broker.start().bootstrapServers();
            System.out.println("child-process broker first start (format + start): " + broker.lastStartMillis() + " ms");
            try (Admin admin = Admin.create(props(broker))) {
                admin.createTopics(List.of(new NewTopic("outage", 1, (short) 1))).all().get();
            }
            send(broker, "before");

            long t0 = System.nanoTime();
            broker.stop();
            System.out.println("child-process broker stop (SIGTERM): " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertThat(broker.isRunning()).isFalse();
            assertThatThrownBy(() -> send(broker, "during"))
                    .isInstanceOfAny(ExecutionException.class, org.apache.kafka.common.errors.TimeoutException.class);

            broker.start();
            System.out.println("child-process broker restart after SIGTERM: " + broker.lastStartMillis() + " ms");
            send(broker, "after-stop");

            broker.kill();
            assertThat(broker.isRunning()).isFalse();
            broker.start();
            System.out.println("child-process broker restart after SIGKILL: " + broker.lastStartMillis() + " ms");
            send(broker, "after-kill");

            assertThat(broker.bootstrapServers()).isEqualTo(address);
            assertThat(readAll(broker, 3)).containsExactly("before", "after-stop", "after-kill");
        }
    }

    private static void send(KafkaProcess broker, String value) throws Exception {
        try (var producer = producer(broker)) {
            producer.send(new ProducerRecord<>("outage", "h1", value)).get();
        }
    }

    private static Properties props(KafkaProcess broker) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return p;
    }

    private static KafkaProducer<String, String> producer(KafkaProcess broker) {
        Properties p = props(broker);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "3000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(KafkaProcess broker, int expected) {
        Properties p = props(broker);
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            var tp = new TopicPartition("outage", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            return values;
        }
    }
}
