package pe.agriscore.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import pe.agriscore.internal.Json;
import pe.agriscore.request.InvalidRequestException;
import pe.agriscore.request.ScoringRequest;
import pe.agriscore.request.Violation;
import pe.agriscore.request.Violation.Rule;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ReasonCode;
import pe.agriscore.scoring.ScoringError;
import pe.agriscore.scoring.ScoringResult;

/**
 * The JSON wire formats of a request, a score and an error (documented in {@code
 * docs/json-formats.md}): the contract the Kafka adapter speaks. Stateless and thread-safe.
 *
 * <pre>{@code
 * ScoringRequest request = ScoringJson.readRequest(bytes);   // InvalidRequestException if bad
 * ScoringResult result = scorer.scoreAll(List.of(request)).get(0);
 * byte[] out = ScoringJson.write(result);                    // a score or an error
 * }</pre>
 *
 * <p>Reading is strict and loses nothing: syntax errors, duplicate keys, unknown envelope fields,
 * a non-string applicant id or a malformed date are reported as {@link Violation}s naming the
 * field; feature values are kept exactly as sent (including wrong types) for the model's schema to
 * judge.
 */
public final class ScoringJson {

  /** Default largest request accepted by {@link #readRequest(byte[])}: 64 KiB. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;

  private static final JsonFactory FACTORY = Json.compact().getFactory();

  private ScoringJson() {}

  /**
   * Parses a request of at most {@link #DEFAULT_MAX_REQUEST_BYTES}.
   *
   * @throws InvalidRequestException naming every envelope problem (field {@code $} for the
   *     payload as a whole)
   */
  public static ScoringRequest readRequest(byte[] json) {
    return readRequest(json, DEFAULT_MAX_REQUEST_BYTES);
  }

