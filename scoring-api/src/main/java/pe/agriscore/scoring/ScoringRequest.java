package pe.agriscore.scoring;

import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import pe.agriscore.internal.Text;
import pe.agriscore.scoring.Violation.Rule;

/**
 * One applicant to score: an applicant id, the date the facts are as of, and raw feature values.
 *
 * <p>A request is immutable, thread-safe and schema-free: it holds what the caller sent,
 * exactly, including values of the wrong type, so that validation against the model's schema can
 * report every problem at once (see {@link Violation}). Build it in code:
 *
 * <pre>{@code
 * ScoringRequest request = ScoringRequest.builder("PE-0001", LocalDate.of(2026, 11, 1))
 *     .set("farm_size_ha", 2.5)
 *     .set("main_crop", "potato")
 *     .set("irrigated", false)
 *     .setMissing("prior_loans_repaid_share")   // thin file: no loan history
 *     .build();
 * }</pre>
 *
 * or parse it from the JSON wire format with {@link pe.agriscore.scoring.ScoringJson}; one read
 * by a {@link ScoringJson.RequestReader} holds the same values in its schema's feature order, which
 * that schema's scorer encodes without looking names up.
 *
 * <p><b>Envelope rules</b>, checked when a request is read from JSON and again when it is scored
 * (so a request built in code meets the same rules): the applicant id is required, has at most
 * {@value #MAX_APPLICANT_ID_LENGTH} code points and no control, format (bidirectional, zero-width)
 * or line/paragraph separator character, so that it can be logged and used as a record key as
 * is; the as-of date is required and lies in [{@link #EARLIEST_AS_OF_DATE}, {@link
 * #LATEST_AS_OF_DATE}], which catches typos and absurd years without depending on a clock.
 */
public final class ScoringRequest {

  /** The longest applicant id, in code points. */
  public static final int MAX_APPLICANT_ID_LENGTH = 64;

  /** The earliest as-of date accepted: 1900-01-01. */
  public static final LocalDate EARLIEST_AS_OF_DATE = LocalDate.of(1900, 1, 1);

  /** The latest as-of date accepted: 2099-12-31. */
  public static final LocalDate LATEST_AS_OF_DATE = LocalDate.of(2099, 12, 31);

  private final String applicantId;
  private final LocalDate asOfDate;
  private final Map<String, Object> values;

  private ScoringRequest(String applicantId, LocalDate asOfDate, Map<String, Object> values) {
    this.applicantId = applicantId;
    this.asOfDate = asOfDate;
    this.values = values;
  }

  /**
   * A request over values already collected and unmodifiable (the JSON reader's), without the
   * builder's copy.
   */
  static ScoringRequest of(String applicantId, LocalDate asOfDate, Map<String, Object> values) {
    return new ScoringRequest(applicantId, asOfDate, values);
  }

  /**
   * Starts a request.
   *
   * @param applicantId the bank's id for the applicant; echoed in every result
   * @param asOfDate the date the feature values describe
   */
  public static Builder builder(String applicantId, LocalDate asOfDate) {
    return new Builder(applicantId, asOfDate);
  }

  /**
   * The applicant id; may be {@code null}, blank or break the id rules only in a request that
   * fails validation.
   */
  public String applicantId() {
    return applicantId;
  }

  /** The as-of date; may be {@code null} only in a request that fails validation. */
  public LocalDate asOfDate() {
    return asOfDate;
  }

  /**
   * The raw values by feature name, in the order they were set: {@link Double}, {@link String},
   * {@link Boolean}, {@code null} for an explicit missing value, or a {@link WrongType} marker for
   * a JSON value that is none of these.
   */
  public Map<String, Object> values() {
    return values;
  }

  /** {@code true} if the request names {@code feature}, even with a {@code null} value. */
  public boolean has(String feature) {
    return values.containsKey(feature);
  }

  /** The raw value of {@code feature}, or {@code null} when absent or explicitly missing. */
  public Object get(String feature) {
    return values.get(feature);
  }

