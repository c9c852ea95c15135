package io.hangcheck.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example in {@code docs/topics.md} validates against its JSON Schema and round-trips through the
 * record, and every event type has at least one example: the page other lab teams read cannot drift.
 */
class TopicsDocTest {

    private static final Pattern EXAMPLE = Pattern.compile("```json schema=([a-z-]+)\\n(.*?)```", Pattern.DOTALL);

    record Example(String schema, String json, int index) {
    }

    static List<Example> examples() throws IOException {
        Path doc = Path.of(System.getProperty("hangcheck.docs.dir", "../docs"), "topics.md");
        String text = Files.readString(doc);
        Matcher m = EXAMPLE.matcher(text);
        List<Example> out = new ArrayList<>();
        while (m.find()) {
            out.add(new Example(m.group(1), m.group(2), out.size() + 1));
        }
        return out;
    }

    static EventType typeOf(String schemaName) {
        for (EventType t : EventType.values()) {
            if (t.schemaResource().equals("schemas/" + schemaName + ".schema.json")) {
                return t;
            }
        }
        throw new AssertionError("docs/topics.md names an unknown schema: " + schemaName);
    }

    static JsonSchema schema(EventType type) throws IOException {
        try (InputStream in = TopicsDocTest.class.getClassLoader().getResourceAsStream(type.schemaResource())) {
            assertThat(in).as(type.schemaResource()).isNotNull();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExampleValidatesAndRoundTrips() throws IOException {
        return examples().stream().map(ex -> DynamicTest.dynamicTest("example " + ex.index() + " (" + ex.schema() + ")", () -> {
            EventType type = typeOf(ex.schema());
            JsonNode original = EventCodec.mapper().readTree(ex.json());
            Set<ValidationMessage> errors = schema(type).validate(original);
            assertThat(errors).as("schema errors").isEmpty();

            Object record = EventCodec.fromJson(ex.json(), type.recordClass());
            JsonNode reencoded = EventCodec.mapper().readTree(EventCodec.toBytes(record));
            assertThat(schema(type).validate(reencoded)).as("schema errors after round trip").isEmpty();
            assertThat(EventCodec.fromBytes(EventCodec.toBytes(record), type.recordClass())).isEqualTo(record);
            // Nothing the example says is lost or invented (the raw-topic example may omit "type").
            List<String> before = new ArrayList<>();
            original.fieldNames().forEachRemaining(before::add);
            List<String> after = new ArrayList<>();
            reencoded.fieldNames().forEachRemaining(after::add);
            after.remove("type");
            before.remove("type");
            assertThat(after).containsExactlyInAnyOrderElementsOf(before);
        }));
    }

    @Test
    void everyEventTypeHasAnExample() throws IOException {
        Set<EventType> seen = EnumSet.noneOf(EventType.class);
        for (Example ex : examples()) {
            seen.add(typeOf(ex.schema()));
        }
        assertThat(seen).containsExactlyInAnyOrder(EventType.values());
    }

    @Test
    void everySchemaIsAValidDraft202012Schema() throws IOException {
        for (EventType t : EventType.values()) {
            JsonSchema s = schema(t);
            assertThat(s.getSchemaNode().get("$schema").asText()).contains("2020-12");
            assertThat(s.getSchemaNode().get("required")).as(t + " lists required fields").isNotNull();
        }
    }
}
