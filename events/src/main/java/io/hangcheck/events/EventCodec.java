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
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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

    /**
     * A mapper configured for the contract; callers may copy it but must not reconfigure the shared one.
     *
     * <p>Types are what the schemas say, with no coercion: a number where a string belongs ({@code "hostId":12}),
     * a string where a number belongs ({@code "seq":"12"}), a boolean for either, or a number for a time
     * ({@code "sentAt":12}, which Jackson would read as seconds since 1970) is refused naming the field — a typo in
     * an agent must be a 400, not a second host called {@code 12}.
     */
    public static ObjectMapper newMapper() {
        JsonMapper mapper = JsonMapper.builder()
                // A heartbeat read as Heartbeat needs no "type" property (hosts never send one);
                // read as HeartbeatTopicRecord, the type is required.
                .enable(MapperFeature.USE_BASE_TYPE_AS_DEFAULT_IMPL)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // A key given twice means what each reader makes of it (first wins here, last there): refuse it.
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        for (LogicalType type : new LogicalType[]{LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        for (CoercionInputShape shape : new CoercionInputShape[]{CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return (ObjectMapper) mapper
                .registerModule(new JavaTimeModule())
                .registerModule(new SimpleModule("hangcheck-strict-time").addDeserializer(Instant.class, new TextInstant()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
    }

    /** An {@link Instant} only from its ISO-8601 text, never from a number. */
    private static final class TextInstant extends StdScalarDeserializer<Instant> {
        TextInstant() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            return InstantDeserializer.INSTANT.deserialize(p, ctxt);
        }
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
    /** What a value of {@code type} must look like, in the contract's words (null: no plain wording). */
    private static String mustBe(Class<?> type) {
        if (type == long.class || type == Long.class || type == int.class || type == Integer.class) {
            return "must be a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "must be a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "must be true or false";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type == Instant.class) {
            return "must be an ISO-8601 instant in a string, such as 2026-11-27T06:00:00Z";
        }
        return null;
    }

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
        if (e instanceof MismatchedInputException mie && mie.getTargetType() != null) {
            String plain = mustBe(mie.getTargetType());
            String original = String.valueOf(mie.getOriginalMessage());
            if (plain != null && !original.startsWith("Cannot map `null`")) {
                return new InvalidEventException(path(mie, "$"), plain, e);
            }
        }
        if (e instanceof JsonMappingException jme) {
            String reason = jme.getOriginalMessage();
            int nl = reason == null ? -1 : reason.indexOf('\n');
            if (nl > 0) {
                reason = reason.substring(0, nl);
            }
            return new InvalidEventException(path(jme, "$"), reason == null ? "invalid value" : shorten(reason), e);
        }
        if (e instanceof JsonProcessingException jpe && String.valueOf(jpe.getOriginalMessage()).startsWith(DUPLICATE)) {
            return new InvalidEventException(duplicatePath(jpe), "is given more than once (duplicate key)", e);
        }
        if (e instanceof JsonProcessingException jpe) {
            return new InvalidEventException("$", "malformed JSON: " + shorten(jpe.getOriginalMessage()), e);
        }
        return new InvalidEventException("$", "unreadable: " + e.getClass().getSimpleName(), e);
    }

    private static final String DUPLICATE = "Duplicate field '";

    /** The duplicated key as a field path ({@code seq}, {@code labels.pool}, {@code [1].seq}). */
    private static String duplicatePath(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        String name = message.substring(DUPLICATE.length(), Math.max(DUPLICATE.length(), message.indexOf('\'', DUPLICATE.length())));
        if (e.getProcessor() instanceof JsonParser parser && parser.getParsingContext() != null
                && parser.getParsingContext().getParent() != null) {
            StringBuilder p = new StringBuilder();
            for (var ctx = parser.getParsingContext().getParent(); ctx != null && !ctx.inRoot(); ctx = ctx.getParent()) {
                p.insert(0, ctx.inArray() ? "[" + ctx.getCurrentIndex() + "]" : "." + ctx.getCurrentName());
            }
            String prefix = p.length() > 0 && p.charAt(0) == '.' ? p.substring(1) : p.toString();
            return prefix.isEmpty() ? name : prefix + "." + name;
        }
        return name;
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