  /**
   * The violation of the applicant-id rule (see the class comment), if any: {@code MISSING} for
   * a {@code null} or blank id, {@code MALFORMED} for one too long or with a forbidden character.
   */
  public static Optional<Violation> applicantIdViolation(String applicantId) {
    if (applicantId == null || applicantId.isBlank()) {
      return Optional.of(new Violation("applicantId", Rule.MISSING,
          "an applicant id is required"));
    }
    int length = applicantId.length() <= MAX_APPLICANT_ID_LENGTH ? applicantId.length()
        : applicantId.codePointCount(0, applicantId.length());
    if (length > MAX_APPLICANT_ID_LENGTH) {
      return Optional.of(new Violation("applicantId", Rule.MALFORMED, "an applicant id has at"
          + " most " + MAX_APPLICANT_ID_LENGTH + " characters, this one " + length));
    }
    int bad = Text.firstUnsafe(applicantId);
    if (bad >= 0) {
      return Optional.of(new Violation("applicantId", Rule.MALFORMED, String.format(
          "an applicant id may not contain control, format (bidi, zero-width) or separator"
              + " characters: U+%04X at index %d", applicantId.codePointAt(bad), bad)));
    }
    return Optional.empty();
  }

  /**
   * The violation of the as-of-date rule (see the class comment), if any: {@code MISSING} for
   * {@code null}, {@code OUT_OF_RANGE} for a date outside the plausible range.
   */
  public static Optional<Violation> asOfDateViolation(LocalDate asOfDate) {
    if (asOfDate == null) {
      return Optional.of(new Violation("asOfDate", Rule.MISSING,
          "an as-of date (ISO yyyy-MM-dd) is required"));
    }
    if (asOfDate.isBefore(EARLIEST_AS_OF_DATE) || asOfDate.isAfter(LATEST_AS_OF_DATE)) {
      return Optional.of(new Violation("asOfDate", Rule.OUT_OF_RANGE, "as-of date " + asOfDate
          + " is outside [" + EARLIEST_AS_OF_DATE + ", " + LATEST_AS_OF_DATE + "]"));
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoringRequest r
        && Objects.equals(applicantId, r.applicantId)
        && Objects.equals(asOfDate, r.asOfDate)
        && values.equals(r.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(applicantId, asOfDate, values);
  }

  @Override
  public String toString() {
    // Escaped: a request is logged, and its id and values are whatever the sender chose.
    return Text.escape("ScoringRequest{" + applicantId + " as of " + asOfDate + ", " + values
        + "}");
  }

  /**
   * A value whose JSON type no feature accepts (an array or an object). It is kept, not dropped,
   * so that validation names the field with rule {@code WRONG_TYPE}.
   *
   * @param jsonType the JSON type that was sent, e.g. {@code array}
   */
  public record WrongType(String jsonType) {}

  /** Builds a {@link ScoringRequest}. Not thread-safe. */
  public static final class Builder {
    private final String applicantId;
    private final LocalDate asOfDate;
    private Map<String, Object> values = new LinkedHashMap<>();
    /** Whether {@link #values} is held by a built request and must be copied before a change. */
    private boolean shared;

    private Builder(String applicantId, LocalDate asOfDate) {
      this.applicantId = applicantId;
      this.asOfDate = asOfDate;
    }

    /** Sets a numeric feature. NaN and infinities are kept and rejected at validation. */
    public Builder set(String feature, double value) {
      return put(feature, value);
    }

    /** Sets a categorical feature. */
    public Builder set(String feature, String level) {
      return put(feature, Objects.requireNonNull(level, "level; use setMissing for no value"));
    }

    /** Sets a boolean feature. */
    public Builder set(String feature, boolean value) {
      return put(feature, value);
    }

    /** Marks a feature as explicitly missing (the JSON {@code null}). */
    public Builder setMissing(String feature) {
      return put(feature, null);
    }

    /**
     * Sets a raw value as parsed from an external format: a {@link Number} (kept as a double),
     * {@link String}, {@link Boolean}, {@code null} or {@link WrongType}.
     *
     * @throws IllegalArgumentException for any other type
     */
    public Builder setRaw(String feature, Object value) {
      if (value instanceof Number n) {
        return put(feature, n.doubleValue());
      }
      if (value == null
          || value instanceof String
          || value instanceof Boolean
          || value instanceof WrongType) {
        return put(feature, value);
      }
      throw new IllegalArgumentException(
          feature + ": unsupported value type " + value.getClass().getName());
    }

    private Builder put(String feature, Object value) {
      Objects.requireNonNull(feature, "feature");
      if (values.containsKey(feature)) {
        throw new IllegalArgumentException("feature '" + feature + "' is set twice");
      }
      if (shared) {
        values = new LinkedHashMap<>(values);
        shared = false;
      }
      values.put(feature, value);
      return this;
    }

    /** The request. Validation against a schema happens when it is scored. */
    public ScoringRequest build() {
      // Copy on write: the common build-once use pays for no second map.
      shared = true;
      return new ScoringRequest(applicantId, asOfDate, Collections.unmodifiableMap(values));
    }
  }
}
