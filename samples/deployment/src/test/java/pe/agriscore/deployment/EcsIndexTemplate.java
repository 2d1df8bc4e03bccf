package pe.agriscore.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code logging/opensearch-index-template.json} as a validator of log documents: what its
 * strict mapping would refuse (a field it does not declare, or a value its type cannot take),
 * checked in Java for the lines of the Prometheus run, which has all three models and their
 * error lines; {@code logging-test}'s {@code ServiceLogsInOpenSearchTest} indexes a scorecard
 * service's lines into a real OpenSearch node with the same template.
 */
final class EcsIndexTemplate {

  static final Path FILE = Tools.MODULE.resolve("logging/opensearch-index-template.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode properties;

  EcsIndexTemplate() throws IOException {
    JsonNode mappings = JSON.readTree(FILE.toFile()).path("template").path("mappings");
    if (!mappings.path("dynamic").asText().equals("strict")) {
      throw new IllegalStateException(FILE + ": the mapping must be strict");
    }
    this.properties = mappings.path("properties");
  }

  /** The problems of one document, each naming the field; empty when it would be indexed. */
  List<String> problems(JsonNode doc) {
    List<String> out = new ArrayList<>();
    check(properties, doc, "", out);
    return out;
  }

  private static void check(JsonNode props, JsonNode obj, String prefix, List<String> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
      var e = it.next();
      String path = prefix + e.getKey();
      JsonNode mapping = props.get(e.getKey());
      if (mapping == null) {
        out.add(path + ": not in the index template (strict mapping refuses the document)");
        continue;
      }
      JsonNode v = e.getValue();
      if (mapping.has("properties")) {
        if (v.isObject()) {
          check(mapping.get("properties"), v, path + ".", out);
        } else {
          out.add(path + ": an object in the template, " + v.getNodeType() + " here");
        }
        continue;
      }
      String type = mapping.path("type").asText();
      for (JsonNode x : v.isArray() ? v : JSON.createArrayNode().add(v)) {
        boolean ok = switch (type) {
          case "keyword", "text" -> x.isTextual();
          case "long" -> x.isIntegralNumber()
              || (x.isTextual() && x.asText().matches("-?\\d{1,18}"));
          case "date" -> x.isTextual() && isDate(x.asText());
          case "object" -> x.isObject();
          default -> false;
        };
        if (!ok) {
          out.add(path + ": " + x + " is not a " + type);
        }
      }
    }
  }

  private static boolean isDate(String s) {
    try {
      OffsetDateTime.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
