package pe.agriscore.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Validates Strimzi custom resources against {@code src/test/resources/strimzi-schema.yaml}, a
 * small schema written for this test from Strimzi's documentation (the fabric8 model has no
 * Strimzi types and the real CRDs are not in this repository). It holds the fields the manifests
 * use and their neighbours, in a subset of JSON Schema: {@code type}, {@code properties}, {@code
 * additionalProperties} (false: unknown fields fail), {@code required}, {@code enum}, {@code
 * items}, {@code minimum}, {@code pattern}.
 */
final class StrimziSchema {

  static final Path FILE = Tools.MODULE.resolve("src/test/resources/strimzi-schema.yaml");

  private final JsonNode kinds;

  StrimziSchema() throws IOException {
    this.kinds = AlertRules.YAML.readTree(FILE.toFile()).path("kinds");
  }

  boolean knows(JsonNode doc) {
    return doc.path("apiVersion").asText().startsWith("kafka.strimzi.io/")
        && kinds.has(doc.path("kind").asText());
  }

  /** The problems found, each naming the field path; empty when valid. */
  List<String> validate(JsonNode doc) {
    List<String> problems = new ArrayList<>();
    String kind = doc.path("kind").asText();
    if (!kinds.has(kind)) {
      problems.add("kind " + kind + " is not in " + FILE.getFileName());
      return problems;
    }
    check(kinds.get(kind), doc, kind, problems);
    return problems;
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<String> out) {
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> {
        if (!value.isObject()) {
          out.add(path + ": expected an object");
          return;
        }
        for (JsonNode r : schema.path("required")) {
          if (!value.has(r.asText())) {
            out.add(path + "." + r.asText() + ": required");
          }
        }
        JsonNode props = schema.path("properties");
        JsonNode extra = schema.get("additionalProperties");
        for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
          String f = it.next();
          if (props.has(f)) {
            check(props.get(f), value.get(f), path + "." + f, out);
          } else if (extra != null && extra.isObject()) {
            check(extra, value.get(f), path + "." + f, out);
          } else if (extra != null && !extra.asBoolean(true)) {
            out.add(path + "." + f + ": unknown field");
          }
        }
      }
      case "array" -> {
        if (!value.isArray()) {
          out.add(path + ": expected a list");
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          check(schema.path("items"), value.get(i), path + "[" + i + "]", out);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          out.add(path + ": expected a string");
        } else if (schema.has("pattern") && !value.asText().matches(schema.get("pattern").asText())) {
          out.add(path + ": '" + value.asText() + "' does not match " + schema.get("pattern"));
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          out.add(path + ": expected an integer");
        } else if (schema.has("minimum") && value.asLong() < schema.get("minimum").asLong()) {
          out.add(path + ": " + value + " is below " + schema.get("minimum"));
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          out.add(path + ": expected true or false");
        }
      }
      case "" -> { } // any value (e.g. broker config values: strings, numbers, booleans)
      default -> out.add(path + ": schema type " + type + " unknown to this validator");
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.equals(value);
      }
      if (!found) {
        out.add(path + ": " + value + " is not one of " + schema.get("enum"));
      }
    }
  }
}
