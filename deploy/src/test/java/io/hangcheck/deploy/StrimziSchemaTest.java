package io.hangcheck.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Strimzi resources (topics, users, the example cluster) against the CRDs of Strimzi 1.2.0, kept as test
 * fixtures in src/test/resources/strimzi-1.2.0-crds (Strimzi 1.x serves kafka.strimzi.io/v1 only; its Java
 * api needs Java 21, so the schemas are read from the CRD YAML instead of the classes).
 */
class StrimziSchemaTest {

    static final Path CRDS = Deploy.DIR.resolve("src/test/resources/strimzi-1.2.0-crds");
    static final Map<String, CrdSchema> BY_KIND = new HashMap<>();

    static {
        for (String file : List.of("040-Crd-kafka.yaml", "043-Crd-kafkatopic.yaml", "044-Crd-kafkauser.yaml",
                "045-Crd-kafkanodepool.yaml")) {
            CrdSchema crd = CrdSchema.load(CRDS.resolve(file));
            BY_KIND.put(crd.kind, crd);
        }
    }

    static List<String> problems(JsonNode doc) {
        CrdSchema crd = BY_KIND.get(doc.path("kind").asText());
        assertThat(crd).as("a Strimzi CRD for kind %s", doc.path("kind").asText()).isNotNull();
        return crd.validate(doc);
    }

    @Test
    void theFixturesAreStrimzi1WhichServesV1Only() {
        assertThat(BY_KIND).containsOnlyKeys("Kafka", "KafkaTopic", "KafkaUser", "KafkaNodePool");
        BY_KIND.values().forEach(crd -> assertThat(crd.servedVersions).as(crd.kind).containsExactly("v1"));
    }

