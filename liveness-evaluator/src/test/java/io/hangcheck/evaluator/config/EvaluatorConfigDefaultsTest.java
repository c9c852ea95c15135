package io.hangcheck.evaluator.config;

import io.hangcheck.evaluator.domain.GroupThresholds;
import io.hangcheck.evaluator.domain.Thresholds;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The domain's defaults ({@link Thresholds#defaults()}, {@link GroupThresholds#defaults()}, used by the topology and
 * property tests) are the service's: the {@code @WithDefault} values of {@link EvaluatorConfig}, read by the same
 * config mapping the service uses. A default changed in one place and not the other fails here.
 */
class EvaluatorConfigDefaultsTest {

    @Test
    void theDomainDefaultsAreTheConfigDefaults() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter()) // "60s", as Quarkus reads it
                .withMapping(EvaluatorConfig.class).build();
        EvaluatorConfig c = config.getConfigMapping(EvaluatorConfig.class);
        assertThat(c.thresholds()).isEqualTo(Thresholds.defaults());
        assertThat(c.groupThresholds()).isEqualTo(GroupThresholds.defaults());
        assertThat(c.peerSettings()).isEqualTo(io.hangcheck.evaluator.domain.PeerSettings.defaults());
        assertThat(c.storeWriteEvery()).isEqualTo(io.hangcheck.evaluator.messaging.LivenessTopology.Settings.STORE_WRITE_EVERY);
    }
}
