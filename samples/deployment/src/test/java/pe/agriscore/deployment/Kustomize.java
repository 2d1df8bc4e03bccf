package pe.agriscore.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a Kustomize directory in Java, for the subset of Kustomize that {@code k8s/} uses
 * (kubectl and kustomize do not install here): {@code resources} (files, or directories with
 * their own kustomization), then {@code patches} ({@code path} only: each document patches the
 * resource of its kind and name by strategic merge: maps merge, {@code null} deletes a key,
 * lists of maps merge by {@code name}, any other list is replaced), then {@code images} ({@code
 * name} to {@code newName}/{@code newTag} in every container), then {@code namespace}. Any other
 * field of a kustomization fails the render, so what this renders is what Kustomize renders.
 */
final class Kustomize {

  private static final Set<String> FIELDS =
      Set.of("apiVersion", "kind", "namespace", "resources", "images", "patches");

  private Kustomize() {}

  static List<ObjectNode> render(Path dir) throws IOException {
    Path file = dir.resolve("kustomization.yaml");
    JsonNode k = AlertRules.YAML.readTree(file.toFile());
    for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException(file + ": field " + f + " is outside the Kustomize"
            + " subset this renderer applies " + FIELDS);
      }
    }
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode r : k.path("resources")) {
      Path p = dir.resolve(r.asText()).normalize();
      if (Files.isDirectory(p)) {
        out.addAll(render(p));
      } else {
        out.addAll(documents(p));
      }
    }
    for (JsonNode patch : k.path("patches")) {
      if (!patch.has("path") || patch.size() != 1) {
        throw new IllegalArgumentException(file + ": a patch must have a path and nothing else");
      }
      Path p = dir.resolve(patch.path("path").asText());
      for (ObjectNode doc : documents(p)) {
        ObjectNode target = find(out, doc.path("kind").asText(),
            doc.path("metadata").path("name").asText());
        if (target == null) {
          throw new IllegalArgumentException(p + ": patches " + doc.path("kind").asText() + " "
              + doc.path("metadata").path("name").asText() + ", which no resource is");
        }
        merge(target, doc);
      }
    }
    for (JsonNode image : k.path("images")) {
      for (ObjectNode doc : out) {
        for (JsonNode c : containers(doc)) {
          String name = c.path("image").asText().split(":", 2)[0];
          if (name.equals(image.path("name").asText())) {
            ((ObjectNode) c).put("image", image.path("newName").asText(name)
                + ":" + image.path("newTag").asText("latest"));
          }
        }
      }
    }
    if (k.has("namespace")) {
      for (ObjectNode doc : out) {
        doc.with("metadata").put("namespace", k.path("namespace").asText());
      }
    }
    return out;
  }

  static ObjectNode find(List<ObjectNode> docs, String kind, String name) {
    for (ObjectNode d : docs) {
      if (d.path("kind").asText().equals(kind)
          && d.path("metadata").path("name").asText().equals(name)) {
        return d;
      }
    }
    return null;
  }

  /** The containers of a workload's pod template (none for other kinds). */
  static List<JsonNode> containers(JsonNode doc) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode pod = doc.path("spec").path("template").path("spec");
    pod.path("initContainers").forEach(out::add);
    pod.path("containers").forEach(out::add);
    return out;
  }

  static List<ObjectNode> documents(Path file) throws IOException {
    List<ObjectNode> out = new ArrayList<>();
    try (var it = AlertRules.YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && !d.isNull() && !d.isMissingNode()) {
          out.add((ObjectNode) d);
        }
      }
    }
    return out;
  }

  /** Strategic merge of {@code patch} into {@code base} (see the class comment). */
  static void merge(ObjectNode base, JsonNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode b = base.get(e.getKey());
      JsonNode p = e.getValue();
      if (p.isNull()) {
        base.remove(e.getKey());
      } else if (b instanceof ObjectNode bo && p.isObject()) {
        merge(bo, p);
      } else if (b instanceof ArrayNode ba && p.isArray() && byName(ba) && byName(p)) {
        for (JsonNode item : p) {
          ObjectNode match = null;
          for (JsonNode x : ba) {
            if (x.path("name").equals(item.path("name"))) {
              match = (ObjectNode) x;
            }
          }
          if (match == null) {
            ba.add(item.deepCopy());
          } else {
            merge(match, item);
          }
        }
      } else {
        base.set(e.getKey(), p.deepCopy());
      }
    }
  }

  private static boolean byName(JsonNode list) {
    if (list.isEmpty()) {
      return false;
    }
    for (JsonNode x : list) {
      if (!x.isObject() || !(x.get("name") instanceof TextNode)) {
        return false;
      }
    }
    return true;
  }
}
