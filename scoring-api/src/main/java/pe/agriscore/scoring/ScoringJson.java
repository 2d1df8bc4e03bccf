package pe.agriscore.scoring;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import pe.agriscore.internal.Json;
import pe.agriscore.internal.OrderedValues;
import pe.agriscore.internal.Text;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.InvalidRequestException;
import pe.agriscore.scoring.ReasonCode;
import pe.agriscore.scoring.ScoringError;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;
import pe.agriscore.scoring.Violation.Rule;
import pe.agriscore.scoring.Violation;

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
 * <p>Reading is strict and loses nothing: a payload that is not UTF-8, syntax errors, duplicate
 * keys, anything beyond the parse {@link Limits}, unknown envelope fields, a missing or
 * malformed applicant id or date are reported as {@link Violation}s naming the field; feature
 * values are kept exactly as sent (including wrong types) for the model's schema to judge.
 * {@link InvalidRequestException} is the only exception a read throws, whatever the input.
 */
public final class ScoringJson {

  /** Default largest request accepted by {@link #readRequest(byte[])}: 64 KiB. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;

  /**
   * Writes a supplementary character as its 4 UTF-8 bytes rather than two 6-byte escapes, which
   * is what keeps an error within its documented size (4 bytes per code point at most).
   */
  private static final JsonFactory WRITER = JsonFactory.builder()
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .build();

  private ScoringJson() {}

  /**
   * What a request may contain before it is refused with rule {@code MALFORMED} (field {@code
   * $}), each limit named in the message. The defaults are sized for a real request, about 1 KB
   * with 30 features, two levels deep, with short strings and numbers, and are far tighter than
   * the JSON parser's own (1,000 levels, 1,000-digit numbers, 20 million-character strings):
   *
   * <table>
   *   <caption>Parse limits</caption>
   *   <tr><th>limit</th><th>default</th><th>counts</th></tr>
   *   <tr><td>{@code maxRequestBytes}</td><td>{@value ScoringJson#DEFAULT_MAX_REQUEST_BYTES}</td>
   *       <td>bytes of the whole payload, checked before parsing</td></tr>
   *   <tr><td>{@code maxDepth}</td><td>{@value Limits#DEFAULT_MAX_DEPTH}</td>
   *       <td>nested objects and arrays, the request object being level 1</td></tr>
   *   <tr><td>{@code maxNumberLength}</td><td>{@value Limits#DEFAULT_MAX_NUMBER_LENGTH}</td>
   *       <td>characters of one number</td></tr>
   *   <tr><td>{@code maxStringLength}</td><td>{@value Limits#DEFAULT_MAX_STRING_LENGTH}</td>
   *       <td>characters of one string value</td></tr>
   *   <tr><td>{@code maxNameLength}</td><td>{@value Limits#DEFAULT_MAX_NAME_LENGTH}</td>
   *       <td>characters of one property name</td></tr>
   *   <tr><td>{@code maxFields}</td><td>{@value Limits#DEFAULT_MAX_FIELDS}</td>
   *       <td>properties of the request object and of {@code features}</td></tr>
   * </table>
   *
   * <p>Immutable and thread-safe; build once and share:
   *
   * <pre>{@code
   * ScoringJson.Limits limits = ScoringJson.Limits.builder().maxFields(1_000).build();
   * ScoringRequest request = ScoringJson.readRequest(bytes, limits);
   * }</pre>
   */
  public static final class Limits {

    /** Default {@code maxDepth}: a request is 2 levels deep; deeper values are wrong types. */
    public static final int DEFAULT_MAX_DEPTH = 8;

    /** Default {@code maxNumberLength}: a double needs at most 24 characters. */
    public static final int DEFAULT_MAX_NUMBER_LENGTH = 64;

    /** Default {@code maxStringLength}: ids, dates and category levels are short. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 256;

    /** Default {@code maxNameLength}: the length of the longest {@link Violation#field}. */
    public static final int DEFAULT_MAX_NAME_LENGTH = Violation.MAX_FIELD_LENGTH;

    /** Default {@code maxFields}: eight times the reference schema's 30 features, rounded. */
    public static final int DEFAULT_MAX_FIELDS = 256;

    private static final Limits DEFAULTS = new Builder().build();

    private final int maxRequestBytes;
    private final int maxDepth;
    private final int maxNumberLength;
    private final int maxStringLength;
    private final int maxNameLength;
    private final int maxFields;
    /** A parser factory enforcing the limits the parser can check itself. */
    private final JsonFactory factory;