    @Test
    void everyTopicUserAndTheExampleClusterFitTheStrimzi1Schemas() {
        int checked = 0;
        for (String file : List.of("kafkatopics.yaml", "kafkausers.yaml", "kafka-cluster-example.yaml")) {
            for (JsonNode doc : Manifests.documents(Deploy.read(Deploy.KAFKA.resolve(file)))) {
                assertThat(problems(doc)).as("%s: %s %s", file, doc.path("kind").asText(),
                        doc.path("metadata").path("name").asText()).isEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(16 + 4 + 2);
    }

    @Test
    void theCheckRejectsV1beta2AMisspeltFieldAndAWrongType() {
        // The guard itself: what Strimzi 1.x would refuse, this check refuses.
        assertThat(problems(topic("v1beta2", "partitions"))).singleElement().asString().contains("not served");
        assertThat(problems(topic("v1", "partitons"))).singleElement().asString()
                .contains(".spec.partitons: unknown field");

        JsonNode wrongType = Manifests.documents("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata: {name: u}
                spec:
                  authentication: {type: scram-sha-256}
                  authorization:
                    type: simple
                    acls:
                      - resource: {type: topic, name: t, patternType: literal}
                        operations: Read
                """).get(0);
        assertThat(problems(wrongType)).anySatisfy(p -> assertThat(p).contains(".spec.authentication.type"))
                .anySatisfy(p -> assertThat(p).contains("operations: expected an array"));
    }

    @Test
    void everyServiceHasAScramUserWithTheAclsOfWhatItReadsAndWrites() {
        Map<String, JsonNode> users = new HashMap<>();
        Manifests.documents(Deploy.read(Deploy.KAFKA.resolve("kafkausers.yaml")))
                .forEach(u -> users.put(u.path("metadata").path("name").asText(), u));
        assertThat(users).containsOnlyKeys("hangcheck-heartbeat-ingest", "hangcheck-liveness-evaluator",
                "hangcheck-reboot-executor", "hangcheck-socket-monitor");
        users.values().forEach(u -> {
            assertThat(u.at("/spec/authentication/type").asText()).isEqualTo("scram-sha-512");
            assertThat(u.at("/spec/authorization/type").asText()).isEqualTo("simple");
        });

        // What each consumer reads, and the consumer groups, as the services' configuration names them.
        assertThat(grants(users.get("hangcheck-liveness-evaluator"))).contains(
                "topic:hangcheck.heartbeats.v1:literal:Read", "topic:hangcheck.reboots.v1:literal:Read",
                "topic:hangcheck.liveness.events.v1:literal:Write", "topic:hangcheck.liveness.state.v1:literal:Write",
                "topic:hangcheck.fleet.health.v1:literal:Write",
                "group:hangcheck-liveness-evaluator:literal:Read",
                // Kafka Streams internal topics and exactly-once transactional ids carry the application id.
                "topic:hangcheck-liveness-evaluator-:prefix:Create", "topic:hangcheck-liveness-evaluator-:prefix:Write",
                "transactionalId:hangcheck-liveness-evaluator-:prefix:Write");
        assertThat(grants(users.get("hangcheck-reboot-executor"))).contains(
                "topic:hangcheck.liveness.events.v1:literal:Read", "topic:hangcheck.fleet.health.v1:literal:Read",
                "topic:hangcheck.liveness.state.v1:literal:Read", "topic:hangcheck.reboots.v1:literal:Write",
                // hangcheck-reboot-executor, and the per-instance -state-<uuid> and -fleet-<uuid> groups.
                "group:hangcheck-reboot-executor:prefix:Read");
        assertThat(grants(users.get("hangcheck-heartbeat-ingest"))).contains(
                "topic:hangcheck.heartbeats.v1:literal:Write", "topic:hangcheck.heartbeats.raw.v1:literal:Read",
                "group:hangcheck-ingest-raw:literal:Read");
        assertThat(grants(users.get("hangcheck-socket-monitor"))).contains(
                "topic:hangcheck.sockets.v1:literal:Write", "topic:hangcheck.sockets.alerts.v1:literal:Write")
                .noneMatch(g -> g.endsWith(":Read"));
        // Least privilege: no user may do anything to every topic or group.
        users.values().forEach(u -> assertThat(grants(u)).noneMatch(g -> g.contains(":*:")));
    }

    @Test
    void theExampleClusterHasNoPlaintextListener() {
        JsonNode kafka = Manifests.documents(Deploy.read(Deploy.KAFKA.resolve("kafka-cluster-example.yaml"))).stream()
                .filter(d -> d.path("kind").asText().equals("Kafka")).findFirst().orElseThrow();
        List<JsonNode> listeners = new ArrayList<>();
        kafka.at("/spec/kafka/listeners").forEach(listeners::add);
        assertThat(listeners).isNotEmpty().allSatisfy(l -> {
            assertThat(l.path("tls").asBoolean()).as("listener %s: TLS", l.path("name").asText()).isTrue();
            assertThat(l.at("/authentication/type").asText()).as("listener %s: authentication", l.path("name").asText())
                    .isIn("scram-sha-512", "tls");
        });
        assertThat(kafka.at("/spec/kafka/authorization/type").asText()).isEqualTo("simple");
    }

    static JsonNode topic(String version, String partitionsField) {
        return Manifests.documents("apiVersion: kafka.strimzi.io/" + version + "\nkind: KafkaTopic\nmetadata: {name: t}\n"
                + "spec: {" + partitionsField + ": 1, replicas: 1}\n").get(0);
    }

    /** type:name:patternType:operation for each ACL of a KafkaUser. */
    static Set<String> grants(JsonNode user) {
        Set<String> out = new TreeSet<>();
        for (JsonNode acl : user.at("/spec/authorization/acls")) {
            JsonNode r = acl.path("resource");
            for (JsonNode op : acl.path("operations")) {
                out.add(r.path("type").asText() + ":" + r.path("name").asText("") + ":"
                        + r.path("patternType").asText("literal") + ":" + op.asText());
            }
        }
        return out;
    }
}
