package io.hangcheck.events;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {

    private static final Instant T0 = Instant.parse("2026-11-27T05:50:00Z");

    @Test
    void heartbeatRoundTripsThroughTheTopicRecordType() {
        Heartbeat hb = Heartbeat.fromHost("lab-1", "boot-a", 7, T0, Map.of("pool", "nightly"), 12L)
                .stamped(T0.plusMillis(5), Transport.UDP, "ingest-0");
        byte[] bytes = EventCodec.toBytes(hb);
        assertThat(new String(bytes)).contains("\"type\":\"heartbeat\"", "\"transport\":\"udp\"");
        assertThat(EventCodec.fromBytes(bytes, HeartbeatTopicRecord.class)).isEqualTo(hb);
        assertThat(hb.skew().toMillis()).isEqualTo(-5);
    }

    @Test
    void tickRoundTripsThroughTheTopicRecordType() {
        Tick tick = new Tick("ingest-0", T0, 2, 99, IngestHealth.ok(3, 500));
        assertThat(EventCodec.fromBytes(EventCodec.toBytes(tick), HeartbeatTopicRecord.class)).isEqualTo(tick);
    }

    @Test
    void aHostsHeartbeatNeedsNoTypeProperty() {
        Heartbeat hb = EventCodec.fromJson("{\"hostId\":\"h1\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\"}", Heartbeat.class);
        assertThat(hb.hostId()).isEqualTo("h1");
        assertThat(hb.labels()).isEmpty();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "{\"hostId\":12,\"bootId\":\"b\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\"}|hostId",
            "{\"hostId\":true,\"bootId\":\"b\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\"}|hostId",
            "{\"hostId\":\"h\",\"bootId\":1.5,\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\"}|bootId",
            "{\"hostId\":\"h\",\"bootId\":\"b\",\"seq\":\"12\",\"sentAt\":\"2026-11-27T05:50:00Z\"}|seq",
            "{\"hostId\":\"h\",\"bootId\":\"b\",\"seq\":true,\"sentAt\":\"2026-11-27T05:50:00Z\"}|seq",
            "{\"hostId\":\"h\",\"bootId\":\"b\",\"seq\":1,\"sentAt\":12}|sentAt",
            "{\"hostId\":\"h\",\"bootId\":\"b\",\"seq\":1,\"sentAt\":1764223200000}|sentAt",
            "{\"hostId\":\"h\",\"bootId\":\"b\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\",\"uptimeSeconds\":\"7\"}|uptimeSeconds",
            "{\"hostId\":\"h\",\"bootId\":\"b\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\",\"labels\":{\"pool\":1}}|labels.pool",
            "{\"hostId\":\"h\",\"bootId\":\"b\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\",\"labels\":{\"pool\":true}}|labels.pool",
    })
    void aScalarOfTheWrongTypeIsRefusedNamingTheFieldNotCoerced(String json, String field) {
        assertThatThrownBy(() -> EventCodec.fromJson(json, Heartbeat.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.reason()).startsWith("must be");
                });
    }

    @Test
    void topicRecordWithoutTypeIsRejectedNamingType() {
        assertThatThrownBy(() -> EventCodec.fromJson("{\"hostId\":\"h1\"}", HeartbeatTopicRecord.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("type"));
    }

    @Test
    void missingRequiredFieldIsNamed() {
        assertThatThrownBy(() -> EventCodec.fromJson("{\"hostId\":\"h1\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\"}", Heartbeat.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.field()).isEqualTo("bootId");
                    assertThat(e.reason()).isEqualTo("is required");
                });
    }

    @Test
    void missingSequenceIsNamed() {
        assertThatThrownBy(() -> EventCodec.fromJson("{\"hostId\":\"h1\",\"bootId\":\"b\",\"sentAt\":\"2026-11-27T05:50:00Z\"}", Heartbeat.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("seq"));
    }

    @Test
    void wrongTypeIsNamed() {
        assertThatThrownBy(() -> EventCodec.fromJson("{\"hostId\":\"h1\",\"bootId\":\"b\",\"seq\":\"many\",\"sentAt\":\"2026-11-27T05:50:00Z\"}", Heartbeat.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("seq"));
        assertThatThrownBy(() -> EventCodec.fromJson("{\"hostId\":\"h1\",\"bootId\":\"b\",\"seq\":1,\"sentAt\":\"yesterday\"}", Heartbeat.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("sentAt"));
    }

    @Test
    void badHostIdAndLabelsAreNamed() {
        assertThatThrownBy(() -> Heartbeat.fromHost("-bad host", "b", 1, T0, Map.of(), null))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("hostId"));
        assertThatThrownBy(() -> Heartbeat.fromHost("h".repeat(129), "b", 1, T0, Map.of(), null))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("hostId"));
        assertThatThrownBy(() -> Heartbeat.fromHost("h", "b", 1, T0, Map.of("pool", "x".repeat(129)), null))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("labels.pool"));
        assertThatThrownBy(() -> Heartbeat.fromHost("h", "b", -1, T0, Map.of(), null))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("seq"));
    }

    @Test
    void fractionalSequenceAndEmptyLabelValuesAreRefused() {
        assertThatThrownBy(() -> EventCodec.fromJson("{\"hostId\":\"h1\",\"bootId\":\"b\",\"seq\":1.5,\"sentAt\":\"2026-11-27T05:50:00Z\"}", Heartbeat.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("seq"));
        assertThatThrownBy(() -> Heartbeat.fromHost("h", "b", 1, T0, Map.of("pool", ""), null))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("labels.pool"));
    }

    @Test
    void malformedJsonIsReportedForTheWholeDocument() {
        assertThatThrownBy(() -> EventCodec.fromJson("{\"hostId\":", Heartbeat.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("$"));
        assertThatThrownBy(() -> EventCodec.fromJson("", Heartbeat.class))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.field()).isEqualTo("$"));
        assertThatThrownBy(() -> EventCodec.fromJson("null", Heartbeat.class))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> EventCodec.fromJson("{} {}", Heartbeat.class))
                .isInstanceOf(InvalidEventException.class);
    }

    @Test
    void unknownPropertiesAreIgnoredForForwardCompatibility() {
        Heartbeat hb = EventCodec.fromJson("{\"hostId\":\"h1\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"2026-11-27T05:50:00Z\",\"future\":true}", Heartbeat.class);
        assertThat(hb.seq()).isEqualTo(1);
    }

    @Test
    void recordsAreImmutable() {
        java.util.HashMap<String, String> labels = new java.util.HashMap<>(Map.of("pool", "a"));
        Heartbeat hb = Heartbeat.fromHost("h", "b", 1, T0, labels, null);
        labels.put("os", "linux");
        assertThat(hb.labels()).containsOnlyKeys("pool");
        assertThatThrownBy(() -> hb.labels().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        FleetHealth fh = new FleetHealth("e", FleetMode.NORMAL, new java.util.ArrayList<>(List.of("r")), 1, 0, 0.0, 0, List.of(0), List.of(), T0, T0);
        assertThatThrownBy(() -> fh.reasons().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void mostCautiousFleetModeWins() {
        assertThat(FleetMode.NORMAL.mostCautious(FleetMode.FROZEN)).isEqualTo(FleetMode.FROZEN);
        assertThat(FleetMode.FROZEN.mostCautious(FleetMode.DEGRADED)).isEqualTo(FleetMode.FROZEN);
        assertThat(FleetMode.DEGRADED.mostCautious(null)).isEqualTo(FleetMode.DEGRADED);
    }

    @Test
    void incidentIdIsDeterministic() {
        assertThat(LivenessEvent.incidentId("h", "b", 41)).isEqualTo(LivenessEvent.incidentId("h", "b", 41)).isEqualTo("h/b/41");
        assertThat(LivenessEvent.eventId("h/b/41", LivenessEventType.HUNG)).isEqualTo("h/b/41/HUNG");
    }

    @Test
    void rebootRecordFillsTheReasonSentence() {
        RebootRecord r = new RebootRecord("1", "i", "h", RebootDecision.SKIPPED, RebootReason.PAUSED, null, null, 0, T0, null);
        assertThat(r.reasonText()).isEqualTo(RebootReason.PAUSED.sentence());
    }

    @Test
    void cloudEventsAttributesAreComplete() {
        Map<String, String> h = CloudEvents.attributes("id-1", EventType.HEARTBEAT, "/hangcheck/ingest/i0", T0);
        assertThat(h).containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_type", "io.hangcheck.heartbeat.v1")
                .containsEntry("ce_time", "2026-11-27T05:50:00Z")
                .containsKeys("ce_id", "ce_source", "content-type");
    }

    /**
     * apply() writes what attributes() says, in its order, replacing headers of the same names and keeping others;
     * a time that comes again (its text reused) and a new one each give their own text, in arrays of their own.
     */
    @Test
    void cloudEventsApplyWritesTheAttributesAndReplacesOldOnes() {
        for (Instant time : List.of(T0, T0, T0.plusMillis(1), T0, Instant.parse("2026-11-27T05:50:00.123456789Z"))) {
            org.apache.kafka.common.header.internals.RecordHeaders fresh = new org.apache.kafka.common.header.internals.RecordHeaders();
            CloudEvents.apply(fresh, "id-1", EventType.HOST_STATE, "/hangcheck/evaluator/e0", time);
            Map<String, String> written = new java.util.LinkedHashMap<>();
            fresh.forEach(h -> written.put(h.key(), new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
            Map<String, String> expected = CloudEvents.attributes("id-1", EventType.HOST_STATE, "/hangcheck/evaluator/e0", time);
            assertThat(written).containsExactlyEntriesOf(expected);
            assertThat(List.copyOf(written.keySet())).containsExactlyElementsOf(expected.keySet());
            fresh.lastHeader("ce_time").value()[0] = 'X'; // the record's own array: the next one is not changed
        }
        org.apache.kafka.common.header.internals.RecordHeaders old = new org.apache.kafka.common.header.internals.RecordHeaders();
        old.add("ce_id", "old".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        old.add("traceparent", "00-1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        old.add("ce_time", "old".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        CloudEvents.apply(old, "id-2", EventType.HEARTBEAT, "/hangcheck/ingest/i0", T0);
        assertThat(old.headers("ce_id")).hasSize(1);
        assertThat(old.headers("ce_time")).hasSize(1);
        assertThat(CloudEvents.header(old, "ce_id")).contains("id-2");
        assertThat(CloudEvents.header(old, "ce_time")).contains("2026-11-27T05:50:00Z");
        assertThat(CloudEvents.header(old, "traceparent")).contains("00-1");
        assertThatThrownBy(() -> CloudEvents.apply(old, " ", EventType.HEARTBEAT, "/s", T0))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("ce_id");
    }
}
