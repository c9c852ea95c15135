package io.hangcheck.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * JSON (de)serialisation of the contract's records. Decoding never lets a Jackson exception escape:
 * every failure becomes an {@link InvalidEventException} naming the field at fault.
 *
 * <p>Readers ignore properties they do not know (adding an optional field is not a breaking change);
 * writers omit null fields and empty lists and maps. Instants are ISO-8601 strings.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = newMapper();

    private EventCodec() {
    }

    /** A mapper configured for the contract; callers may copy it but must not reconfigure the shared one. */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                // A heartbeat read as Heartbeat needs no "type" property (hosts never send one);
                // read as HeartbeatTopicRecord, the type is required.
                .enable(MapperFeature.USE_BASE_TYPE_AS_DEFAULT_IMPL)
                .build()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] toBytes(Object event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + event.getClass().getSimpleName(), e);
        }
    }

    public static String toJson(Object event) {
        return new String(toBytes(event), StandardCharsets.UTF_8);
    }

    /** Decodes {@code bytes} as a {@code type}, or throws {@link InvalidEventException} naming the field. */
    public static <T> T fromBytes(byte[] bytes, Class<T> type) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidEventException("$", "empty body");
        }
        try {
            T value = MAPPER.readValue(bytes, type);
            if (value == null) {
                throw new InvalidEventException("$", "null document");
            }
            return value;
        } catch (IOException e) {
            throw translate(e);
        }
    }

    public static <T> T fromJson(String json, Class<T> type) {
        return fromBytes(json == null ? null : json.getBytes(StandardCharsets.UTF_8), type);
    }

    /** Maps a Jackson failure to the field it concerns and a short reason. */
    public static InvalidEventException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidEventException iee) {
                return iee;
            }
        }
        if (e instanceof InvalidTypeIdException ite) {
            return new InvalidEventException(path(ite, "type"), "unknown or missing type id", e);
        }
        if (e instanceof UnrecognizedPropertyException upe) {
            return new InvalidEventException(path(upe, upe.getPropertyName()), "unknown property", e);
        }
        if (e instanceof JsonMappingException jme) {
            String reason = jme.getOriginalMessage();
            int nl = reason == null ? -1 : reason.indexOf('\n');
            if (nl > 0) {
                reason = reason.substring(0, nl);
            }
            return new InvalidEventException(path(jme, "$"), reason == null ? "invalid value" : shorten(reason), e);
        }
        if (e instanceof JsonProcessingException jpe) {
            return new InvalidEventException("$", "malformed JSON: " + shorten(jpe.getOriginalMessage()), e);
        }
        return new InvalidEventException("$", "unreadable: " + e.getClass().getSimpleName(), e);
    }

    private static String path(JsonMappingException e, String fallback) {
        if (e.getPath() == null || e.getPath().isEmpty()) {
            return fallback == null ? "$" : fallback;
        }
        String p = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return p.isEmpty() ? (fallback == null ? "$" : fallback) : p;
    }

    private static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
