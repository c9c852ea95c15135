package io.hangcheck.agent.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/** HMAC keys are given as {@code hex:…}, {@code base64:…}, or plain text (its UTF-8 bytes). */
public final class Secrets {
    private Secrets() {
    }

    public static byte[] key(String text, String field) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            if (text.startsWith("hex:")) {
                return nonEmpty(HexFormat.of().parseHex(text.substring(4)), field);
            }
            if (text.startsWith("base64:")) {
                return nonEmpty(Base64.getDecoder().decode(text.substring(7)), field);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(field, "key is not valid " + text.substring(0, text.indexOf(':')));
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] nonEmpty(byte[] key, String field) {
        if (key.length == 0) {
            throw new ConfigException(field, "key is empty");
        }
        return key;
    }
}
