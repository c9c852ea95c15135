package io.hangcheck.events.wire;

import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.InvalidEventException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The UDP heartbeat datagram, line format {@code hc1} (version 1). One UTF-8 datagram holds one line of at
 * most {@value #MAX_BYTES} bytes; tokens are separated by exactly one space; the first token is the version:
 *
 * <pre>
 * hc1 host=&lt;hostId&gt; boot=&lt;bootId&gt; seq=&lt;n&gt; sent=&lt;epoch-millis&gt; [up=&lt;uptime-seconds&gt;] [l.&lt;labelKey&gt;=&lt;value&gt;]... [sig=&lt;hex&gt;]
 * </pre>
 *
 * <ul>
 *   <li>{@code host}, {@code boot}, {@code seq}, {@code sent} are required, each once, in any order after the
 *       version; {@code up} and labels are optional. Values follow {@link Heartbeat}'s rules and bounds
 *       ({@code seq} at most 2^53, {@code up} at most ten years, {@code sent} within the years 0000-9999); numbers
 *       are plain decimal digits (no sign); label values match {@value #LABEL_VALUE_PATTERN_TEXT}.</li>
 *   <li>{@code sig}, when present, is the last token: the lowercase hex HMAC-SHA256 of the exact bytes of the
 *       line before {@code " sig="}, keyed with the host's own key if one is configured for it, else the fleet
 *       key. Parsing does not check it; {@link #verify(Parsed, byte[])} does, in constant time.</li>
 *   <li>One trailing {@code \n} (or {@code \r\n}) is tolerated and is not part of the signed bytes.</li>
 *   <li>Anything else (unknown or repeated tokens, empty tokens, control or non-ASCII bytes — v1 values are
 *       ASCII) is malformed: {@link #parse(byte[], int)} throws {@link InvalidEventException} naming the token
 *       ({@code version}, {@code host}, {@code seq}, {@code l.pool}, {@code sig}, ...) or {@code $} for the
 *       whole line, and never any other exception, whatever the bytes.</li>
 * </ul>
 *
 * Example: {@code hc1 host=lab-07 boot=3f2a9c seq=42 sent=1764220800000 up=3600 l.pool=gpu}
 */
public final class UdpLine {

    public static final String VERSION = "hc1";
    public static final int MAX_BYTES = 1024;
    public static final String LABEL_PREFIX = "l.";
    public static final String SIG_MARKER = " sig=";
    public static final String LABEL_VALUE_PATTERN_TEXT = "[A-Za-z0-9._:/-]{1,128}";
    /** Length of the lowercase hex HMAC-SHA256. */
    public static final int SIG_HEX_LENGTH = 64;
    private static final String HMAC = "HmacSHA256";
    private static final byte[] SIG_MARKER_BYTES = SIG_MARKER.getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_DIGITS = 18; // every 18-digit decimal fits a long

    private UdpLine() {
    }

    /**
     * A parsed datagram.
     *
     * @param heartbeat   the heartbeat as the host sent it (not stamped)
     * @param signedBytes the bytes the signature covers (the line before {@code " sig="}, or the whole line)
     * @param signature   the {@code sig} value, lowercase hex, or null when the line is unsigned
     */
    public record Parsed(Heartbeat heartbeat, byte[] signedBytes, String signature) {
        public boolean signed() {
            return signature != null;
        }
    }

    /**
     * The datagram for {@code heartbeat}; signed when {@code keyOrNull} is given. {@code sentAt} is sent in
     * whole milliseconds. Throws {@link InvalidEventException} when the heartbeat cannot be written in this
     * format (a label value outside {@value #LABEL_VALUE_PATTERN_TEXT}, or a line over {@value #MAX_BYTES} bytes).
     */
    public static byte[] format(Heartbeat heartbeat, byte[] keyOrNull) {
        if (heartbeat == null) {
            throw new InvalidEventException("$", "is required");
        }
        StringBuilder sb = new StringBuilder(128);
        sb.append(VERSION)
                .append(" host=").append(heartbeat.hostId())
                .append(" boot=").append(heartbeat.bootId())
                .append(" seq=").append(heartbeat.seq())
                .append(" sent=").append(heartbeat.sentAt().toEpochMilli());
        if (heartbeat.uptimeSeconds() != null) {
            sb.append(" up=").append(heartbeat.uptimeSeconds());
        }
        for (Map.Entry<String, String> e : heartbeat.labels().entrySet()) {
            String field = LABEL_PREFIX + e.getKey();
            checkLabelValue(field, e.getValue());
            sb.append(' ').append(field).append('=').append(e.getValue());
        }
        byte[] line = sb.toString().getBytes(StandardCharsets.US_ASCII);
        if (keyOrNull != null) {
            String sig = sign(line, line.length, keyOrNull);
            byte[] signed = Arrays.copyOf(line, line.length + SIG_MARKER_BYTES.length + sig.length());
            System.arraycopy(SIG_MARKER_BYTES, 0, signed, line.length, SIG_MARKER_BYTES.length);
            byte[] sigBytes = sig.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(sigBytes, 0, signed, line.length + SIG_MARKER_BYTES.length, sigBytes.length);
            line = signed;
        }
        if (line.length > MAX_BYTES) {
            throw new InvalidEventException("$", "line of " + line.length + " bytes is longer than " + MAX_BYTES);
        }
        return line;
    }

    /** Formats as text (for logs, docs and tests). */
    public static String formatString(Heartbeat heartbeat, byte[] keyOrNull) {
        return new String(format(heartbeat, keyOrNull), StandardCharsets.US_ASCII);
    }

    /**
     * Parses the first {@code length} bytes of {@code datagram}. Throws {@link InvalidEventException} naming
     * the token at fault for anything malformed; no other exception escapes.
     */
    public static Parsed parse(byte[] datagram, int length) {
        try {
            return parseChecked(datagram, length);
        } catch (InvalidEventException e) {
            throw e;
        } catch (RuntimeException e) {
            // A trust boundary: whatever slipped past the checks above is still only a malformed datagram.
            throw new InvalidEventException("$", "unparseable: " + e.getClass().getSimpleName(), e);
        }
    }

    private static Parsed parseChecked(byte[] datagram, int length) {
        if (datagram == null || length <= 0) {
            throw new InvalidEventException("$", "empty datagram");
        }
        if (length > datagram.length) {
            throw new InvalidEventException("$", "length " + length + " beyond the buffer");
        }
        if (length > MAX_BYTES) {
            throw new InvalidEventException("$", "datagram of " + length + " bytes is longer than " + MAX_BYTES);
        }
        int end = length;
        if (datagram[end - 1] == '\n') {
            end--;
            if (end > 0 && datagram[end - 1] == '\r') {
                end--;
            }
        }
        if (end == 0) {
            throw new InvalidEventException("$", "empty line");
        }
        for (int i = 0; i < end; i++) {
            int b = datagram[i] & 0xff;
            if (b < 0x20 || b > 0x7e) {
                throw new InvalidEventException("$", "byte 0x" + Integer.toHexString(b) + " at offset " + i
                        + " (v1 lines are printable ASCII)");
            }
        }
        String line = new String(datagram, 0, end, StandardCharsets.US_ASCII);
        String[] tokens = line.split(" ", -1);
        if (!VERSION.equals(tokens[0])) {
            throw new InvalidEventException("version", "expected " + VERSION + " as the first token");
        }
        String host = null;
        String boot = null;
        Long seq = null;
        Long sent = null;
        Long up = null;
        String sig = null;
        int signedLength = end;
        Map<String, String> labels = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        int offset = tokens[0].length() + 1;
        for (int i = 1; i < tokens.length; i++) {
            String token = tokens[i];
            int tokenStart = offset;
            offset += token.length() + 1;
            if (token.isEmpty()) {
                throw new InvalidEventException("$", "empty token at offset " + tokenStart + " (one space between tokens)");
            }
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw new InvalidEventException("$", "token at offset " + tokenStart + " is not name=value");
            }
            String name = token.substring(0, eq);
            String value = token.substring(eq + 1);
            if (value.isEmpty()) {
                throw new InvalidEventException(name, "empty value");
            }
            if (value.indexOf('=') >= 0) {
                throw new InvalidEventException(name, "value contains '='");
            }
            if (!seen.add(name)) {
                throw new InvalidEventException(name, "given more than once");
            }
            if (sig != null) {
                throw new InvalidEventException("sig", "must be the last token");
            }
            switch (name) {
                case "host" -> host = value;
                case "boot" -> boot = value;
                case "seq" -> seq = digits(name, value);
                case "sent" -> sent = digits(name, value);
                case "up" -> up = digits(name, value);
                case "sig" -> {
                    checkSignatureText(value);
                    sig = value;
                    signedLength = tokenStart - 1;
                }
                default -> {
                    if (!name.startsWith(LABEL_PREFIX) || name.length() == LABEL_PREFIX.length()) {
                        throw new InvalidEventException(name, "unknown token");
                    }
                    checkLabelValue(name, value);
                    labels.put(name.substring(LABEL_PREFIX.length()), value);
                }
            }
        }
        if (host == null) {
            throw new InvalidEventException("host", "is required");
        }
        if (boot == null) {
            throw new InvalidEventException("boot", "is required");
        }
        if (seq == null) {
            throw new InvalidEventException("seq", "is required");
        }
        if (sent == null) {
            throw new InvalidEventException("sent", "is required");
        }
        Heartbeat heartbeat;
        try {
            heartbeat = Heartbeat.fromHost(host, boot, seq, Instant.ofEpochMilli(sent), labels, up);
        } catch (InvalidEventException e) {
            throw new InvalidEventException(tokenName(e.field()), e.reason(), e);
        }
        return new Parsed(heartbeat, Arrays.copyOf(datagram, signedLength), sig);
    }

    /**
     * True when {@code parsed} carries a signature that is the HMAC-SHA256 of its signed bytes under
     * {@code key}. Compares in constant time; false for an unsigned line or a null key.
     */
    public static boolean verify(Parsed parsed, byte[] key) {
        if (parsed == null || parsed.signature() == null || key == null || key.length == 0) {
            return false;
        }
        byte[] expected = hmac(parsed.signedBytes(), parsed.signedBytes().length, key);
        byte[] given = unhex(parsed.signature());
        return given != null && MessageDigest.isEqual(expected, given);
    }

    /** Lowercase hex HMAC-SHA256 of the first {@code length} bytes of {@code data}. */
    public static String sign(byte[] data, int length, byte[] key) {
        return hex(hmac(data, length, key));
    }

    private static byte[] hmac(byte[] data, int length, byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("an HMAC key must not be empty");
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e); // every Java 17 runtime has it
        }
    }

    private static long digits(String field, String value) {
        if (value.length() > MAX_DIGITS) {
            throw new InvalidEventException(field, "more than " + MAX_DIGITS + " digits");
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidEventException(field, "not a decimal number");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static void checkLabelValue(String field, String value) {
        if (value == null || value.isEmpty() || value.length() > 128) {
            throw new InvalidEventException(field, "must match " + LABEL_VALUE_PATTERN_TEXT);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
            if (!ok) {
                throw new InvalidEventException(field, "must match " + LABEL_VALUE_PATTERN_TEXT);
            }
        }
    }

    private static void checkSignatureText(String value) {
        if (value.length() != SIG_HEX_LENGTH) {
            throw new InvalidEventException("sig", "must be " + SIG_HEX_LENGTH + " lowercase hex digits");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new InvalidEventException("sig", "must be " + SIG_HEX_LENGTH + " lowercase hex digits");
            }
        }
    }

    /** Maps a {@link Heartbeat} field name back to the token that carried it. */
    private static String tokenName(String field) {
        return switch (field) {
            case "hostId" -> "host";
            case "bootId" -> "boot";
            case "sentAt" -> "sent";
            case "uptimeSeconds" -> "up";
            default -> field.startsWith("labels.") ? LABEL_PREFIX + field.substring("labels.".length())
                    : field.equals("labels") ? "l.*" : field;
        };
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }

    private static byte[] unhex(String s) {
        if (s.length() % 2 != 0) {
            return null;
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }
}
