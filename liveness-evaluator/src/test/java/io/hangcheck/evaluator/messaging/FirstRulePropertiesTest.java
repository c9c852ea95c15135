package io.hangcheck.evaluator.messaging;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first rule as properties of random schedules through the production topology ({@link FleetSimulation}):
 * a live host is never HUNG, a hung host on a healthy path is always HUNG, no HUNG in doubt, no event twice.
 */
class FirstRulePropertiesTest {
    /** The processor logs every transition at INFO; 1,000 schedules would spend a good part of their time on it. */
    private static final java.util.logging.Logger PROCESSOR_LOG =
            java.util.logging.Logger.getLogger("io.hangcheck.evaluator.messaging.LivenessProcessor");
    private Path stateDir;
    private java.util.logging.Level level;

    @BeforeProperty
    void createStateDir() throws IOException {
        stateDir = Files.createTempDirectory("evaluator-properties");
        level = PROCESSOR_LOG.getLevel();
        PROCESSOR_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    @AfterProperty
    void deleteStateDir() throws IOException {
        PROCESSOR_LOG.setLevel(level);
        try (Stream<Path> paths = Files.walk(stateDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 1000)
    void randomSchedulesKeepTheFirstRule(@ForAll long seed) {
        FleetSimulation sim = new FleetSimulation(seed);
        List<String> violations = sim.run(stateDir);
        assertThat(violations).as(sim.toString()).isEmpty();
    }

    /** The same with group guards on: hosts in racks and one source network (fewer tries: the rule is the same). */
    @Property(tries = 100)
    void randomSchedulesKeepTheFirstRuleWithGroupGuards(@ForAll long seed) {
        FleetSimulation sim = new FleetSimulation(seed, true);
        List<String> violations = sim.run(stateDir);
        assertThat(violations).as(sim.toString()).isEmpty();
    }
}
