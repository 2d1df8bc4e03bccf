package pe.agriscore.internal;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration AgriScore reads and writes its files with. Not public API.
 *
 * <p>Strict on purpose: unknown properties, duplicate keys and trailing tokens are errors, so a
 * typo in a hand-written bundle file is reported instead of silently ignored. NaN literals are
 * accepted by the parser only so that validation can reject them by name (rule NOT_FINITE).
 */
public final class Json {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // Same correctly rounded doubles as Double.parseDouble, at a fraction of the cost.
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private static final ObjectMapper COMPACT =
      MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** The shared, thread-safe mapper (indented output, for files). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The same configuration with compact output, for wire formats. */
  public static ObjectMapper compact() {
    return COMPACT;
  }

  /**
   * A readable account of a parse failure: the JSON path and the validation message of the value
   * that was refused, without Jackson's class names.
   */
  public static String describe(com.fasterxml.jackson.core.JsonProcessingException e) {
    String where = "";
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m
        && !m.getPath().isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          sb.append('[').append(r.getIndex()).append(']');
        }
      }
      where = "at '" + sb + "': ";
    }
    Throwable cause = e.getCause();
    if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
      return where + cause.getMessage();
    }
    String location = e.getLocation() == null ? ""
        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
            + ")";
    return where + e.getOriginalMessage() + location;
  }
}
