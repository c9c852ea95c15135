package io.hangcheck.executor.config;

import io.hangcheck.executor.domain.Policy;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Policy.Limits#defaults()} (the documented defaults, used by the policy's tests) are the service's: the
 * {@code @WithDefault} values of {@link ExecutorConfig}, read by the same config mapping the service uses.
 */
class ExecutorConfigDefaultsTest {

    @Test
    void thePolicyDefaultsAreTheConfigDefaults() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter()) // "10m", as Quarkus reads it
                .withMapping(ExecutorConfig.class).build();
        assertThat(config.getConfigMapping(ExecutorConfig.class).limits().policyLimits()).isEqualTo(Policy.Limits.defaults());
    }
}
