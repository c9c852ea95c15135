package io.hangcheck.agent.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentConfigTest {

    @Test
    void aMissingCredentialIsNamedForThePathThatNeedsIt() {
        assertThat(AgentConfig.from(new String[]{"--host-id", "h1"}, Map.of()).missingCredentials())
                .hasSize(2).anyMatch(w -> w.contains("HANGCHECK_HMAC_KEY")).anyMatch(w -> w.contains("HANGCHECK_TOKEN"));
        assertThat(AgentConfig.from(new String[]{"--host-id", "h1", "--mode", "udp"}, Map.of("HANGCHECK_HMAC_KEY", "hex:0a")).missingCredentials())
                .isEmpty();
        assertThat(AgentConfig.from(new String[]{"--host-id", "h1", "--mode", "http"}, Map.of()).missingCredentials())
                .singleElement().asString().contains("HANGCHECK_TOKEN");
    }

    @Test
    void environmentConfiguresAndFlagsWin() {
        Map<String, String> env = Map.of("HANGCHECK_INGEST", "ingest.lab:9000", "HANGCHECK_HOST_ID", "lab-001",
                "HANGCHECK_LABELS", "pool=nightly,os=windows", "HANGCHECK_INTERVAL", "30s",
                "HANGCHECK_HMAC_KEY", "hex:00ff", "HANGCHECK_TOKEN", "t");
        AgentConfig c = AgentConfig.from(new String[]{"--interval", "2m"}, env);
        assertThat(c.ingest()).isEqualTo(new Endpoint("http", "ingest.lab", 9000));
        assertThat(c.udpTarget().host()).isEqualTo("ingest.lab");
        assertThat(c.udpTarget().port()).isEqualTo(9000);
        assertThat(c.hostId()).isEqualTo("lab-001");
        assertThat(c.labels()).containsExactly(Map.entry("pool", "nightly"), Map.entry("os", "windows"));
        assertThat(c.interval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.hmacKey()).containsExactly(0, 0xff);
        assertThat(c.token()).isEqualTo("t");
        assertThat(c.mode()).isEqualTo(Mode.UDP_HTTP);
    }

    @Test
    void defaultsPointAtLocalIngestAndAddTheOsLabel() {
        AgentConfig c = AgentConfig.from(new String[]{"--host-id", "h1"}, Map.of());
        assertThat(c.ingest().toString()).isEqualTo("http://127.0.0.1:8081");
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.labels()).containsKey("os");
        assertThat(c.maxAttempts()).isEqualTo(3);
    }

    @Test
    void badValuesNameTheFlag() {
        assertThatThrownBy(() -> AgentConfig.from(new String[]{"--interval", "200ms"}, Map.of()))
                .isInstanceOf(ConfigException.class).extracting("field").isEqualTo("--interval");
        assertThatThrownBy(() -> AgentConfig.from(new String[]{"--mode", "tcp"}, Map.of()))
                .isInstanceOf(ConfigException.class).extracting("field").isEqualTo("--mode");
        assertThatThrownBy(() -> AgentConfig.from(new String[]{"--host-id", "-bad"}, Map.of()))
                .isInstanceOf(ConfigException.class).extracting("field").isEqualTo("--host-id");
        assertThatThrownBy(() -> AgentConfig.from(new String[]{"--labels", "pool=has space"}, Map.of()))
                .isInstanceOf(ConfigException.class).extracting("field").isEqualTo("--labels");
        assertThatThrownBy(() -> AgentConfig.from(new String[]{"--intreval", "5s"}, Map.of()))
                .isInstanceOf(ConfigException.class).extracting("field").isEqualTo("--intreval");
        assertThatThrownBy(() -> AgentConfig.from(new String[]{"--ingest", "ftp://x"}, Map.of()))
                .isInstanceOf(ConfigException.class).extracting("field").isEqualTo("--ingest");
    }

    @Test
    void durationsReadTheShortForms() {
        assertThat(Durations.parse("500ms", "f")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("1.5s", "f")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("2m", "f")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("45", "f")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Durations.parse("PT1H", "f")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Durations.parse("soon", "f")).isInstanceOf(ConfigException.class);
    }
}
