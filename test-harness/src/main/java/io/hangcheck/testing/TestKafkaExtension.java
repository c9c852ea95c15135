package io.hangcheck.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * For plain JUnit tests (no Quarkus): {@code @ExtendWith(TestKafkaExtension.class)} hands test methods,
 * constructors and lifecycle methods a {@link TestKafka} parameter, the JVM's shared broker with the
 * contract topics created.
 *
 * <pre>{@code
 * @ExtendWith(TestKafkaExtension.class)
 * class PublisherTest {
 *     @Test
 *     void publishes(TestKafka kafka) { ... kafka.drain(Topics.HEARTBEATS, Duration.ofSeconds(10), ...) ... }
 * }
 * }</pre>
 */
public class TestKafkaExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestKafka kafka = TestKafka.shared();
        kafka.createContractTopics();
        return kafka;
    }
}