    private Limits(Builder b) {
      this.maxRequestBytes = b.maxRequestBytes;
      this.maxDepth = b.maxDepth;
      this.maxNumberLength = b.maxNumberLength;
      this.maxStringLength = b.maxStringLength;
      this.maxNameLength = b.maxNameLength;
      this.maxFields = b.maxFields;
      this.factory = DEFAULTS != null && sameParserLimits(DEFAULTS) ? DEFAULTS.factory
          : JsonFactory.builder()
              // Duplicates are found by parse() in the two objects it reads, without the
              // parser's per-object hash set (a tenth of the cost of reading a request).
              // Same correctly rounded doubles as Double.parseDouble, at a fraction of the cost.
              .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
              // NaN and infinities are read so that validation rejects them by name (NOT_FINITE).
              .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
              .streamReadConstraints(StreamReadConstraints.builder()
                  .maxNestingDepth(maxDepth)
                  .maxNumberLength(maxNumberLength)
                  .maxStringLength(maxStringLength)
                  .maxNameLength(maxNameLength)
                  .build())
              .build();
    }

    private boolean sameParserLimits(Limits o) {
      return maxDepth == o.maxDepth && maxNumberLength == o.maxNumberLength
          && maxStringLength == o.maxStringLength && maxNameLength == o.maxNameLength;
    }

    /** The default limits (see the class comment). */
    public static Limits defaults() {
      return DEFAULTS;
    }

    /** Starts from the defaults. */
    public static Builder builder() {
      return new Builder();
    }

    /** Starts from these limits. */
    public Builder toBuilder() {
      return new Builder().maxRequestBytes(maxRequestBytes).maxDepth(maxDepth)
          .maxNumberLength(maxNumberLength).maxStringLength(maxStringLength)
          .maxNameLength(maxNameLength).maxFields(maxFields);
    }

    /** The largest payload, in bytes. */
    public int maxRequestBytes() {
      return maxRequestBytes;
    }

    /** The deepest nesting of objects and arrays; the request object is level 1. */
    public int maxDepth() {
      return maxDepth;
    }

    /** The longest number, in characters. */
    public int maxNumberLength() {
      return maxNumberLength;
    }

    /** The longest string value, in characters (UTF-16 units). */
    public int maxStringLength() {
      return maxStringLength;
    }

    /** The longest property name, in characters (UTF-16 units). */
    public int maxNameLength() {
      return maxNameLength;
    }

    /** The most properties in the request object, and in its {@code features}. */
    public int maxFields() {
      return maxFields;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Limits l && maxRequestBytes == l.maxRequestBytes
          && maxFields == l.maxFields && sameParserLimits(l);
    }

    @Override
    public int hashCode() {
      return Objects.hash(maxRequestBytes, maxDepth, maxNumberLength, maxStringLength,
          maxNameLength, maxFields);
    }

    @Override
    public String toString() {
      return "Limits{maxRequestBytes=" + maxRequestBytes + ", maxDepth=" + maxDepth
          + ", maxNumberLength=" + maxNumberLength + ", maxStringLength=" + maxStringLength
          + ", maxNameLength=" + maxNameLength + ", maxFields=" + maxFields + "}";
    }

    /** Builds {@link Limits}; every setter throws {@link IllegalArgumentException} below 1. */
    public static final class Builder {
      private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
      private int maxDepth = DEFAULT_MAX_DEPTH;
      private int maxNumberLength = DEFAULT_MAX_NUMBER_LENGTH;
      private int maxStringLength = DEFAULT_MAX_STRING_LENGTH;
      private int maxNameLength = DEFAULT_MAX_NAME_LENGTH;
      private int maxFields = DEFAULT_MAX_FIELDS;

      private Builder() {}

      /** The largest payload in bytes. Default {@value ScoringJson#DEFAULT_MAX_REQUEST_BYTES}. */
      public Builder maxRequestBytes(int value) {
        this.maxRequestBytes = positive("maxRequestBytes", value);
        return this;
      }

      /**
       * The deepest nesting, at least 2 (the request and its features). Default {@value
       * #DEFAULT_MAX_DEPTH}.
       */
      public Builder maxDepth(int value) {
        if (value < 2) {
          throw new IllegalArgumentException("maxDepth must be >= 2 (a request object and its"
              + " features), got " + value);
        }
        this.maxDepth = value;
        return this;
      }

      /** The longest number in characters. Default {@value #DEFAULT_MAX_NUMBER_LENGTH}. */
      public Builder maxNumberLength(int value) {
        this.maxNumberLength = positive("maxNumberLength", value);
        return this;
      }

      /** The longest string value in characters. Default {@value #DEFAULT_MAX_STRING_LENGTH}. */
      public Builder maxStringLength(int value) {
        this.maxStringLength = positive("maxStringLength", value);
        return this;
      }

      /** The longest property name in characters. Default {@value #DEFAULT_MAX_NAME_LENGTH}. */
      public Builder maxNameLength(int value) {
        this.maxNameLength = positive("maxNameLength", value);
        return this;
      }

