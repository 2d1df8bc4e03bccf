package pe.agriscore.internal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Refuses, before binding, a JSON property or type name that a creator-built type does not
 * know. Jackson binds such types by calling their {@link JsonCreator} first and reports unknown
 * properties only afterwards, so a misspelt property surfaced as the creator's complaint about
 * the one it lacks ({@code "level"} for {@code "levels"} read as "'levels' must list at least one
 * level"). Not public API.
 *
 * <p>The known names are the {@link JsonProperty} names of the creator's parameters, and of
 * {@link JsonSubTypes} for a polymorphic type, found by reflection on the annotations Jackson
 * itself reads; values are followed into nested creator types, lists and maps.
 */
public final class KnownProperties {

  private KnownProperties() {}

  /**
   * Checks {@code tree} against {@code type}; what is not an object where one is expected, or a
   * missing type name, is left for binding to report.
   *
   * @throws IllegalArgumentException naming the JSON path, the unknown property or type, the
   *     known names and a close one, and for an element of a polymorphic type (a feature) its
   *     {@code name}
   */
  public static void check(JsonNode tree, Class<?> type) {
    check(tree, (Type) type, "");
  }

  private static void check(JsonNode node, Type type, String path) {
    if (node == null || node.isNull()) {
      return;
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw) && node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          check(node.get(i), args[0], path + "[" + i + "]");
        }
      } else if (Map.class.isAssignableFrom(raw) && node.isObject()) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          check(e.getValue(), args[1], join(path, e.getKey()));
        }
      }
      return;
    }
    if (!(type instanceof Class<?> c) || !node.isObject()) {
      return;
    }
    String typeProperty = null;
    String label = "";
    JsonTypeInfo info = c.getAnnotation(JsonTypeInfo.class);
    JsonSubTypes subtypes = c.getAnnotation(JsonSubTypes.class);
    if (info != null && info.use() == JsonTypeInfo.Id.NAME && subtypes != null) {
      typeProperty = info.property();
      JsonNode name = node.get(typeProperty);
      if (name == null || !name.isTextual()) {
        return;
      }
      Map<String, Class<?>> byName = new TreeMap<>();
      for (JsonSubTypes.Type t : subtypes.value()) {
        byName.put(t.name(), t.value());
      }
      label = label(c, node);
      c = byName.get(name.asText());
      if (c == null) {
        throw new IllegalArgumentException(label + "'" + path + "' has an unknown type '"
            + Text.safe(name.asText(), 64) + "' (known: " + String.join(", ", byName.keySet())
            + ")");
      }
    }
    Map<String, Type> known = creatorProperties(c);
    if (known == null) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = e.getKey();
      if (key.equals(typeProperty)) {
        continue;
      }
      Type valueType = known.get(key);
      if (valueType == null) {
        String close = known.keySet().stream().filter(k -> distance(k, key) <= 2).findFirst()
            .orElse(null);
        throw new IllegalArgumentException(label + "unknown property '"
            + Text.safe(key, 64) + "'" + (path.isEmpty() ? "" : " in '" + path + "'")
            + " (known: " + String.join(", ", new TreeMap<>(known).keySet()) + ")"
            + (close == null ? "" : "; did you mean '" + close + "'?"));
      }
      check(e.getValue(), valueType, join(path, key));
    }
  }

  /** The creator's JSON property names and parameter types, or null without a creator. */
  private static Map<String, Type> creatorProperties(Class<?> c) {
    Executable creator = Stream.concat(Arrays.stream(c.getDeclaredConstructors()),
            Arrays.stream(c.getDeclaredMethods()))
        .filter(x -> x.isAnnotationPresent(JsonCreator.class)).findFirst().orElse(null);
    if (creator == null) {
      return null;
    }
    Map<String, Type> properties = new LinkedHashMap<>();
    Parameter[] parameters = creator.getParameters();
    Type[] types = creator.getGenericParameterTypes();
    // An inner class's constructor has a leading parameter that getParameters() counts but
    // getGenericParameterTypes() may not: align on the last parameters.
    int offset = parameters.length - types.length;
    for (int i = 0; i < parameters.length; i++) {
      JsonProperty p = parameters[i].getAnnotation(JsonProperty.class);
      if (p == null) {
        return null; // a delegating creator: Jackson's own checks apply
      }
      properties.put(p.value(), i - offset >= 0 ? types[i - offset] : Object.class);
    }
    return properties;
  }

  /**
   * {@code feature 'crop': } for an element of a polymorphic type ({@code Feature}) that has a
   * {@code name}, so that a feature reads by its name as well as by its index.
   */
  private static String label(Class<?> base, JsonNode node) {
    JsonNode name = node.get("name");
    if (name == null || !name.isTextual()) {
      return "";
    }
    String type = base.getSimpleName();
    return Character.toLowerCase(type.charAt(0)) + type.substring(1) + " '"
        + Text.safe(name.asText(), 64) + "': ";
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Levenshtein distance, for "did you mean". */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int swap = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + swap);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
