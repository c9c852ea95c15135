package io.hangcheck.evaluator.domain;

import io.hangcheck.events.HostStatus;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostRecordSerdeTest {

    private static HostRecord sample(String boot, String via, Map<String, String> labels) {
        HostRecord r = new HostRecord();
        r.status = HostStatus.HELD;
        r.lastSeq = 123456789L;
        r.lastSeenAt = 1_700_000_000_000L;
        r.since = 1_700_000_100_000L;
        r.lastReceivedAt = 1_700_000_000_123L;
        r.bootGraceUntil = 1_700_000_900_000L;
        r.seedStats(60_000);
        r.addInterval(61_000, 100);
        r.previousBootHash = 77;
        r.bootId = boot;
        r.via = via;
        r.viaHash = HostRecord.hash64(via);
        r.labels = labels;
        return r;
    }

    @Test
    void roundTripsEveryField() {
        HostRecord r = sample("boot-1", "ingest-0", Map.of("pool", "win", "os", "windows-11"));
        HostRecord back = HostRecordSerde.fromBytes(HostRecordSerde.toBytes(r));
        assertThat(back.toString()).isEqualTo(r.toString());
        assertThat(back.varianceMs2()).isEqualTo(r.varianceMs2());
        assertThat(back.viaHash()).isEqualTo(r.viaHash());
        assertThat(back.previousBootHash).isEqualTo(77);
        assertThat(back.labelsTruncated()).isFalse();
    }

    @Test
    void theSourceNetworkRoundTripsAndARecordWithoutOneReadsAsBefore() {
        HostRecord r = sample("boot-1", "ingest-0", Map.of("rack", "r12"));
        r.net = "2001:db8:1:2::/64";
        HostRecord back = HostRecordSerde.fromBytes(HostRecordSerde.toBytes(r));
        assertThat(back.net()).isEqualTo("2001:db8:1:2::/64");
        assertThat(back.toString()).isEqualTo(r.toString());
        r.net = null;
        byte[] without = HostRecordSerde.toBytes(r);
        assertThat(without[2] & 16).as("no net flag: the bytes are what the format wrote before nets existed").isZero();
        assertThat(HostRecordSerde.fromBytes(without).net()).isNull();
    }

    @Test
    void largestPossibleHostStaysWithin256BytesAndKeepsWholeLabelsOnly() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < 16; i++) {
            labels.put("label-key-number-" + i, "v".repeat(128));
        }
        labels.put("a", "small");
        HostRecord r = sample("b".repeat(64), "i".repeat(128), labels);
        byte[] bytes = HostRecordSerde.toBytes(r);
        assertThat(bytes.length).isLessThanOrEqualTo(HostRecordSerde.MAX_BYTES);
        HostRecord back = HostRecordSerde.fromBytes(bytes);
        assertThat(back.labelsTruncated()).isTrue();
        assertThat(back.labels()).containsEntry("a", "small").hasSize(1);
        assertThat(back.bootId()).isEqualTo("b".repeat(64));
        // the via id is stored as a prefix; the evidence check uses the hash of the full id
        assertThat(back.via()).hasSize(48);
        assertThat(back.viaHash()).isEqualTo(HostRecord.hash64("i".repeat(128)));
    }

    @Test
    void typicalHostIsAboutOneHundredBytes() {
        HostRecord r = sample("3f2a9c1e-5b7d-4e0f-9a8b-1c2d3e4f5a6b", "ingest-1", Map.of("pool", "lab-a", "os", "linux"));
        assertThat(HostRecordSerde.toBytes(r).length).isBetween(100, 150);
    }

    @Test
    void corruptBytesAreASerializationError() {
        assertThatThrownBy(() -> HostRecordSerde.fromBytes(new byte[]{1, 2}))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
    }
}
