package pe.agriscore.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one Jackson configuration AgriScore reads and writes its files with. Not public API.
 *
 * <p>Strict on purpose: unknown properties, duplicate keys and trailing tokens are errors, and no
 * scalar is coerced into another type ({@code "1"} is not a number, {@code 1.9} is not an
 * integer, {@code 7} is not a string), so a typo in a hand-written bundle file is reported instead
 * of silently "fixed". NaN literals are accepted by the parser only so that validation can reject
 * them by name (rule NOT_FINITE).
 *
 * <p>The configured mapper and its factory are never handed out (callers read and write through
 * the methods here, over immutable {@code ObjectReader}s and {@code ObjectWriter}s), so no caller
 * can loosen the strictness for everyone else.
 */
public final class Json {

  /** Deepest nesting of a bundle file: far beyond any real file, far below a stack overflow. */
  public static final int MAX_NESTING_DEPTH = 64;

  /** Longest number literal in a bundle file, in characters. */
  public static final int MAX_NUMBER_LENGTH = 100;

  private static final ObjectMapper MAPPER = build(true);

  private static final JsonFactory STREAM = fileFactory()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  /** Jackson's account of a refused coercion: the JSON shape and the value as written. */
  private static final Pattern COERCION = Pattern.compile(
      "^Cannot coerce (String|Integer|Floating-point|Boolean) value \\(\"?(.{0,40}?)\"?\\) to ");

  private static final ObjectReader READER = MAPPER.reader();
  private static final ObjectWriter WRITER = MAPPER.writer();
  private static final ObjectWriter COMPACT_WRITER =
      MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

  /** Reads the wire formats: same features, Jackson's default parse limits. */
  private static final ObjectReader WIRE_READER = build(false).reader();

  private Json() {}

