package io.hangcheck.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/asyncapi.yaml: valid AsyncAPI 3.0 by @asyncapi/parser (which resolves the payloads' $refs to the
 * contract's JSON Schemas), one channel per contract topic, every payload a $ref to a schema file in events/.
 */
class AsyncApiTest {

    static final Path DOC = Deploy.ROOT.resolve("docs/asyncapi.yaml");

    @Test
    void theAsyncApiParserValidatesTheDocument() {
        Path home = NodeTools.install("docs/asyncapi.yaml (@asyncapi/parser)");
        Tool.Result result = Tool.NODE.run(home, "validate-asyncapi.mjs", DOC.toString());
        assertThat(result.ok()).as(result.describe()).isTrue();
        assertThat(result.output()).contains("VALID").contains("9 channels").contains("9 message payloads");
    }

    @Test
    void everyContractTopicIsAChannelAndEveryPayloadIsAContractSchema() {
        JsonNode doc = Manifests.documents(Deploy.read(DOC)).get(0);
        assertThat(doc.path("asyncapi").asText()).startsWith("3.0");
        Set<String> addresses = new TreeSet<>();
        doc.path("channels").forEach(c -> addresses.add(c.path("address").asText()));
        assertThat(addresses).isEqualTo(new TreeSet<>(KafkaTopicsTest.contractTopics()));
        doc.path("components").path("messages").forEach(m -> {
            String ref = m.path("payload").path("$ref").asText();
            assertThat(ref).as("payload of %s", m.path("name").asText())
                    .startsWith("../events/src/main/resources/schemas/").endsWith(".schema.json");
            assertThat(Files.exists(DOC.getParent().resolve(ref))).as("%s exists", ref).isTrue();
        });
    }
}