  /** Parses a request string of at most {@link #DEFAULT_MAX_REQUEST_BYTES} UTF-8 bytes. */
  public static ScoringRequest readRequest(String json) {
    return readRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Parses a request of at most {@code maxBytes}.
   *
   * @throws InvalidRequestException naming every envelope problem
   */
  public static ScoringRequest readRequest(byte[] json, int maxBytes) {
    if (json == null) {
      throw malformed(null, "the payload is null (no request)");
    }
    if (json.length > maxBytes) {
      throw malformed(null, "the payload has " + json.length + " bytes, more than the limit of "
          + maxBytes);
    }
    try (JsonParser p = FACTORY.createParser(json)) {
      return parse(p);
    } catch (JsonProcessingException e) {
      throw malformed(null, "not valid JSON: " + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ScoringRequest parse(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw malformed(null, "a request must be a JSON object");
    }
    String applicantId = null;
    LocalDate asOf = null;
    List<Violation> violations = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    boolean sawFeatures = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "applicantId" -> {
          if (t == JsonToken.VALUE_STRING) {
            applicantId = p.getText();
          } else {
            violations.add(new Violation("applicantId", t == JsonToken.VALUE_NULL ? Rule.MISSING
                : Rule.WRONG_TYPE, "expected a string, got " + describe(t)));
            p.skipChildren();
          }
        }
        case "asOfDate" -> {
          if (t == JsonToken.VALUE_STRING) {
            try {
              asOf = LocalDate.parse(p.getText());
            } catch (DateTimeParseException e) {
              violations.add(new Violation("asOfDate", Rule.WRONG_TYPE,
                  "expected an ISO date yyyy-MM-dd, got \"" + p.getText() + "\""));
            }
          } else {
            violations.add(new Violation("asOfDate", t == JsonToken.VALUE_NULL ? Rule.MISSING
                : Rule.WRONG_TYPE, "expected an ISO date string, got " + describe(t)));
            p.skipChildren();
          }
        }
        case "features" -> {
          sawFeatures = true;
          if (t != JsonToken.START_OBJECT) {
            violations.add(new Violation("features", Rule.WRONG_TYPE,
                "expected an object of feature values, got " + describe(t)));
            p.skipChildren();
          } else {
            readFeatures(p, names, values);
          }
        }
        default -> {
          violations.add(new Violation(field, Rule.UNKNOWN_FIELD,
              "a request has only applicantId, asOfDate and features"));
          p.skipChildren();
        }
      }
    }
    if (p.nextToken() != null) {
      throw malformed(applicantId, "unexpected content after the request object");
    }
    if (!sawFeatures) {
      violations.add(new Violation("features", Rule.MISSING, "a request needs 'features'"));
    }
    if (!violations.isEmpty()) {
      throw new InvalidRequestException(applicantId, violations);
    }
    ScoringRequest.Builder b = ScoringRequest.builder(applicantId, asOf);
    for (int i = 0; i < names.size(); i++) {
      b.setRaw(names.get(i), values.get(i));
    }
    return b.build();
  }

  private static void readFeatures(JsonParser p, List<String> names, List<Object> values)
      throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      names.add(p.currentName());
      JsonToken t = p.nextToken();
      values.add(switch (t) {
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDoubleValue();
        case VALUE_STRING -> p.getText();
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        case VALUE_NULL -> null;
        default -> {
          p.skipChildren();
          yield new ScoringRequest.WrongType(describe(t));
        }
      });
    }
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "object";
      case START_ARRAY -> "array";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name() : t.asString();
    };
  }

  private static InvalidRequestException malformed(String applicantId, String message) {
    return new InvalidRequestException(applicantId, List.of(new Violation("$", Rule.MALFORMED,
        message)));
  }

  /** Writes a request in the wire format. */
  public static byte[] writeRequest(ScoringRequest request) {
    return generate(g -> {
      g.writeStartObject();
      g.writeStringField("applicantId", request.applicantId());
      g.writeStringField("asOfDate",
          request.asOfDate() == null ? null : request.asOfDate().toString());
      g.writeObjectFieldStart("features");
      for (Map.Entry<String, Object> e : request.values().entrySet()) {
        Object v = e.getValue();
        g.writeFieldName(e.getKey());
        if (v == null) {
          g.writeNull();
        } else if (v instanceof Double d) {
          g.writeNumber(d);
        } else if (v instanceof Boolean b) {
          g.writeBoolean(b);
        } else if (v instanceof String s) {
          g.writeString(s);
        } else {
          throw new IllegalArgumentException(e.getKey() + ": a " + v
              + " value cannot be written back as JSON");
        }
      }
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  /** Writes a score or an error. */
  public static byte[] write(ScoringResult result) {
    if (result instanceof CreditScore s) {
      return writeScore(s);
    }
    return writeError((ScoringError) result);
  }

  /** Writes a score. */
  public static byte[] writeScore(CreditScore s) {
    return generate(g -> {
      g.writeStartObject();
      g.writeStringField("type", "score");
      g.writeStringField("applicantId", s.applicantId());
      g.writeStringField("asOfDate", s.asOfDate() == null ? null : s.asOfDate().toString());
      g.writeNumberField("probabilityOfDefault", s.probabilityOfDefault());
      g.writeNumberField("points", s.points());
      g.writeStringField("grade", s.grade());
      g.writeArrayFieldStart("reasons");
      for (ReasonCode r : s.reasons()) {
        g.writeStartObject();
        g.writeNumberField("rank", r.rank());
        g.writeStringField("code", r.code());
        g.writeStringField("feature", r.feature());
        g.writeNumberField("points", r.points());
        g.writeStringField("es", r.messageEs());
        g.writeStringField("en", r.messageEn());
        g.writeEndObject();
      }
      g.writeEndArray();
      writeModel(g, s);
      g.writeStringField("scoredAt", s.scoredAt().toString());
      g.writeEndObject();
    });
  }

  /** Writes an error. */
  public static byte[] writeError(ScoringError e) {
    return generate(g -> {
      g.writeStartObject();
      g.writeStringField("type", "error");
      g.writeStringField("applicantId", e.applicantId());
      g.writeStringField("error", e.kind().name());
      g.writeStringField("message", e.message());
      g.writeFieldName("violations");
      writeViolations(g, e.violations());
      if (e.exceptionClass() != null) {
        g.writeStringField("exception", e.exceptionClass());
      }
      writeModel(g, e);
      g.writeStringField("timestamp", e.timestamp().toString());
      g.writeEndObject();
    });
  }

  /**
   * Writes violations as the JSON array of an error's {@code violations}, e.g. for a Kafka
   * dead-letter header: {@code [{"field":"farm_size_ha","rule":"OUT_OF_RANGE","message":"..."}]}.
   */
  public static byte[] writeViolations(List<Violation> violations) {
    return generate(g -> writeViolations(g, violations));
  }

  private static void writeViolations(JsonGenerator g, List<Violation> violations)
      throws IOException {
    g.writeStartArray();
    for (Violation v : violations) {
      g.writeStartObject();
      g.writeStringField("field", v.field());
      g.writeStringField("rule", v.rule().name());
      g.writeStringField("message", v.message());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static void writeModel(JsonGenerator g, ScoringResult r) throws IOException {
    g.writeObjectFieldStart("model");
    g.writeStringField("name", r.modelName());
    g.writeStringField("version", r.modelVersion());
    g.writeEndObject();
  }

  /**
   * Parses a score or an error written by {@link #write}.
   *
   * @throws IllegalArgumentException if the JSON is not a result
   */
  public static ScoringResult readResult(byte[] json) {
    try {
      JsonNode n = Json.compact().readTree(json);
      String type = n.path("type").asText();
      String modelName = n.path("model").path("name").asText();
      String modelVersion = n.path("model").path("version").asText();
      String applicantId = n.path("applicantId").isNull() ? null : n.path("applicantId").asText();
      if (type.equals("score")) {
        List<ReasonCode> reasons = new ArrayList<>();
        for (JsonNode r : n.path("reasons")) {
          reasons.add(new ReasonCode(r.path("rank").asInt(), r.path("code").asText(),
              r.path("feature").asText(), r.path("points").asDouble(), r.path("es").asText(),
              r.path("en").asText()));
        }
        return new CreditScore(applicantId,
            n.path("asOfDate").isTextual() ? LocalDate.parse(n.path("asOfDate").asText()) : null,
            n.path("probabilityOfDefault").asDouble(), n.path("points").asInt(),
            n.path("grade").asText(), reasons, modelName, modelVersion,
            Instant.parse(n.path("scoredAt").asText()));
      }
      if (type.equals("error")) {
        List<Violation> violations = new ArrayList<>();
        for (JsonNode v : n.path("violations")) {
          violations.add(new Violation(v.path("field").asText(),
              Rule.valueOf(v.path("rule").asText()), v.path("message").asText()));
        }
        return new ScoringError(applicantId, ScoringError.Kind.valueOf(n.path("error").asText()),
            n.path("message").asText(), violations, modelName, modelVersion,
            Instant.parse(n.path("timestamp").asText()),
            n.path("exception").isTextual() ? n.path("exception").asText() : null);
      }
      throw new IllegalArgumentException("not a scoring result: 'type' is '" + type + "'");
    } catch (IOException e) {
      throw new IllegalArgumentException("not a scoring result: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException("not a scoring result: " + e, e);
    }
  }

  private interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] generate(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
