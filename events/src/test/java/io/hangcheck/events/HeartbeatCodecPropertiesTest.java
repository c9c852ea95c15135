package io.hangcheck.events;

import com.fasterxml.jackson.databind.JsonNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HeartbeatCodec} is the contract's databind serde ({@link EventCodec}), over valid and damaged input: for every
 * document, each of its three readings (a host's heartbeat, a heartbeat-topic record, an HTTP body) accepts exactly
 * what the serde accepts, with an equal value, and refuses what it refuses with the same field and reason; writing a
 * valid heartbeat, as it is or stamped, gives the serde's bytes (or its refusal of the stamp).
 *
 * <p>Documents are built field by field from a valid heartbeat (or a tick, or a batch of them) and then damaged: a
 * field dropped, repeated, moved or given another JSON value or another form of its time, an unknown field added,
 * {@code "type"} moved or changed, a label broken, and bytes replaced, removed or inserted.
 */
class HeartbeatCodecPropertiesTest {

    private static final int MAX_BATCH = 3;

    @Property(tries = 4000)
    void theCodecIsTheContractSerde(@ForAll("cases") Case c) {
        byte[] doc = c.document().getBytes(StandardCharsets.UTF_8);

        Object host = outcome(() -> HeartbeatCodec.readHeartbeat(doc));
        assertThat(host).as("readHeartbeat %s", c.document()).isEqualTo(outcome(() -> EventCodec.fromBytes(doc, Heartbeat.class)));
        Object topic = outcome(() -> HeartbeatCodec.readTopicRecord(doc));
        assertThat(topic).as("readTopicRecord %s", c.document())
                .isEqualTo(outcome(() -> EventCodec.fromBytes(doc, HeartbeatTopicRecord.class)));
        Object batch = outcome(() -> HeartbeatCodec.readBatch(doc, MAX_BATCH));
        assertThat(batch).as("readBatch %s", c.document()).isEqualTo(outcome(() -> referenceBatch(doc, MAX_BATCH)));

        boolean streamed = HeartbeatCodec.streamed(doc, false) != null || HeartbeatCodec.streamed(doc, true) != null
                || HeartbeatCodec.streamedBatch(doc, MAX_BATCH) != null;
        Statistics.label("damaged").collect(c.damaged());
        Statistics.label("outcome").collect(host instanceof Refused ? "refused" : streamed ? "streamed" : "accepted by databind");
        if (streamed) {
            assertThat(host instanceof Refused && topic instanceof Refused && batch instanceof Refused).as(c.document()).isFalse();
        }

        Heartbeat hb = c.valid();
        if (hb != null) {
            assertThat(text(HeartbeatCodec.write(hb))).isEqualTo(EventCodec.toJson(hb));
            Object stamped = outcome(() -> text(HeartbeatCodec.writeStamped(hb, c.receivedAt(), c.transport(), c.via(), c.net())));
            assertThat(stamped).as("writeStamped").isEqualTo(outcome(
                    () -> EventCodec.toJson(hb.stamped(c.receivedAt(), c.transport(), c.via(), c.net()))));
        }
    }

    // ------------------------------------------------------------------ outcomes

    /** A refusal as the contract reports it: the field, the reason, and whether the batch was too large. */
    record Refused(String field, String reason, boolean tooMany) {
    }

    private static Object outcome(Supplier<?> reading) {
        try {
            return reading.get();
        } catch (InvalidEventException e) {
            return new Refused(e.field(), e.reason(), e instanceof HeartbeatCodec.TooManyHeartbeats);
        }
    }

    /**
     * An HTTP body as ingest always read it with databind: blank space, then one object (read as a {@link Heartbeat}), or
     * an array read as a tree — its syntax first, then its size, then each element in turn, named {@code [i]}.
     */
    static List<Heartbeat> referenceBatch(byte[] body, int max) {
        int first = -1;
        for (int i = 0; body != null && i < body.length; i++) {
            if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r' && body[i] != '\n') {
                first = i;
                break;
            }
        }
        if (first < 0) {
            throw new InvalidEventException("$", "empty body");
        }
        if (body[first] == '{') {
            return List.of(EventCodec.fromBytes(body, Heartbeat.class));
        }
        if (body[first] != '[') {
            throw new InvalidEventException("$", "expected a JSON object or array");
        }
        JsonNode root;
        try {
            root = EventCodec.mapper().readTree(body);
        } catch (IOException e) {
            throw EventCodec.translate(e);
        }
        if (root.size() == 0) {
            throw new InvalidEventException("$", "empty array");
        }
        if (root.size() > max) {
            throw new HeartbeatCodec.TooManyHeartbeats(root.size(), max);
        }
        List<Heartbeat> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode element = root.get(i);
            if (element == null || !element.isObject()) {
                throw new InvalidEventException("[" + i + "]", "not a JSON object");
            }
            try {
                out.add(EventCodec.mapper().treeToValue(element, Heartbeat.class));
            } catch (IOException | IllegalArgumentException e) {
                InvalidEventException iee = EventCodec.translate(e);
                throw new InvalidEventException("[" + i + "]" + ("$".equals(iee.field()) ? "" : "." + iee.field()), iee.reason());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ documents

    /**
     * One document and, when it was built from a valid heartbeat, that heartbeat and a stamp to write it with.
     */
    record Case(String document, boolean damaged, Heartbeat valid, Instant receivedAt, Transport transport, String via, String net) {
        @Override
        public String toString() {
            return document;
        }
    }

    /** Values of every JSON type and of forms the contract refuses or reads another way, for any field. */
    private static final String[] OTHER_VALUES = {
            "null", "0", "1", "-1", "1.0", "1.5", "1e3", "-0", "9007199254740992", "9007199254740993", "9223372036854775807",
            "9223372036854775808", "315619200", "315619201", "\"1\"", "true", "false", "{}", "[]", "[\"x\"]", "{\"a\":\"b\"}",
            "\"\"", "\" \"", "\"x y\"", "\"h-1\"", "\"udp\"", "\"UDP\"", "\"kafka\"", "\"heartbeat\"", "\"tick\"",
            "\"10.1.7.0/24\"", "\"2001:db8:1:2::/64\"", "\"rack 12\"", "\"" + "h".repeat(129) + "\"",
            "\"2026-11-27T06:00:00Z\"", "\"2026-11-27T06:00:00.5Z\"", "\"2026-11-27T06:00:00+00:00\"", "\"1764223200\"",
            "1764223200", "1764223200.5", "\"yesterday\"", "\"ingest-\\\"0\\\"\"", "\"\\u00e9t\\u00e9\""};

    /** The same instant in other texts: some are read by databind only, some refused. */
    private static List<String> otherTimeTexts(Instant t) {
        String s = t.toString();
        String base = s.substring(0, 19);
        int nanos = t.getNano();
        List<String> forms = new ArrayList<>(List.of(
                base + "." + String.format(Locale.ROOT, "%09d", nanos) + "Z",
                base + "." + String.format(Locale.ROOT, "%09d", nanos).substring(0, 4) + "Z",
                base + (nanos == 0 ? "" : "." + String.format(Locale.ROOT, "%09d", nanos).replaceAll("0+$", "")) + "Z",
                base + (nanos == 0 ? "" : "." + String.format(Locale.ROOT, "%09d", nanos)) + "+00:00",
                s.toLowerCase(), s.replace('T', ' '), base.substring(0, 16) + "Z", base.substring(0, 17) + "60Z",
                base.substring(0, 11) + "24:00:00Z", "+" + s, s + " ", String.valueOf(t.getEpochSecond()),
                t.getEpochSecond() + "." + String.format(Locale.ROOT, "%09d", nanos), base + ".Z", base + ".1234567890Z"));
        return forms;
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Case> heartbeat = Combinators.combine(heartbeats(), stamps(), Arbitraries.longs(), Arbitraries.integers().between(0, 12))
                .as((hb, stamp, seed, damage) -> heartbeatCase(hb, stamp, new Random(seed), damage));
        Arbitrary<Case> tick = Combinators.combine(ticks(), Arbitraries.longs(), Arbitraries.integers().between(0, 3))
                .as((t, seed, damage) -> {
                    Random rnd = new Random(seed);
                    String json = EventCodec.toJson(t);
                    for (int i = 0; i < damage; i++) {
                        json = damageBytes(json, rnd);
                    }
                    return new Case(json, damage > 0, null, null, null, null, null);
                });
        Arbitrary<Case> batch = Combinators.combine(heartbeats().list().ofMinSize(0).ofMaxSize(MAX_BATCH + 1), Arbitraries.longs(),
                Arbitraries.integers().between(0, 6)).as((hbs, seed, damage) -> {
                    Random rnd = new Random(seed);
                    List<String> elements = new ArrayList<>();
                    for (Heartbeat h : hbs) {
                        Map<String, String> fields = fields(h);
                        if (rnd.nextBoolean()) {
                            fields.remove("type"); // as agents send them
                        }
                        elements.add(damage > 0 && rnd.nextInt(3) == 0 ? damageFields(fields, rnd) : join(fields));
                    }
                    if (damage > 0 && rnd.nextInt(4) == 0) {
                        elements.add(rnd.nextInt(elements.size() + 1), OTHER_VALUES[rnd.nextInt(OTHER_VALUES.length)]);
                    }
                    String json = (rnd.nextBoolean() ? "" : " \n\t\r".substring(rnd.nextInt(4))) + "[" + String.join(",", elements) + "]";
                    for (int i = 0; i < damage - 3; i++) {
                        json = damageBytes(json, rnd);
                    }
                    return new Case(json, damage > 0, null, null, null, null, null);
                });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, heartbeat), net.jqwik.api.Tuple.of(1, tick), net.jqwik.api.Tuple.of(2, batch));
    }

    /** A heartbeat's document: 0 undamaged; 1–12 one or more damages of its fields, and from 6 on of its bytes. */
    private static Case heartbeatCase(Heartbeat hb, Stamp stamp, Random rnd, int damage) {
        Map<String, String> fields = fields(hb);
        if (damage == 0) {
            String json = join(fields);
            assertThat(json).as("the generator writes what the contract writes").isEqualTo(EventCodec.toJson(hb));
            if (rnd.nextBoolean()) {
                fields.remove("type");
                json = join(fields);
            }
            return new Case(json, false, hb, stamp.receivedAt(hb), stamp.transport(), stamp.via(), stamp.net());
        }
        String json = damageFields(fields, rnd);
        for (int i = 6; i < damage; i++) {
            json = damageBytes(json, rnd);
        }
        return new Case(json, true, hb, stamp.receivedAt(hb), stamp.transport(), stamp.via(), stamp.net());
    }

    /** The heartbeat's fields as the contract writes them, in its order: name to JSON text. */
    private static Map<String, String> fields(Heartbeat hb) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("type", "\"heartbeat\"");
        f.put("hostId", EventCodec.toJson(hb.hostId()));
        f.put("bootId", EventCodec.toJson(hb.bootId()));
        f.put("seq", Long.toString(hb.seq()));
        f.put("sentAt", EventCodec.toJson(hb.sentAt()));
        if (!hb.labels().isEmpty()) {
            f.put("labels", EventCodec.toJson(hb.labels()));
        }
        if (hb.uptimeSeconds() != null) {
            f.put("uptimeSeconds", Long.toString(hb.uptimeSeconds()));
        }
        if (hb.receivedAt() != null) {
            f.put("receivedAt", EventCodec.toJson(hb.receivedAt()));
        }
        if (hb.transport() != null) {
            f.put("transport", EventCodec.toJson(hb.transport()));
        }
        if (hb.via() != null) {
            f.put("via", EventCodec.toJson(hb.via()));
        }
        if (hb.net() != null) {
            f.put("net", EventCodec.toJson(hb.net()));
        }
        return f;
    }

    private static String join(Map<String, String> fields) {
        List<String> parts = new ArrayList<>();
        fields.forEach((k, v) -> parts.add(EventCodec.toJson(k) + ":" + v));
        return "{" + String.join(",", parts) + "}";
    }

    private static final String[] NAMES = {"type", "hostId", "bootId", "seq", "sentAt", "labels", "uptimeSeconds", "receivedAt",
            "transport", "via", "net"};

    /** One to three changes of the fields, written out (a repeated field is written twice). */
    private static String damageFields(Map<String, String> fields, Random rnd) {
        List<String[]> list = new ArrayList<>();
        fields.forEach((k, v) -> list.add(new String[]{k, v}));
        int changes = 1 + rnd.nextInt(3);
        for (int c = 0; c < changes; c++) {
            String name = NAMES[rnd.nextInt(NAMES.length)];
            int at = indexOf(list, name);
            switch (rnd.nextInt(9)) {
                case 0 -> { // drop
                    if (at >= 0) {
                        list.remove(at);
                    }
                }
                case 1 -> { // repeat, with the same or another value
                    String value = at >= 0 && rnd.nextBoolean() ? list.get(at)[1] : OTHER_VALUES[rnd.nextInt(OTHER_VALUES.length)];
                    list.add(rnd.nextInt(list.size() + 1), new String[]{name, value});
                }
                case 2, 3 -> { // another value, or the field added with one
                    String value = OTHER_VALUES[rnd.nextInt(OTHER_VALUES.length)];
                    if (at >= 0) {
                        list.get(at)[1] = value;
                    } else {
                        list.add(rnd.nextInt(list.size() + 1), new String[]{name, value});
                    }
                }
                case 4 -> { // an unknown field
                    String[] unknown = {"1", "null", "\"s\"", "{\"deep\":[1,2,{\"x\":null}]}", "[1,", "{\"a\":1,\"a\":2}", "[]"};
                    list.add(rnd.nextInt(list.size() + 1), new String[]{rnd.nextBoolean() ? "future" : "Seq",
                            unknown[rnd.nextInt(unknown.length)]});
                }
                case 5 -> { // move a field (type first, last, or between)
                    if (at >= 0) {
                        String[] f = list.remove(at);
                        list.add(rnd.nextInt(list.size() + 1), f);
                    }
                }
                case 6 -> { // a time in another text
                    int t = indexOf(list, rnd.nextBoolean() ? "sentAt" : "receivedAt");
                    Instant value = t < 0 ? null : HeartbeatCodec.parseInstant(list.get(t)[1].replace("\"", ""));
                    if (value != null) {
                        List<String> forms = otherTimeTexts(value);
                        String form = forms.get(rnd.nextInt(forms.size()));
                        list.get(t)[1] = form.matches("[0-9.]+") && rnd.nextBoolean() ? form : EventCodec.toJson(form);
                    }
                }
                case 7 -> { // a broken label
                    String[] labels = {"{\"pool\":null}", "{\"pool\":1}", "{\"pool\":\"\"}", "{\"Pool\":\"x\"}", "{\"pool\":\"a\",\"pool\":\"b\"}",
                            "{\"pool\":{\"x\":\"y\"}}", "{\"pool\":\"" + "v".repeat(129) + "\"}", "{\"pool\":\"a\",\"os\":\"b\"}",
                            "{\"-x\":\"a\"}", "null"};
                    int l = indexOf(list, "labels");
                    String value = labels[rnd.nextInt(labels.length)];
                    if (l >= 0) {
                        list.get(l)[1] = value;
                    } else {
                        list.add(new String[]{"labels", value});
                    }
                }
                default -> { // a number out of the contract's bounds
                    int s = indexOf(list, rnd.nextBoolean() ? "seq" : "uptimeSeconds");
                    if (s >= 0) {
                        list.get(s)[1] = rnd.nextBoolean() ? Long.toString(Heartbeat.SEQ_MAX + 1) : Long.toString(Heartbeat.UPTIME_MAX_SECONDS + 1);
                    }
                }
            }
        }
        List<String> parts = new ArrayList<>();
        for (String[] f : list) {
            parts.add(EventCodec.toJson(f[0]) + ":" + f[1]);
        }
        return "{" + String.join(",", parts) + "}";
    }

    private static int indexOf(List<String[]> list, String name) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i)[0].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static final String JSONISH = " {}[]:,\"0a-Z.\\nx9eT+\u00e9\t";

    /** A character replaced, removed or inserted. */
    private static String damageBytes(String json, Random rnd) {
        if (json.isEmpty()) {
            return String.valueOf(JSONISH.charAt(rnd.nextInt(JSONISH.length())));
        }
        int at = rnd.nextInt(json.length());
        char c = JSONISH.charAt(rnd.nextInt(JSONISH.length()));
        return switch (rnd.nextInt(3)) {
            case 0 -> json.substring(0, at) + c + json.substring(at + 1);
            case 1 -> json.substring(0, at) + json.substring(at + 1);
            default -> json.substring(0, at) + c + json.substring(at);
        };
    }

    // ------------------------------------------------------------------ valid records

    /** Where, how and by whom a heartbeat is stamped; the receive time is an offset from its {@code sentAt}. */
    record Stamp(long skewMillis, Transport transport, String via, String net) {
        Instant receivedAt(Heartbeat hb) {
            Instant at = hb.sentAt().plusMillis(skewMillis);
            return at.isBefore(Heartbeat.INSTANT_MIN) || at.isAfter(Heartbeat.INSTANT_MAX) ? hb.sentAt() : at;
        }
    }

    @Provide
    Arbitrary<Stamp> stamps() {
        long window = Heartbeat.SENT_AT_WINDOW.toMillis();
        Arbitrary<Long> skew = Arbitraries.oneOf(Arbitraries.longs().between(-window, window), Arbitraries.of(0L, -window, window,
                window + 1, -window - 1));
        Arbitrary<String> via = Arbitraries.oneOf(Arbitraries.of("ingest-0", "ingest \"eu\" \u00e9", " ", ""),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(130));
        return Combinators.combine(skew, Arbitraries.of(Transport.class).injectNull(0.05), via, nets().injectNull(0.3)).as(Stamp::new);
    }

    private static Arbitrary<String> nets() {
        return Arbitraries.of("10.1.7.0/24", "192.168.255.0/24", "2001:db8:1:2::/64", "0:0:0:0::/64", "rack 12", "10.1.7.0");
    }

    private static Arbitrary<Instant> instants() {
        Arbitrary<Long> seconds = Arbitraries.oneOf(Arbitraries.longs().between(1_700_000_000L, 1_800_000_000L),
                Arbitraries.longs().between(Heartbeat.INSTANT_MIN.getEpochSecond(), Heartbeat.INSTANT_MAX.getEpochSecond()));
        Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999).map(n -> n * 1_000_000),
                Arbitraries.integers().between(0, 999_999).map(n -> n * 1000), Arbitraries.integers().between(0, 999_999_999));
        return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
    }

    /** Valid heartbeats: as hosts send them, and as ingest stamped them (with and without a source network). */
    @Provide
    Arbitrary<Heartbeat> heartbeats() {
        Arbitrary<String> hostId = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').numeric().withChars("._-")
                .ofMaxLength(127).map(s -> "h" + s);
        Arbitrary<String> bootId = Arbitraries.strings().alpha().numeric().withChars("._:-").ofMaxLength(63).map(s -> "B" + s);
        Arbitrary<Long> seq = Arbitraries.oneOf(Arbitraries.longs().between(0, Heartbeat.SEQ_MAX), Arbitraries.of(0L, 9L, Heartbeat.SEQ_MAX));
        Arbitrary<String> plainValue = Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(128);
        Arbitrary<String> anyValue = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(128);
        Arbitrary<Map<String, String>> labels = Arbitraries.maps(
                Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("_.-").ofMaxLength(20).map(s -> "k" + s),
                Arbitraries.oneOf(plainValue, plainValue, anyValue)).ofMaxSize(Heartbeat.LABELS_MAX);
        Arbitrary<Long> up = Arbitraries.oneOf(Arbitraries.longs().between(0, Heartbeat.UPTIME_MAX_SECONDS),
                Arbitraries.of(0L, Heartbeat.UPTIME_MAX_SECONDS)).injectNull(0.3);
        Arbitrary<Heartbeat> fromHost = Combinators.combine(hostId, bootId, seq, instants(), labels, up).as(Heartbeat::fromHost);
        Arbitrary<Long> skew = Arbitraries.longs().between(-Heartbeat.SENT_AT_WINDOW.toMillis(), Heartbeat.SENT_AT_WINDOW.toMillis());
        Arbitrary<Heartbeat> stamped = Combinators.combine(fromHost, skew, Arbitraries.of(Transport.class),
                Arbitraries.of("ingest-0", "ingest-1", "ingest \"eu\" \u00e9"), nets().filter(n -> n.contains("/")).injectNull(0.5))
                .as((hb, s, t, via, net) -> hb.stamped(new Stamp(s, t, via, net).receivedAt(hb), t, via, net));
        return Arbitraries.oneOf(fromHost, stamped);
    }

    @Provide
    Arbitrary<Tick> ticks() {
        Arbitrary<IngestHealth> health = Combinators.combine(Arbitraries.of(IngestHealth.State.class),
                Arbitraries.of(List.<String>of(), List.of("connections 410/500 >= 80%")), Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 1000), Arbitraries.doubles().between(0, 1))
                .as((state, reasons, open, budget, fill) -> new IngestHealth(state, reasons, open, budget, 0, 0, 1.5, fill));
        return Combinators.combine(Arbitraries.of("ingest-0", "ingest-1"), instants(), Arbitraries.integers().between(0, 11),
                Arbitraries.longs().between(0, 1_000_000), health).as(Tick::new);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