  private static JsonFactoryBuilder fileFactory() {
    return new JsonFactoryBuilder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(MAX_NUMBER_LENGTH).build());
  }

  private static ObjectMapper build(boolean fileLimits) {
    JsonFactory factory = fileLimits ? fileFactory().build() : JsonFactory.builder().build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        // Strings, booleans and numbers are never turned into one another; an integer literal
        // is still a valid floating-point number.
        .withCoercionConfigDefaults(c -> c
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Float,
            c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert))
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        // Same correctly rounded doubles as Double.parseDouble, at a fraction of the cost.
        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .build();
  }

  /** Reads a bundle file strictly. */
  public static <T> T read(String json, Class<T> type) throws JsonProcessingException {
    return READER.forType(type).readValue(json);
  }

  /** Reads a tree strictly into {@code type}. */
  public static <T> T read(JsonNode tree, Class<T> type) throws IOException {
    return READER.forType(type).readValue(tree);
  }

  /** Reads a JSON tree with the bundle files' limits. */
  public static JsonNode readTree(String json) throws JsonProcessingException {
    return READER.readTree(json);
  }

  /**
   * A streaming parser with the bundle files' limits and duplicate detection, from a factory of
   * its own that no mapper shares.
   */
  public static JsonParser parser(String json) throws IOException {
    return STREAM.createParser(json);
  }

  /** {@code value} as indented JSON, for files. */
  public static String write(Object value) throws JsonProcessingException {
    return WRITER.writeValueAsString(value);
  }

  /** {@code value} as compact JSON. */
  public static byte[] writeCompact(Object value) throws JsonProcessingException {
    return COMPACT_WRITER.writeValueAsBytes(value);
  }

  /** A new, empty JSON object. */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /**
   * Reads a JSON tree written in one of the wire formats, with Jackson's default parse limits
   * (the wire readers bound their input themselves).
   */
  public static JsonNode readWireTree(byte[] json) throws IOException {
    return WIRE_READER.readTree(json);
  }

  /**
   * A readable account of a parse failure in the SDK's words: the JSON path and what is wrong
   * with the value there, never Jackson's class names or configuration hints.
   */
  public static String describe(JsonProcessingException e) {
    String path = e instanceof JsonMappingException m ? path(m.getPath()) : "";
    String at = path.isEmpty() ? "" : "'" + path + "' ";
    if (e instanceof UnrecognizedPropertyException u) {
      List<JsonMappingException.Reference> parent = u.getPath().subList(0,
          Math.max(0, u.getPath().size() - 1));
      String where = parent.isEmpty() ? "" : " in '" + path(parent) + "'";
      return "unknown property '" + u.getPropertyName() + "'" + where + known(u.getKnownPropertyIds());
    }
    if (e instanceof InvalidTypeIdException t) {
      return at + "has an unknown type '" + t.getTypeId() + "'";
    }
    Throwable cause = e.getCause();
    if (e instanceof ValueInstantiationException || cause instanceof IllegalArgumentException
        || cause instanceof NullPointerException) {
      String where = path.isEmpty() ? "" : "at '" + path + "': ";
      if (cause instanceof NullPointerException) {
        // Objects.requireNonNull(x, "name") names the field; List.copyOf and friends name none.
        String field = cause.getMessage();
        return where + (field != null && field.matches("[A-Za-z][A-Za-z0-9_.\\[\\]]*")
            ? "'" + field + "' is required" : field != null && field.contains("'") ? field
            : "a value is null where an object, array or value is required");
      }
      return where + (cause == null || cause.getMessage() == null ? "invalid value"
          : cause.getMessage());
    }
    if (e instanceof InvalidFormatException f) {
      return at + "must be " + expected(f.getTargetType()) + ", not " + describeValue(f.getValue());
    }
    if (e instanceof StreamConstraintsException || cause instanceof StreamConstraintsException) {
      // Jackson's text names its own configuration method; keep the limit, drop the rest.
      String limit = (cause instanceof StreamConstraintsException c ? c : e).getOriginalMessage();
      return (path.isEmpty() ? "" : "at '" + path + "': ") + "exceeds a parse limit: "
          + limit.replaceAll(",? ?from `[^`]*`", "") + location(e);
    }
    if (e instanceof MismatchedInputException m) {
      String message = String.valueOf(m.getOriginalMessage());
      Class<?> target = m.getTargetType();
      List<JsonMappingException.Reference> refs = m.getPath();
      if (target != null && target.isArray() && !refs.isEmpty()
          && refs.get(refs.size() - 1).getIndex() >= 0) {
        target = target.getComponentType();
      }
      if (message.startsWith("No content to map")) {
        return "is empty: a JSON value is required";
      }
      if (message.contains("`null`")) {
        return at + "is required and must be " + expected(target);
      }
      Matcher coerced = COERCION.matcher(message);
      String found = !coerced.find() ? ""
          : ", not the " + switch (coerced.group(1)) {
            case "String" -> "string \"" + coerced.group(2) + "\"";
            case "Boolean" -> "boolean " + coerced.group(2);
            default -> "number " + coerced.group(2);
          };
      return at + "must be " + expected(target) + found + location(e);
    }
    String message = String.valueOf(e.getOriginalMessage());
    int newline = message.indexOf('\n');
    message = newline < 0 ? message : message.substring(0, newline);
    if (message.length() > 200) {
      message = message.substring(0, 200) + "...";
    }
    return (path.isEmpty() ? "invalid JSON" : "invalid JSON at '" + path + "'") + location(e)
        + ": " + message;
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String known(Collection<Object> ids) {
    if (ids == null || ids.isEmpty()) {
      return "";
    }
    TreeSet<String> names = new TreeSet<>();
    ids.forEach(id -> names.add(String.valueOf(id)));
    return " (known: " + String.join(", ", names) + ")";
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null || e.getLocation().getLineNr() < 0 ? ""
        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
            + ")";
  }

  private static String describeValue(Object value) {
    if (value instanceof String s) {
      return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    if (value instanceof Boolean b) {
      return "the boolean " + b;
    }
    return value instanceof Number n ? "the number " + n : "that value";
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "a value of another type";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class
        || type == short.class || type == Short.class) {
      return "an integer";
    }
    if (type == double.class || type == Double.class || type == float.class
        || type == Float.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class || type.isEnum() || type == java.time.Instant.class) {
      return "a string";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "a value of another type";
  }
}
