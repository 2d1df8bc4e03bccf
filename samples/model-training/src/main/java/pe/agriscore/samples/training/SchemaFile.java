package pe.agriscore.samples.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pe.agriscore.schema.FeatureSchema;

/**
 * Reads a hand-written schema file for the command line, first checking what a data scientist
 * gets wrong by hand (a feature type that does not exist, a misspelt property such as {@code
 * level} for {@code levels}) and saying so in the schema's own terms; then {@link
 * FeatureSchema#read} does the full validation.
 *
 * <p>A stop-gap: the scoring API's own schema reader reports these two cases in its JSON
 * library's words today; once it names them itself this class reduces to that call.
 *
 * <pre>{@code
 * FeatureSchema schema = SchemaFile.read(Path.of("schema.json"));
 * }</pre>
 */
final class SchemaFile {

  private static final Set<String> TOP = Set.of("name", "version", "features");
  private static final Map<String, Set<String>> PROPERTIES = Map.of(
      "numeric", Set.of("type", "name", "unit", "min", "max", "missing", "text"),
      "categorical", Set.of("type", "name", "levels", "unknown", "unknownLevel", "map",
          "missing", "text"),
      "boolean", Set.of("type", "name", "missing", "text"));

  private SchemaFile() {}

  /**
   * Reads and validates {@code file}.
   *
   * @throws IllegalArgumentException naming the file, the feature and the property that is wrong
   */
  static FeatureSchema read(Path file) throws IOException {
    String json = Files.readString(file, StandardCharsets.UTF_8);
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      // Not JSON at all: the scoring API's reader gives the line and column.
      return FeatureSchema.fromJson(json);
    }
    if (root != null && root.isObject()) {
      unknown(root, TOP, "the schema");
      JsonNode features = root.path("features");
      for (int i = 0; i < features.size(); i++) {
        JsonNode f = features.get(i);
        String where = "features[" + i + "]"
            + (f.path("name").isTextual() ? " ('" + f.path("name").asText() + "')" : "");
        String type = f.path("type").asText("");
        Set<String> allowed = PROPERTIES.get(type);
        if (allowed == null) {
          throw new IllegalArgumentException(where + ": type '" + type + "' is not a feature"
              + " type; expected one of " + List.of("numeric", "categorical", "boolean")
              + (type.equals("integer") || type.equals("float") || type.equals("double")
                  ? " (a whole number is 'numeric')" : ""));
        }
        unknown(f, allowed, where);
      }
    }
    return FeatureSchema.fromJson(json);
  }

  private static void unknown(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        String close = allowed.stream()
            .filter(a -> a.startsWith(key) || key.startsWith(a)).findFirst().orElse(null);
        throw new IllegalArgumentException(where + ": unknown property '" + key + "'"
            + (close != null ? " (did you mean '" + close + "'?)" : "") + "; allowed: "
            + allowed.stream().sorted().toList());
      }
    }
  }
}
