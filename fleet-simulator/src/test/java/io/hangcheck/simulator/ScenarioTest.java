package io.hangcheck.simulator;

import io.hangcheck.agent.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioTest {

    @Test
    void stepsAreReadInTimeOrderSkippingComments() {
        Scenario s = Scenario.parse(List.of(
                "# the seed, compressed",
                "60s  leak  pool=changelist&rate=5&max=400",
                "",
                "30s  /hang  pool=nightly&count=2",
                "3m   leak/stop"), "demo.scenario");
        assertThat(s.steps()).extracting(Scenario.Step::action).containsExactly("hang", "leak", "leak/stop");
        assertThat(s.steps().get(0).at()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.steps().get(0).query()).isEqualTo("pool=nightly&count=2");
        assertThat(s.steps().get(2).query()).isEmpty();
    }

    @Test
    void aBadLineNamesItsNumber() {
        assertThatThrownBy(() -> Scenario.parse(List.of("30s hang x", "soon hang"), "f"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("f:2");
    }

    @Test
    void poolsParseWithLabelsAndTransport() {
        List<PoolSpec> pools = PoolSpec.parseAll("nightly:100,changelist:13:os=windows+transport=http", "--pools");
        assertThat(pools.get(1).labels()).containsEntry("os", "windows").containsEntry("pool", "changelist")
                .doesNotContainKey("transport");
        assertThat(pools.get(1).transport()).isEqualTo(PoolSpec.Transport.HTTP);
        assertThat(pools.get(0).transport()).isNull();
        assertThatThrownBy(() -> PoolSpec.parseAll("night-ly:3", "--pools")).isInstanceOf(ConfigException.class);
    }
}
