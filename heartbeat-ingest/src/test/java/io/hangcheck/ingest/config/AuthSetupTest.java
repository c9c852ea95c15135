package io.hangcheck.ingest.config;

import io.hangcheck.ingest.metrics.IngestMetrics;
import io.prometheus.client.CollectorRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ingest's start-up decision about credentials: none configured is a refusal unless insecure is chosen explicitly. */
class AuthSetupTest {

    private static AuthSetup setup(Map<String, String> settings, IngestMetrics metrics) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(IngestConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValues(settings).build();
        return new AuthSetup(config.getConfigMapping(IngestConfig.class), metrics);
    }

    private static IngestMetrics metrics() {
        return new IngestMetrics(new CollectorRegistry());
    }

    @Test
    void noCredentialAndNotInsecureRefusesToStartNamingTheSetting() {
        assertThatThrownBy(() -> setup(Map.of(), metrics())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HANGCHECK_INGEST_AUTH_SECRETS").hasMessageContaining("auth.insecure=true");
    }

    @Test
    void insecureIsAnExplicitChoiceAndExported() {
        IngestMetrics m = metrics();
        AuthSetup a = setup(Map.of("hangcheck.ingest.auth.insecure", "true"), m);
        assertThat(m.insecure.get()).isEqualTo(1.0);
        assertThat(a.credentials().httpAuthenticated()).isFalse();
    }

    @Test
    void aPoolNeedsTheLabSecretAndAPatternThatCompiles() {
        assertThatThrownBy(() -> setup(Map.of("hangcheck.ingest.http.bearer-tokens", "relay",
                "hangcheck.ingest.auth.pools.nightly", "nightly-.*"), metrics()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("auth.secrets");
        assertThatThrownBy(() -> setup(Map.of("hangcheck.ingest.auth.secrets", "s",
                "hangcheck.ingest.auth.pools.nightly", "nightly-[0-9"), metrics()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("auth.pools.nightly");
        AuthSetup a = setup(Map.of("hangcheck.ingest.auth.secrets", "s", "hangcheck.ingest.auth.pools.nightly", "nightly-[0-9]+"), metrics());
        byte[] pool = io.hangcheck.events.wire.HostCredentials.poolHttpToken("s".getBytes(StandardCharsets.UTF_8), "nightly")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(a.credentials().mayPost(pool, "nightly-12")).isTrue();
        assertThat(a.credentials().mayPost(pool, "nightly-12x")).as("the whole id must match").isFalse();
        assertThat(a.credentials().mayPost(pool, "changelist-1")).isFalse();
        assertThat(a.credentials().poolOf(pool)).isEqualTo("nightly");
    }
}
