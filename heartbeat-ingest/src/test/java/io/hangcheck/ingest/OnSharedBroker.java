package io.hangcheck.ingest;

import io.hangcheck.ingest.udp.UdpReceiver;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** For tests of an ingest on the JVM's shared broker: its UDP receiver, the broker's address, and each test starts once it is ready. */
abstract class OnSharedBroker {

    @Inject
    UdpReceiver udp;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @BeforeEach
    void ready() {
        await().atMost(Duration.ofSeconds(90)).until(() -> given().get("/q/health/ready").statusCode() == 200);
    }
}
