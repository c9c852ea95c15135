package io.hangcheck.e2e;

import io.hangcheck.events.InvalidEventException;
import io.hangcheck.events.wire.UdpLine;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Invalid heartbeats for ingest, made in-process from a seed: HTTP bodies that break the JSON or one rule of
 * the contract (JSON Schema {@code heartbeat.schema.json}), and UDP datagrams that the reference codec
 * ({@link UdpLine#parse}) refuses. Nothing here is a valid heartbeat by the contract. One kind,
 * {@value #SCALAR_OF_WRONG_TYPE}, holds a JSON scalar of the wrong type that Jackson's default coercion
 * turns into a value ({@code "seq":"12"}, {@code "hostId":12}, {@code "sentAt":12}, a label value {@code 1}):
 * the contract refuses it, and so does ingest since finding F2 was fixed (RELIABILITY.md). Fuzzed
 * heartbeats name one of four hosts ({@code <prefix>0..3}), so whatever is accepted adds at most four hosts.
 */
final class Fuzz {
    /** One HTTP case: what is sent and what kind of mistake it holds (for the tally). */
    record Body(String kind, String contentType, byte[] bytes) {
    }

    private static final String[] BAD_HOST_IDS = {"", " ", "-starts-with-dash", "has space", "üñí", "a/b", "x".repeat(129), "tab\there"};
    private static final String[] BAD_BOOT_IDS = {"", "has space", "-x", "b".repeat(65), "semi;colon"};
    private static final String[] BAD_NUMBERS = {"-1", "1.5", "\"12\"", "null", "true", "1e400", "99999999999999999999999", "[]", "{}", "-0.0001"};
    /** Not strings, where the contract wants a string. */
    private static final String[] NOT_STRINGS = {"12", "1.5", "true", "null", "[]", "{}", "-1", "99999999999999999999999"};
    private static final String[] BAD_TIMES = {"\"yesterday\"", "\"2026-13-45T99:99:99Z\"", "12", "null", "\"\"", "[]", "\"2026-11-27\""};
    private static final String[] BAD_LABELS = {"{\"BAD\":\"x\"}", "{\"k\":\"\"}", "{\"k\":1}", "[]", "\"pool=x\"", "{\"k\":\"" + "v".repeat(129) + "\"}",
            "{\"1k\":\"v\"}", "{\"k\":null}", "{\"k\":true}", manyLabels(17)};

    static final String SCALAR_OF_WRONG_TYPE = "scalar-of-wrong-type";

    private final SplittableRandom random;
    /** The kind of the last {@link #wrongField()}: one-field-wrong, or {@value #SCALAR_OF_WRONG_TYPE}. */
    private String wrongKind;
    private final String prefix;

    Fuzz(long seed, String hostPrefix) {
        this.random = new SplittableRandom(seed);
        this.prefix = hostPrefix;
    }

    /** A valid heartbeat object for a host of this fuzz run (the base that mutations break). */
    String validObject() {
        return "{\"hostId\":\"" + prefix + random.nextInt(4) + "\",\"bootId\":\"boot-" + random.nextInt(100)
                + "\",\"seq\":" + random.nextInt(1_000_000) + ",\"sentAt\":\"2026-11-27T06:00:00Z\",\"labels\":{\"pool\":\"fuzz\"},\"uptimeSeconds\":"
                + random.nextInt(100_000) + "}";
    }

    Body nextBody() {
        int k = random.nextInt(100);
        if (k < 12) {
            byte[] b = new byte[random.nextInt(300)];
            random.nextBytes(b);
            if (b.length > 0 && (b[0] == '{' || b[0] == '[')) {
                b[0] = '#';
            }
            return json("random-bytes", b);
        }
        if (k < 24) {
            String v = random.nextBoolean() ? validObject() : "[" + validObject() + "," + validObject() + "]";
            return json("truncated-json", v.substring(0, random.nextInt(v.length() - 1)).getBytes(StandardCharsets.UTF_8));
        }
        if (k < 36) {
            return json("broken-structure", breakStructure(random.nextBoolean() ? validObject() : "[" + validObject() + "]"));
        }
        if (k < 72) {
            String body = wrongField();
            return json(wrongKind, body.getBytes(StandardCharsets.UTF_8));
        }
        if (k < 82) {
            int n = 2 + random.nextInt(8);
            int bad = random.nextInt(n);
            StringBuilder s = new StringBuilder("[");
            String kind = null;
            for (int i = 0; i < n; i++) {
                s.append(i == 0 ? "" : ",");
                if (i == bad) {
                    s.append(wrongField());
                    kind = "batch-one-bad" + (wrongKind.equals(SCALAR_OF_WRONG_TYPE) ? " (" + SCALAR_OF_WRONG_TYPE + ")" : "");
                } else {
                    s.append(validObject());
                }
            }
            return json(kind, s.append(']').toString().getBytes(StandardCharsets.UTF_8));
        }
        if (k < 87) {
            String[] odd = {"null", "42", "\"text\"", "true", "[]", "{}", "[null]", "[[]]", "[42]", "\"\"", "{\"hostId\":null}"};
            return json("wrong-json-type", odd[random.nextInt(odd.length)].getBytes(StandardCharsets.UTF_8));
        }
        if (k < 90) {
            int depth = 1000 + random.nextInt(20_000);
            String s = "[".repeat(depth) + "]".repeat(random.nextBoolean() ? depth : depth / 2);
            return json("deep-nesting", s.getBytes(StandardCharsets.UTF_8));
        }
        if (k < 93) {
            String v = validObject();
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            int at = v.indexOf("boot-") + 2;
            b[at] = (byte) (0x80 + random.nextInt(0x40)); // a lone continuation byte: not UTF-8
            return json("invalid-utf8", b);
        }
        if (k < 96) {
            return new Body("wrong-content-type", random.nextBoolean() ? "text/plain" : "application/x-www-form-urlencoded",
                    validObject().getBytes(StandardCharsets.UTF_8));
        }
        if (k < 99) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < 501; i++) {
                s.append(i == 0 ? "" : ",").append(validObject());
            }
            return json("batch-over-500", s.append(']').toString().getBytes(StandardCharsets.UTF_8));
        }
        return json("body-over-256KiB", ("[" + validObject() + ",\"" + "x".repeat(262_144) + "\"]").getBytes(StandardCharsets.UTF_8));
    }

    private static Body json(String kind, byte[] b) {
        return new Body(kind, "application/json", b);
    }

    private String wrongField() {
        String host = "\"" + prefix + random.nextInt(4) + "\"";
        String boot = "\"boot-1\"";
        String seq = Integer.toString(random.nextInt(1000));
        String sent = "\"2026-11-27T06:00:00Z\"";
        String labels = "{\"pool\":\"fuzz\"}";
        String up = "5";
        boolean drop = random.nextInt(4) == 0;
        int which = random.nextInt(6);
        String changed;
        switch (which) {
            case 0 -> changed = host = drop ? null : (random.nextBoolean() ? "\"" + pick(BAD_HOST_IDS) + "\"" : pick(NOT_STRINGS));
            case 1 -> changed = boot = drop ? null : (random.nextBoolean() ? "\"" + pick(BAD_BOOT_IDS) + "\"" : pick(NOT_STRINGS));
            case 2 -> changed = seq = drop ? null : pick(BAD_NUMBERS);
            case 3 -> changed = sent = drop ? null : pick(BAD_TIMES);
            case 4 -> changed = labels = pick(BAD_LABELS);
            default -> changed = up = pick(new String[] {"-5", "\"x\"", "1.5", "[]", "1e400"});
        }
        // a number or boolean where the contract wants a string, a numeric string where it wants an integer
        boolean scalarOfWrongType = changed != null && switch (which) {
            case 0, 1 -> changed.matches("-?[0-9][0-9.e]*|true|false");
            case 2 -> changed.equals("\"12\"");
            case 3 -> changed.equals("12");
            case 4 -> changed.matches("\\{\"k\":(1|true)}");
            default -> false;
        };
        wrongKind = scalarOfWrongType ? SCALAR_OF_WRONG_TYPE : "one-field-wrong";
        StringBuilder s = new StringBuilder("{");
        field(s, "hostId", host);
        field(s, "bootId", boot);
        field(s, "seq", seq);
        field(s, "sentAt", sent);
        field(s, "labels", labels);
        field(s, "uptimeSeconds", up);
        return s.append('}').toString();
    }

    private static void field(StringBuilder s, String name, String value) {
        if (value == null) {
            return;
        }
        if (s.length() > 1) {
            s.append(',');
        }
        s.append('"').append(name).append("\":").append(value);
    }

    /** A structural character of the JSON ({ } [ ] : , ") replaced by a letter or removed. */
    private byte[] breakStructure(String v) {
        StringBuilder s = new StringBuilder(v);
        for (int tries = 0; tries < 100; tries++) {
            int at = random.nextInt(s.length());
            char c = s.charAt(at);
            if ("{}[]:,\"".indexOf(c) >= 0) {
                if (random.nextBoolean()) {
                    s.setCharAt(at, (char) ('a' + random.nextInt(26)));
                } else {
                    s.deleteCharAt(at);
                }
                return s.toString().getBytes(StandardCharsets.UTF_8);
            }
        }
        return ("#" + v).getBytes(StandardCharsets.UTF_8);
    }

    private String pick(String[] from) {
        return from[random.nextInt(from.length)];
    }

    private static String manyLabels(int n) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        return s.append('}').toString();
    }

    // ---- UDP ------------------------------------------------------------------------------------------------------

    /** A datagram the reference codec refuses; {@code kind} says how it was made. */
    record Datagram(String kind, byte[] bytes) {
    }

    Datagram nextDatagram() {
        for (int tries = 0; ; tries++) {
            Datagram d = candidateDatagram();
            if (!parses(d.bytes())) {
                return d;
            }
            if (tries > 1000) {
                throw new IllegalStateException("the fuzzer keeps making valid datagrams: " + new String(d.bytes(), StandardCharsets.UTF_8));
            }
        }
    }

    /** Whether ingest's reference codec reads the datagram as a heartbeat. */
    static boolean parses(byte[] datagram) {
        try {
            UdpLine.parse(datagram, datagram.length);
            return true;
        } catch (InvalidEventException e) {
            return false;
        }
    }

    private String validLine() {
        return "hc1 host=" + prefix + random.nextInt(4) + " boot=boot-" + random.nextInt(100) + " seq=" + random.nextInt(1_000_000)
                + " sent=1764223200000 up=" + random.nextInt(10_000) + " l.pool=fuzz";
    }

    private Datagram candidateDatagram() {
        int k = random.nextInt(100);
        if (k < 15) {
            byte[] b = new byte[1 + random.nextInt(600)];
            random.nextBytes(b);
            return new Datagram("random-bytes", b);
        }
        String line = validLine();
        if (k < 35) {
            byte[] b = line.getBytes(StandardCharsets.US_ASCII);
            int flips = 1 + random.nextInt(3);
            for (int i = 0; i < flips; i++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            return new Datagram("byte-flips", b);
        }
        String[] tokens = line.split(" ");
        if (k < 50) {
            int drop = 1 + random.nextInt(4); // host, boot, seq or sent
            StringBuilder s = new StringBuilder(tokens[0]);
            for (int i = 1; i < tokens.length; i++) {
                if (i != drop) {
                    s.append(' ').append(tokens[i]);
                }
            }
            return ascii("missing-token", s.toString());
        }
        if (k < 60) {
            return ascii("repeated-token", line + " " + tokens[1 + random.nextInt(4)]);
        }
        if (k < 68) {
            return ascii("unknown-token", line + " " + pick(new String[] {"x=1", "extra", "=", "l.=v", "l.k=", "sig=zz", "sig=" + "0".repeat(63)}));
        }
        if (k < 76) {
            return ascii("bad-value", line.replaceFirst("seq=[0-9]+", "seq=" + pick(new String[] {"-1", "1.5", "x", "", "1234567890123456789", "+3"})));
        }
        if (k < 82) {
            return ascii("bad-spacing", line.replaceFirst(" ", random.nextBoolean() ? "  " : "\t"));
        }
        if (k < 88) {
            return ascii("wrong-version", line.replaceFirst("^hc1", pick(new String[] {"hc2", "HC1", "hc", "", "hc1x"})));
        }
        if (k < 94) {
            return new Datagram("over-1024-bytes", (line + " l.pad=" + "p".repeat(1100)).getBytes(StandardCharsets.US_ASCII));
        }
        return new Datagram("non-ascii", line.replaceFirst("l.pool=fuzz", "l.pool=füzz").getBytes(StandardCharsets.UTF_8));
    }

    private static Datagram ascii(String kind, String s) {
        return new Datagram(kind, s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
