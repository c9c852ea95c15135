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
    void theRestoreGraceRoundTripsAndARecordWithoutOneReadsAsBefore() {
        HostRecord r = sample("boot-1", "ingest-0", Map.of("rack", "r12"));
        r.status = HostStatus.SUSPECT;
        r.restoredAt = r.lastSeenAt + 240_000;
        HostRecord back = HostRecordSerde.fromBytes(HostRecordSerde.toBytes(r));
        assertThat(back.restoredAt()).isEqualTo(r.restoredAt);
        assertThat(back.silentFrom()).isEqualTo(r.restoredAt);
        assertThat(back.toString()).isEqualTo(r.toString());
        r.restoredAt = 0;
        byte[] without = HostRecordSerde.toBytes(r);
        assertThat(without[2] & 32).as("no restore flag: the bytes are what the format wrote before").isZero();
        assertThat(HostRecordSerde.fromBytes(without).silentFrom()).isEqualTo(r.lastSeenAt);
    }

    @Test
    void onlyAnUpHostGetsARestoreGraceAndAHeartbeatsHotFieldsAreNotDurable() {
        HostRecord up = sample("boot-1", "ingest-0", Map.of());
        up.status = HostStatus.UP;
        up.restored(up.lastSeenAt + 1000);
        assertThat(up.restoredAt()).isEqualTo(up.lastSeenAt + 1000);
        HostRecord suspect = sample("boot-1", "ingest-0", Map.of());
        suspect.status = HostStatus.SUSPECT;
        suspect.restored(suspect.lastSeenAt + 1000);
        assertThat(suspect.restoredAt()).as("its last-seen time was written when it turned SUSPECT").isZero();
        HostRecord beat = up.copy();
        beat.lastSeq++;
        beat.lastSeenAt += 30_000;
        beat.lastReceivedAt += 30_000;
        beat.addInterval(30_000, 100);
        beat.restoredAt = 0;
        assertThat(beat.sameDurable(up)).isTrue();
        HostRecord moved = beat.copy();
        moved.net = "10.1.2.0/24";
        assertThat(moved.sameDurable(up)).isFalse();
        HostRecord rebooted = beat.copy();
        rebooted.bootId = "boot-2";
        assertThat(rebooted.sameDurable(up)).isFalse();
    }

    @Test
    void theLargestOfEveryFieldStillFitsAndTheNetGoesWhenItCannot() {
        HostRecord r = sample("b".repeat(64), "i".repeat(128), Map.of("rack", "r1"));
        r.seqShift = 5;
        r.restoredAt = r.lastSeenAt + 1;
        r.net = "n".repeat(io.hangcheck.events.SourceNetwork.MAX);
        byte[] bytes = HostRecordSerde.toBytes(r);
        assertThat(bytes.length).isLessThanOrEqualTo(HostRecordSerde.MAX_BYTES);
        HostRecord back = HostRecordSerde.fromBytes(bytes);
        assertThat(back.restoredAt()).isEqualTo(r.restoredAt);
        assertThat(back.net()).as("73 + 8 + 8 + 65 + 49 bytes leave no room for 65 more").isNull();
        r.net = "2001:db8:1:2::/64";
        assertThat(HostRecordSerde.fromBytes(HostRecordSerde.toBytes(r)).net()).isEqualTo("2001:db8:1:2::/64");
        HostRecordSerde.keepStoredLabels(r);
        assertThat(r.net()).isEqualTo("2001:db8:1:2::/64");
    }

    @Test
    void corruptBytesAreASerializationError() {
        assertThatThrownBy(() -> HostRecordSerde.fromBytes(new byte[]{1, 2}))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
    }
}