      /** The most properties per object. Default {@value #DEFAULT_MAX_FIELDS}. */
      public Builder maxFields(int value) {
        this.maxFields = positive("maxFields", value);
        return this;
      }

      /** The limits. */
      public Limits build() {
        return new Limits(this);
      }

      private static int positive(String name, int value) {
        if (value < 1) {
          throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
        return value;
      }
    }
  }

  /**
   * A reader of requests for a schema whose features are {@code featureNames}, in order, within
   * the default limits: see {@link RequestReader}.
   *
   * @throws NullPointerException if {@code featureNames} is or holds null
   * @throws IllegalArgumentException if a name repeats
   */
  public static RequestReader reader(List<String> featureNames) {
    return new RequestReader(featureNames, Limits.DEFAULTS);
  }

  /**
   * A reader of requests for a schema whose features are {@code featureNames}, in order, within
   * {@code limits}: see {@link RequestReader}.
   *
   * @throws NullPointerException if an argument is or holds null
   * @throws IllegalArgumentException if a name repeats
   */
  public static RequestReader reader(List<String> featureNames, Limits limits) {
    return new RequestReader(featureNames, limits);
  }

  /**
   * Reads requests for one model's schema straight into the schema's feature order, for bulk
   * scoring: the request it returns is the one {@link ScoringJson#readRequest(byte[], Limits)}
   * returns for the same bytes (equal, with the same values in the same order), and every
   * payload it refuses is refused with the same violations, word for word; but its values sit in
   * an array indexed like the schema, which the scorer of that schema validates and encodes into
   * the engine's input without looking thirty names up per request. A request read for one
   * schema and scored by a model of another is still scored correctly, by name.
   *
   * <p>Feature values are not judged here (a wrong type or an unknown feature is reported when
   * the request is scored, as for any request); the reader only knows where each one goes.
   * Immutable and thread-safe; make one per scorer and share it:
   *
   * <pre>{@code
   * ScoringJson.RequestReader reader =
   *     ScoringJson.reader(scorer.model().schema().featureNames(), limits);
   * List<ScoringRequest> batch = new ArrayList<>();
   * for (byte[] json : payloads) {
   *   batch.add(reader.read(json));                     // InvalidRequestException if bad
   * }
   * List<ScoringResult> results = scorer.scoreAll(batch);
   * }</pre>
   */
  public static final class RequestReader {
    private final List<String> featureNames;
    private final Limits limits;
    private final OrderedValues.Order order;

    private RequestReader(List<String> featureNames, Limits limits) {
      this.featureNames = List.copyOf(featureNames);
      this.limits = Objects.requireNonNull(limits, "limits");
      this.order = OrderedValues.Order.of(this.featureNames);
    }

    /** The schema's feature names, in the order requests are read into. */
    public List<String> featureNames() {
      return featureNames;
    }

    /** The parse limits. */
    public Limits limits() {
      return limits;
    }

    /**
     * Parses a request, as {@link ScoringJson#readRequest(byte[], Limits)}.
     *
     * @throws InvalidRequestException naming every envelope problem; the only exception thrown
     */
    public ScoringRequest read(byte[] json) {
      return ScoringJson.read(json, limits, limits.maxRequestBytes, order);
    }

    /**
     * Parses a request string, as {@link ScoringJson#readRequest(String, Limits)}.
     *
     * @throws InvalidRequestException as {@link #read(byte[])}
     */
    public ScoringRequest read(String json) {
      return ScoringJson.read(json, limits, order);
    }

    @Override
    public String toString() {
      return "RequestReader{" + featureNames.size() + " features, " + limits + "}";
    }
  }

  /**
   * Parses a request within the {@linkplain Limits#defaults() default limits}.
   *
   * @param json the UTF-8 bytes of one request; {@code null} is refused like any bad payload
   * @throws InvalidRequestException naming every envelope problem (field {@code $} for the
   *     payload as a whole); the only exception this method throws
   */
  public static ScoringRequest readRequest(byte[] json) {
    return read(json, Limits.DEFAULTS, Limits.DEFAULTS.maxRequestBytes);
  }

  /**
   * Parses a request string within the default limits, {@code maxRequestBytes} counting its
   * UTF-8 encoding.
   *
   * @param json the request text; {@code null}, or text with an unpaired surrogate (which has no
   *     UTF-8 form), is refused with rule {@code MALFORMED}
   * @throws InvalidRequestException as {@link #readRequest(byte[])}
   */
  public static ScoringRequest readRequest(String json) {
    return readRequest(json, Limits.DEFAULTS);
  }

  /**
   * Parses a request of at most {@code maxBytes} within the other default limits.
   *
   * @throws InvalidRequestException as {@link #readRequest(byte[])}
   */
  public static ScoringRequest readRequest(byte[] json, int maxBytes) {
    return read(json, Limits.DEFAULTS, maxBytes);
  }

