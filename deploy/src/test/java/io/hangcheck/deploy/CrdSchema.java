package io.hangcheck.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CustomResourceDefinition's {@code openAPIV3Schema} for one served version, and a check of a document's
 * {@code spec} against it the way the API server does with strict field validation: types, required fields,
 * enums, bounds, patterns, and <b>unknown fields rejected</b> unless the schema preserves them. The subset of
 * OpenAPI that structural CRD schemas use; {@code oneOf}/{@code anyOf} (Strimzi uses them only to forbid
 * combinations) are not evaluated.
 */
final class CrdSchema {

    final String group;
    final String kind;
    final List<String> servedVersions;
    private final Map<String, JsonNode> schemas;

    private CrdSchema(String group, String kind, List<String> served, Map<String, JsonNode> schemas) {
        this.group = group;
        this.kind = kind;
        this.servedVersions = served;
        this.schemas = schemas;
    }

    static CrdSchema load(Path file) {
        JsonNode crd = Manifests.documents(Deploy.read(file)).get(0);
        List<String> served = new ArrayList<>();
        Map<String, JsonNode> schemas = new java.util.HashMap<>();
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("served").asBoolean()) {
                served.add(v.path("name").asText());
                schemas.put(v.path("name").asText(), v.path("schema").path("openAPIV3Schema"));
            }
        }
        return new CrdSchema(crd.path("spec").path("group").asText(), crd.path("spec").path("names").path("kind").asText(),
                served, schemas);
    }

    /** Problems of {@code doc} (apiVersion, kind, spec), each with its path; empty when it is valid. */
    List<String> validate(JsonNode doc) {
        List<String> errors = new ArrayList<>();
        String apiVersion = doc.path("apiVersion").asText();
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        if (!apiVersion.startsWith(group + "/") || !schemas.containsKey(version)) {
            errors.add("apiVersion " + apiVersion + " is not served (served: " + group + "/" + servedVersions + ")");
            return errors;
        }
        if (!doc.path("kind").asText().equals(kind)) {
            errors.add("kind " + doc.path("kind").asText() + " is not " + kind);
        }
        JsonNode schema = schemas.get(version);
        // metadata is the API server's, not the CRD's; spec is checked in full.
        for (String required : iterable(schema.path("required"))) {
            if (!doc.has(required)) {
                errors.add("." + required + " is required");
            }
        }
        if (doc.has("spec")) {
            check(doc.get("spec"), schema.path("properties").path("spec"), ".spec", errors);
        }
        return errors;
    }

    private static void check(JsonNode value, JsonNode schema, String path, List<String> errors) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                errors.add(path + ": expected an integer or a string, got " + value.getNodeType());
            }
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode allowed : schema.get("enum")) {
                found |= allowed.equals(value) || allowed.asText().equals(value.asText()) && value.isValueNode();
            }
            if (!found) {
                errors.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "");
        switch (type) {
            case "object" -> checkObject(value, schema, path, errors);
            case "array" -> {
                if (!value.isArray()) {
                    errors.add(path + ": expected an array, got " + value.getNodeType());
                    return;
                }
                int i = 0;
                for (JsonNode item : value) {
                    check(item, schema.path("items"), path + "[" + i++ + "]", errors);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    errors.add(path + ": expected a string, got " + value.getNodeType() + " " + value);
                } else if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
                    errors.add(path + ": " + value + " does not match " + schema.get("pattern").asText());
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    errors.add(path + ": expected an integer, got " + value.getNodeType() + " " + value);
                } else {
                    bounds(value, schema, path, errors);
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    errors.add(path + ": expected a number, got " + value.getNodeType() + " " + value);
                } else {
                    bounds(value, schema, path, errors);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    errors.add(path + ": expected a boolean, got " + value.getNodeType() + " " + value);
                }
            }
            default -> {
                // No type: anything goes (x-kubernetes-preserve-unknown-fields without a type).
            }
        }
    }

    private static void checkObject(JsonNode value, JsonNode schema, String path, List<String> errors) {
        if (!value.isObject()) {
            errors.add(path + ": expected an object, got " + value.getNodeType() + " " + value);
            return;
        }
        for (String required : iterable(schema.path("required"))) {
            if (!value.has(required)) {
                errors.add(path + "." + required + " is required");
            }
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String child = path + "." + field.getKey();
            if (properties.has(field.getKey())) {
                check(field.getValue(), properties.get(field.getKey()), child, errors);
            } else if (additional.isObject()) {
                check(field.getValue(), additional, child, errors);
            } else if (!preserve) {
                errors.add(child + ": unknown field");
            }
        }
    }

    private static void bounds(JsonNode value, JsonNode schema, String path, List<String> errors) {
        if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
            errors.add(path + ": " + value + " is below the minimum " + schema.get("minimum"));
        }
        if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
            errors.add(path + ": " + value + " is above the maximum " + schema.get("maximum"));
        }
    }

    private static List<String> iterable(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
