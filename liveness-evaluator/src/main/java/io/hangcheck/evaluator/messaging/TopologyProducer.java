package io.hangcheck.evaluator.messaging;

import io.hangcheck.evaluator.config.EvaluatorConfig;
import io.hangcheck.evaluator.domain.FleetAggregator;
import io.hangcheck.evaluator.metrics.EvaluatorMetrics;
import io.prometheus.client.CollectorRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.Topology;

import java.time.Clock;

/** Hands the production topology to quarkus-kafka-streams, with the instance-level fleet guard and metrics. */
@ApplicationScoped
public class TopologyProducer {

    @Produces
    @Singleton
    FleetAggregator fleet(EvaluatorConfig config, Clock clock) {
        return new FleetAggregator(config.instanceId(), config.thresholds(), config.groupThresholds(), clock)
                .peerSettings(config.peerSettings());
    }

    @Produces
    @Singleton
    EvaluatorMetrics metrics(CollectorRegistry registry, FleetAggregator fleet, EvaluatorConfig config) {
        EvaluatorMetrics metrics = new EvaluatorMetrics(registry, fleet);
        // the consumed topics' dead-letter series at 0 from the start, so increase() sees the first one
        metrics.deadLetters.labels(config.topicNames().heartbeats());
        metrics.deadLetters.labels(config.topicNames().reboots());
        if (config.topicNames().groups() != null) {
            metrics.deadLetters.labels(config.topicNames().groups());
        }
        return metrics;
    }

    @Produces
    @Singleton
    HostTables hostTables() {
        return new HostTables();
    }

    @Produces
    @Singleton
    Topology topology(EvaluatorConfig config, FleetAggregator fleet, EvaluatorMetrics metrics, Clock clock, HostTables tables) {
        LivenessTopology.Settings settings = LivenessTopology.Settings.of(config.instanceId())
                .reportInterval(config.fleet().reportInterval())
                .storeWriteEvery(config.storeWriteEvery());
        return LivenessTopology.build(config.thresholds(), config.topicNames(), settings, fleet, metrics, clock, tables);
    }
}