  /**
   * Parses a request within {@code limits}.
   *
   * @throws InvalidRequestException as {@link #readRequest(byte[])}
   */
  public static ScoringRequest readRequest(byte[] json, Limits limits) {
    return read(json, limits, limits.maxRequestBytes);
  }

  /**
   * Parses a request string within {@code limits}.
   *
   * @throws InvalidRequestException as {@link #readRequest(String)}
   */
  public static ScoringRequest readRequest(String json, Limits limits) {
    return read(json, limits, null);
  }

  private static ScoringRequest read(String json, Limits limits, OrderedValues.Order order) {
    if (json == null) {
      throw malformed("the payload is null (no request)");
    }
    if (json.length() > limits.maxRequestBytes) {
      throw malformed("the payload has " + json.length() + " characters, more than the limit of "
          + limits.maxRequestBytes + " bytes (maxRequestBytes)");
    }
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < json.length()
            && Character.isLowSurrogate(json.charAt(i + 1))) {
          i++;
        } else {
          throw malformed(String.format("the text has an unpaired surrogate U+%04X at index %d,"
              + " which has no UTF-8 form: the wire format is UTF-8", (int) c, i));
        }
      }
    }
    return read(json.getBytes(StandardCharsets.UTF_8), limits, limits.maxRequestBytes, order);
  }

  private static ScoringRequest read(byte[] json, Limits limits, int maxBytes) {
    return read(json, limits, maxBytes, null);
  }

  /**
   * Reads a request; with an {@code order}, its features land in that schema order ({@link
   * OrderedValues}), otherwise in a map by name. Both give the same request and violations.
   */
  private static ScoringRequest read(byte[] json, Limits limits, int maxBytes,
      OrderedValues.Order order) {
    if (json == null) {
      throw malformed("the payload is null (no request)");
    }
    if (json.length > maxBytes) {
      throw malformed("the payload has " + json.length + " bytes, more than the limit of "
          + maxBytes + " (maxRequestBytes)");
    }
    String notUtf8 = Utf8.problem(json);
    if (notUtf8 != null) {
      throw malformed(notUtf8);
    }
    JsonParser p = null;
    try {
      p = limits.factory.createParser(json);
      return parse(p, limits, order);
    } catch (StreamConstraintsException e) {
      throw malformed(beyondLimit(e, limits, json, where(p, e)) + at(p, e));
    } catch (JsonProcessingException e) {
      throw malformed("not valid JSON: " + jsonProblem(e.getOriginalMessage()) + at(p, e));
    } catch (IOException e) {
      // A byte array cannot fail to be read; a parser that claims otherwise is refused alike.
      throw malformed("cannot be read: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      if (p != null) {
        try {
          p.close();
        } catch (IOException ignored) {
          // Closing a parser over a byte array releases buffers only.
        }
      }
    }
  }

  private static ScoringRequest parse(JsonParser p, Limits limits, OrderedValues.Order order)
      throws IOException {
    JsonToken first = p.nextToken();
    if (first != JsonToken.START_OBJECT) {
      throw malformed(first == null ? "the payload is empty (no JSON value)"
          : "a request must be a JSON object");
    }
    String applicantId = null;
    boolean idReported = false;
    LocalDate asOf = null;
    boolean dateReported = false;
    List<Violation> violations = new ArrayList<>();
    Features features = null;
    boolean sawFeatures = false;
    int fields = 0;
    int seen = 0; // one bit per envelope property
    Set<String> unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      if (++fields > limits.maxFields) {
        throw malformed("the request object has more than " + limits.maxFields
            + " properties (maxFields)" + at(p, null));
      }
      String field = p.currentName();
      int bit = switch (field) {
        case "applicantId" -> 1;
        case "asOfDate" -> 2;
        case "features" -> 4;
        default -> 0;
      };
      if (bit != 0 ? (seen & bit) != 0
          : !(unknown = unknown == null ? new HashSet<>() : unknown).add(field)) {
        throw duplicate(field, p);
      }
      seen |= bit;
      JsonToken t = p.nextToken();
      // A null envelope value is the same as an absent one: MISSING, reported below.
      switch (field) {
        case "applicantId" -> {
          if (t == JsonToken.VALUE_STRING) {
            applicantId = string(p, limits, "applicantId");
          } else if (t != JsonToken.VALUE_NULL) {
            violations.add(new Violation("applicantId", Rule.WRONG_TYPE,
                "expected a string, got " + describe(t)));
            idReported = true;
            p.skipChildren();
          }
        }
        case "asOfDate" -> {
          if (t == JsonToken.VALUE_STRING) {
            String text = string(p, limits, "asOfDate");
            asOf = isoDate(text);
            if (asOf == null) {
              violations.add(new Violation("asOfDate", Rule.WRONG_TYPE,
                  "expected an ISO date yyyy-MM-dd, got " + Text.quote(text, 40)));
              dateReported = true;
            }
          } else if (t != JsonToken.VALUE_NULL) {
            violations.add(new Violation("asOfDate", Rule.WRONG_TYPE,
                "expected an ISO date string, got " + describe(t)));
            dateReported = true;
            p.skipChildren();
          }
        }
        case "features" -> {
          if (t == JsonToken.START_OBJECT) {
            sawFeatures = true;
            features = readFeatures(p, limits, order);
          } else if (t != JsonToken.VALUE_NULL) {
            sawFeatures = true;
            violations.add(new Violation("features", Rule.WRONG_TYPE,
                "expected an object of feature values, got " + describe(t)));
            p.skipChildren();
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
      throw malformed("unexpected content after the request object" + at(p, null));
    }
    if (!idReported) {
      ScoringRequest.applicantIdViolation(applicantId).ifPresent(violations::add);
    }
    if (!dateReported) {
      ScoringRequest.asOfDateViolation(asOf).ifPresent(violations::add);
    }
    if (!sawFeatures) {
      violations.add(new Violation("features", Rule.MISSING, "a request needs 'features'"));
    }
    if (!violations.isEmpty()) {
      throw new InvalidRequestException(applicantId, violations);
    }
    if (features.duplicate != null) {
      // Reported after the envelope, as the request builder that once took the values did.
      throw malformed("duplicate property " + Text.quote(features.duplicate,
          Violation.MAX_FIELD_LENGTH) + " in 'features'");
    }
    return ScoringRequest.of(applicantId, asOf, features.values());
  }
  /** Two values for one name: which one is meant is ambiguous, so neither is taken. */
  private static InvalidRequestException duplicate(String field, JsonParser p) {
    return malformed("duplicate property " + Text.quote(field, Violation.MAX_FIELD_LENGTH)
        + at(p, null));
  }

  /**
   * The values of {@code features}: by name in a {@code LinkedHashMap}, or in {@code order}'s
   * slots; the first name sent twice, if any.
   */
  private static final class Features {
    final OrderedValues.Builder ordered;
    final Map<String, Object> byName;
    String duplicate;

    Features(OrderedValues.Order order) {
      this.ordered = order == null ? null : order.builder();
      this.byName = order == null ? new LinkedHashMap<>() : null;
    }

    void add(String name, Object value) {
      boolean added;
      if (ordered != null) {
        added = ordered.add(name, value);
      } else {
        int before = byName.size();
        byName.put(name, value);
        added = byName.size() > before;
      }
      duplicate(name, added);
    }

    void addNumber(String name, double value) {
      if (ordered != null) {
        duplicate(name, ordered.addNumber(name, value));
      } else {
        add(name, value);
      }
    }

    private void duplicate(String name, boolean added) {
      if (!added && duplicate == null) {
        duplicate = name;
      }
    }

    Map<String, Object> values() {
      return ordered != null ? ordered.build() : Collections.unmodifiableMap(byName);
    }
  }

  private static Features readFeatures(JsonParser p, Limits limits, OrderedValues.Order order)
      throws IOException {
    Features features = new Features(order);
    int count = 0;
    while (nextFeature(p, limits, features.ordered)) {
      if (count++ == limits.maxFields) {
        throw malformed("'features' has more than " + limits.maxFields + " properties"
            + " (maxFields)" + at(p, null));
      }
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
        features.addNumber(name, p.getDoubleValue());
        continue;
      }
      features.add(name, switch (t) {
        case VALUE_STRING -> string(p, limits, name);
        case VALUE_TRUE -> Boolean.TRUE;
        case VALUE_FALSE -> Boolean.FALSE;
        case VALUE_NULL -> null;
        default -> {
          p.skipChildren();
          yield new ScoringRequest.WrongType(describe(t));
        }
      });
    }
    return features;
  }

  /**
   * {@code p.nextToken() == FIELD_NAME}; in schema order, the feature expected next is matched
   * by its encoded bytes first, which spares the parser's name lookup when the sender follows the
   * schema's order (a name longer than {@code maxNameLength} is left to the parser to refuse).
   */
  private static boolean nextFeature(JsonParser p, Limits limits, OrderedValues.Builder ordered)
      throws IOException {
    int expected = ordered == null ? -1 : ordered.expected();
    if (expected >= 0) {
      SerializableString name = ordered.order().encodedName(expected);
      if (name.charLength() <= limits.maxNameLength) {
        return p.nextFieldName(name) || p.currentToken() == JsonToken.FIELD_NAME;
      }
    }
    return p.nextToken() == JsonToken.FIELD_NAME;
  }

  /** The current string value, refused beyond {@code maxStringLength} (checked exactly here). */
  private static String string(JsonParser p, Limits limits, String field) throws IOException {
    if (p.getTextLength() > limits.maxStringLength) {
      throw malformed("the string value of " + Text.quote(field, Violation.MAX_FIELD_LENGTH)
          + " has " + p.getTextLength() + " characters, more than the limit of "
          + limits.maxStringLength + " (maxStringLength)" + at(p, null));
    }
    return p.getText();
  }

  /**
   * The date of a strict {@code yyyy-MM-dd}, or null: what {@code LocalDate.parse} accepts of ten
   * characters (four ASCII digits of year, two of month, two of day, a real calendar date),
   * without its formatter's parse context.
   */
  static LocalDate isoDate(String text) {
    if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
      return null;
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 2);
    int day = number(text, 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1
        || day > YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    return LocalDate.of(year, month, day);
  }

  /** The ASCII digits {@code text[from .. from + count)} as a number, or -1. */
  private static int number(String text, int from, int count) {
    int n = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** The parse limit a constraint exception reports, in this class's terms. */
  private static String beyondLimit(StreamConstraintsException e, Limits limits, byte[] json,
      JsonLocation where) {
    String m = String.valueOf(e.getOriginalMessage());
    // The parser checks its string limit whenever its text buffer grows, and it reads a number's
    // digits into that buffer too: a long number is refused as a long string when the buffer the
    // thread recycled was small, as a long number when it was large. Only the token decides.
    if (m.contains("StringLength") && !insideString(json, where)) {
      return "a number longer than " + limits.maxNumberLength + " characters (maxNumberLength)";
    }
    if (m.contains("NestingDepth")) {
      return "nesting deeper than " + limits.maxDepth + " levels (maxDepth)";
    }
    if (m.contains("NumberLength")) {
      return "a number longer than " + limits.maxNumberLength + " characters (maxNumberLength)";
    }
    if (m.contains("StringLength")) {
      return "a string longer than " + limits.maxStringLength + " characters (maxStringLength)";
    }
    if (m.contains("NameLength")) {
      return "a property name longer than " + limits.maxNameLength + " characters"
          + " (maxNameLength)";
    }
    return "beyond a parse limit (" + limits + ")";
  }

  /**
   * Whether byte {@code where} of {@code json} lies inside a string literal: outside strings,
   * only a number can fill the parser's text buffer.
   */
  private static boolean insideString(byte[] json, JsonLocation where) {
    long end = where == null ? -1 : Math.min(where.getByteOffset(), json.length);
    if (end < 0) {
      return true;  // no location: keep the parser's own account
    }
    boolean inString = false;
    for (int i = 0; i < end; i++) {
      if (json[i] == '"') {
        inString = !inString;
      } else if (json[i] == '\\' && inString) {
        i++;
      }
    }
    return inString;
  }

  /**
   * A parser's account of a syntax error without its internals: locations are given once by
   * {@link #at}, and hints about parser features are cut.
   */
  private static String jsonProblem(String message) {
    String m = String.valueOf(message);
    int source = m.indexOf(" (start marker at [Source");
    if (source >= 0) {
      m = m.substring(0, source);
    }
    int hint = m.indexOf('`');
    int feature = m.indexOf("Feature '");
    hint = hint < 0 || (feature >= 0 && feature < hint) ? feature : hint;
    if (hint >= 0) {
      int cut = m.lastIndexOf('(', hint);
      m = m.substring(0, cut > 0 ? cut : hint).trim();
    }
    return m;
  }

  /** " at line L, column C" of the error, or of the parser when the error has none. */
  private static String at(JsonParser p, JsonProcessingException e) {
    JsonLocation where = where(p, e);
    return where == null ? "" : " at line " + where.getLineNr() + ", column "
        + where.getColumnNr();
  }

  /** Where the parser stopped: the exception's location, else the parser's. */
  private static JsonLocation where(JsonParser p, JsonProcessingException e) {
    return e != null && e.getLocation() != null ? e.getLocation()
        : p != null ? p.currentLocation() : null;
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

  private static InvalidRequestException malformed(String message) {
    return new InvalidRequestException(null, List.of(new Violation("$", Rule.MALFORMED,
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
      g.writeFieldName(TYPE);
      g.writeString(SCORE);
      g.writeFieldName(APPLICANT_ID);
      g.writeString(s.applicantId());
      g.writeFieldName(AS_OF_DATE);
      writeDate(g, s.asOfDate());
      g.writeFieldName(PROBABILITY_OF_DEFAULT);
      g.writeNumber(s.probabilityOfDefault());
      g.writeFieldName(POINTS);
      g.writeNumber(s.points());
      g.writeFieldName(GRADE);
      writeText(g, s.grade());
      g.writeFieldName(REASONS);
      g.writeStartArray();
      for (ReasonCode r : s.reasons()) {
        g.writeStartObject();
        g.writeFieldName(RANK);
        g.writeNumber(r.rank());
        g.writeFieldName(CODE);
        writeText(g, r.code());
        g.writeFieldName(FEATURE);
        writeText(g, r.feature());
        g.writeFieldName(POINTS);
        writeHundredths(g, r.points());
        g.writeFieldName(ES);
        writeText(g, r.messageEs());
        g.writeFieldName(EN);
        writeText(g, r.messageEn());
        g.writeEndObject();
      }
      g.writeEndArray();
      writeModel(g, s);
      g.writeFieldName(SCORED_AT);
      writeInstant(g, s.scoredAt());
      g.writeEndObject();
    });
  }

  /** Writes an error. */
  public static byte[] writeError(ScoringError e) {
    return generate(g -> {
      g.writeStartObject();
      g.writeFieldName(TYPE);
      g.writeString(ERROR);
      g.writeFieldName(APPLICANT_ID);
      g.writeString(e.applicantId());
      g.writeStringField("error", e.kind().name());
      g.writeStringField("message", e.message());
      g.writeFieldName("violations");
      writeViolations(g, e.violations());
      g.writeNumberField("omittedViolations", e.omittedViolations());
      if (e.exceptionClass() != null) {
        g.writeStringField("exception", e.exceptionClass());
      }
      writeModel(g, e);
      g.writeFieldName("timestamp");
      writeInstant(g, e.timestamp());
      g.writeEndObject();
    });
  }

  // A score's property names, encoded once: a score is written per scored Kafka record.
  private static final SerializedString TYPE = new SerializedString("type");
  private static final SerializedString SCORE = new SerializedString("score");
  private static final SerializedString ERROR = new SerializedString("error");
  private static final SerializedString APPLICANT_ID = new SerializedString("applicantId");
  private static final SerializedString AS_OF_DATE = new SerializedString("asOfDate");
  private static final SerializedString PROBABILITY_OF_DEFAULT =
      new SerializedString("probabilityOfDefault");
  private static final SerializedString POINTS = new SerializedString("points");
  private static final SerializedString GRADE = new SerializedString("grade");
  private static final SerializedString REASONS = new SerializedString("reasons");
  private static final SerializedString RANK = new SerializedString("rank");
  private static final SerializedString CODE = new SerializedString("code");
  private static final SerializedString FEATURE = new SerializedString("feature");
  private static final SerializedString ES = new SerializedString("es");
  private static final SerializedString EN = new SerializedString("en");
  private static final SerializedString MODEL = new SerializedString("model");
  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString VERSION = new SerializedString("version");
  private static final SerializedString SCORED_AT = new SerializedString("scoredAt");

  /**
   * A model's texts that every score repeats (grades, reason codes, feature names and the
   * reasons' messages, model name and version), UTF-8 encoded once they are seen a second time:
   * a bundle has a few hundred. Only texts that need no JSON escape and hold no surrogate are
   * kept, whose encoding is their plain UTF-8 either way, and at most {@value #MAX_TEXTS}, so
   * scores built from arbitrary strings cannot grow it without bound.
   */
  private static final ConcurrentHashMap<String, SerializedString> TEXTS =
      new ConcurrentHashMap<>();
  private static final int MAX_TEXTS = 4096;
  /** A text seen once, not yet encoded. */
  private static final SerializedString SEEN = new SerializedString("");

  /** {@code g.writeString(text)}, from {@link #TEXTS} when the text is there. */
  static void writeText(JsonGenerator g, String text) throws IOException {
    SerializedString encoded = text == null ? null : TEXTS.get(text);
    if (encoded != null && encoded != SEEN) {
      g.writeString(encoded);
      return;
    }
    g.writeString(text);
    if (text != null && TEXTS.size() < MAX_TEXTS && plain(text)) {
      TEXTS.put(text, encoded == null ? SEEN : new SerializedString(text));
    }
  }

  /** No character JSON escapes (controls, quote, backslash) and no surrogate. */
  private static boolean plain(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code g.writeNumber(value)} for a value of whole hundredths below 10 million (a reason's
   * rounded points), its {@code Double.toString} text written without the general conversion;
   * any other value by {@code writeNumber}.
   */
  static void writeHundredths(JsonGenerator g, double value) throws IOException {
    String text = hundredths(value);
    if (text == null) {
      g.writeNumber(value);
    } else {
      g.writeNumber(text);
    }
  }

  /** {@code Double.toString(value)} when {@code value} is a nonzero k / 100 below 1e7, else null. */
  static String hundredths(double value) {
    if (!(Math.abs(value) < 1e7) || value == 0) {
      return null;
    }
    long k = Math.round(value * 100);
    if (k / 100.0 != value) {
      return null;
    }
    long whole = Math.abs(k) / 100;
    int cents = (int) (Math.abs(k) % 100);
    StringBuilder sb = new StringBuilder(16);
    if (k < 0) {
      sb.append('-');
    }
    sb.append(whole).append('.');
    if (cents == 0) {
      sb.append('0');
    } else {
      sb.append((char) ('0' + cents / 10));
      if (cents % 10 != 0) {
        sb.append((char) ('0' + cents % 10));
      }
    }
    return sb.toString();
  }

  /** {@code date.toString()} ({@code yyyy-MM-dd}) or null; no String for years 1000-9999. */
  private static void writeDate(JsonGenerator g, LocalDate date) throws IOException {
    if (date == null) {
      g.writeNull();
    } else if (date.getYear() < 1000 || date.getYear() > 9999) {
      g.writeString(date.toString());
    } else {
      char[] c = new char[10];
      digits(c, 0, date.getYear(), 4);
      c[4] = '-';
      digits(c, 5, date.getMonthValue(), 2);
      c[7] = '-';
      digits(c, 8, date.getDayOfMonth(), 2);
      g.writeString(c, 0, 10);
    }
  }

  /** The seconds from 1970-01-01 to 10000-01-01: years with four digits. */
  private static final long YEAR_10000 = 253_402_300_800L;

  private static void writeInstant(JsonGenerator g, Instant instant) throws IOException {
    g.writeString(instantText(instant));
  }

  /**
   * {@code instant.toString()} (ISO-8601 UTC, the fraction in groups of three digits, none when
   * zero) without the formatter's cost for years 1970-9999; other years by {@code toString()}.
   */
  static String instantText(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < 0 || seconds >= YEAR_10000) {
      return instant.toString();
    }
    long days = seconds / 86_400;
    int secondOfDay = (int) (seconds - days * 86_400);
    LocalDate date = LocalDate.ofEpochDay(days);
    char[] c = new char[30];
    digits(c, 0, date.getYear(), 4);
    c[4] = '-';
    digits(c, 5, date.getMonthValue(), 2);
    c[7] = '-';
    digits(c, 8, date.getDayOfMonth(), 2);
    c[10] = 'T';
    digits(c, 11, secondOfDay / 3600, 2);
    c[13] = ':';
    digits(c, 14, secondOfDay / 60 % 60, 2);
    c[16] = ':';
    digits(c, 17, secondOfDay % 60, 2);
    int n = 19;
    int nano = instant.getNano();
    if (nano > 0) {
      c[n++] = '.';
      if (nano % 1_000_000 == 0) {
        digits(c, n, nano / 1_000_000, 3);
        n += 3;
      } else if (nano % 1000 == 0) {
        digits(c, n, nano / 1000, 6);
        n += 6;
      } else {
        digits(c, n, nano, 9);
        n += 9;
      }
    }
    c[n++] = 'Z';
    return new String(c, 0, n);
  }

  /** Writes {@code value} as {@code width} decimal digits, zero-padded, at {@code c[at]}. */
  private static void digits(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
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
    g.writeFieldName(MODEL);
    g.writeStartObject();
    g.writeFieldName(NAME);
    writeText(g, r.modelName());
    g.writeFieldName(VERSION);
    writeText(g, r.modelVersion());
    g.writeEndObject();
  }

  /**
   * Parses a score or an error written by {@link #write}.
   *
   * @throws IllegalArgumentException if the JSON is not a result
   */
  public static ScoringResult readResult(byte[] json) {
    try {
      JsonNode n = Json.readWireTree(json);
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
            n.path("exception").isTextual() ? n.path("exception").asText() : null,
            n.path("omittedViolations").asInt(0));
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
    Buffer out = BUFFERS.get();
    if (out.busy) {
      out = new Buffer();  // a writer writing another document: not this class's, but safe
    }
    out.busy = true;
    out.size = 0;  // a writer that threw left its partial document
    try (JsonGenerator g = WRITER.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      out.busy = false;
    }
    return out.take();
  }

  /** Per thread, the buffer a document is written into before its bytes are copied out once. */
  private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

  /**
   * A growable byte sink reused by one thread, so that writing a score costs one copy of its
   * bytes rather than a stream's growth steps; a buffer grown past {@link #KEPT} (a large error)
   * is dropped after use, so no thread keeps much memory.
   */
  private static final class Buffer extends OutputStream {
    private static final int KEPT = 16 * 1024;
    private byte[] bytes = new byte[2048];
    private int size;
    private boolean busy;

    @Override
    public void write(int b) {
      room(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      room(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    private void room(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    /** The bytes written since the last take. */
    byte[] take() {
      byte[] result = Arrays.copyOf(bytes, size);
      size = 0;
      if (bytes.length > KEPT) {
        bytes = new byte[2048];
      }
      return result;
    }
  }
}
