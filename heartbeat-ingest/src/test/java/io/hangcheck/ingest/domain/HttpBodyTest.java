package io.hangcheck.ingest.domain;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HttpBodyTest {

    private static HttpBody.Parsed parse(String s) {
        return HttpBody.parse(s.getBytes(StandardCharsets.UTF_8), 3);
    }

    private static final String HB = "{\"hostId\":\"lab-07\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"2026-11-27T06:00:00Z\"}";

    @Test
    void oneObjectIsOneHeartbeat() {
        HttpBody.Parsed p = parse("  \n" + HB);
        assertThat(p.ok()).isTrue();
        assertThat(p.heartbeats()).singleElement().satisfies(h -> assertThat(h.hostId()).isEqualTo("lab-07"));
    }

    @Test
    void anArrayIsABatchUpToTheLimit() {
        assertThat(parse("[" + HB + "," + HB + "," + HB + "]").heartbeats()).hasSize(3);
        HttpBody.Parsed tooMany = parse("[" + HB + "," + HB + "," + HB + "," + HB + "]");
        assertThat(tooMany.rejection().reason()).isEqualTo(RejectReason.BATCH_TOO_LARGE);
    }

    @Test
    void theFirstBadElementIsNamedByIndex() {
        HttpBody.Parsed p = parse("[" + HB + ",{\"hostId\":\"x y\",\"bootId\":\"b\",\"seq\":1,\"sentAt\":\"2026-11-27T06:00:00Z\"}]");
        assertThat(p.rejection().reason()).isEqualTo(RejectReason.INVALID);
        assertThat(p.rejection().field()).isEqualTo("[1].hostId");
    }

    @Test
    void jacksonWordingIsSaidPlainly() {
        assertThat(parse("{\"hostId\":\"h\",\"bootId\":\"b\",\"sentAt\":\"2026-11-27T06:00:00Z\"}").rejection())
                .extracting(Rejection::field, Rejection::detail).containsExactly("seq", "is required");
        assertThat(parse("{\"hostId\":\"h\",\"bootId\":\"b\",\"seq\":1.5,\"sentAt\":\"2026-11-27T06:00:00Z\"}").ok()).isFalse();
    }

    @Test
    void nonJsonAndEmptyAreMalformed() {
        assertThat(parse("").rejection().reason()).isEqualTo(RejectReason.MALFORMED);
        assertThat(parse("   ").rejection().reason()).isEqualTo(RejectReason.MALFORMED);
        assertThat(parse("hc1 host=h").rejection().reason()).isEqualTo(RejectReason.MALFORMED);
        assertThat(parse("{\"hostId\":").rejection().reason()).isEqualTo(RejectReason.MALFORMED);
        assertThat(parse("[null]").rejection().field()).isEqualTo("[0]");
        assertThat(HttpBody.parse(null, 3).ok()).isFalse();
    }

    @Test
    void sentAtAYearFromTheReceiveTimeIsRefusedAndABatchIsCheckedWholeFirst() {
        java.time.Instant now = java.time.Instant.parse("2026-11-27T06:00:00Z");
        String d2 = HB.replace("2026-11-27T06:00:00Z", "-1000000000-01-01T00:00:00Z");
        String late = HB.replace("2026-11-27T06:00:00Z", "2027-11-29T06:00:00Z");
        assertThat(HttpBody.parse(d2.getBytes(StandardCharsets.UTF_8), 3, now).rejection().field()).isEqualTo("sentAt");
        assertThat(HttpBody.parse(late.getBytes(StandardCharsets.UTF_8), 3, now).rejection().field()).isEqualTo("sentAt");
        HttpBody.Parsed batch = HttpBody.parse(("[" + HB + "," + late + "]").getBytes(StandardCharsets.UTF_8), 3, now);
        assertThat(batch.heartbeats()).isEmpty();
        assertThat(batch.rejection().field()).isEqualTo("[1].sentAt");
        assertThat(batch.rejection().reason()).isEqualTo(RejectReason.INVALID);
        assertThat(HttpBody.parse(("[" + HB + "," + HB + "]").getBytes(StandardCharsets.UTF_8), 3, now).heartbeats()).hasSize(2);
    }

    @Test
    void aDuplicatedKeyIsRefusedNamingIt() {
        HttpBody.Parsed p = parse("{\"hostId\":\"lab-07\",\"bootId\":\"b1\",\"seq\":1,\"seq\":9,\"sentAt\":\"2026-11-27T06:00:00Z\"}");
        assertThat(p.rejection().field()).isEqualTo("seq");
        assertThat(p.rejection().reason()).isEqualTo(RejectReason.INVALID);
        assertThat(parse("[" + HB + ",{\"hostId\":\"a\",\"hostId\":\"b\",\"bootId\":\"b1\",\"seq\":1,\"sentAt\":\"2026-11-27T06:00:00Z\"}]")
                .rejection().field()).isEqualTo("[1].hostId");
    }
}
