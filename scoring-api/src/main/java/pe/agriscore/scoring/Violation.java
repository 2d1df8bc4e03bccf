package pe.agriscore.scoring;

import java.util.Objects;
import pe.agriscore.internal.Text;

/**
 * One broken rule in a request: which field, which rule, and a sentence saying why.
 *
 * <p>Both texts may echo what a request sent, so both are made safe to log and bounded: control,
 * format (bidirectional), separator and unpaired-surrogate characters are written as {@code
 * \}{@code uXXXX} escapes, then the field is cut to {@value #MAX_FIELD_LENGTH} and the message to
 * {@value #MAX_MESSAGE_LENGTH} code points, ending in {@code ...} when cut.
 *
 * @param field the feature name, or {@code applicantId}, {@code asOfDate}, {@code features}, or
 *     {@code $} for the whole payload
 * @param rule the rule broken
 * @param message a specific explanation, e.g. {@code "value -3.0 is below the minimum 0.05 ha"}
 */
public record Violation(String field, Rule rule, String message) {

  /** The longest {@link #field}, in code points. */
  public static final int MAX_FIELD_LENGTH = 128;

  /** The longest {@link #message}, in code points. */
  public static final int MAX_MESSAGE_LENGTH = 512;

  /** Validates the components and makes the texts safe (see the class comment). */
  public Violation {
    field = Text.safe(Objects.requireNonNull(field, "field"), MAX_FIELD_LENGTH);
    Objects.requireNonNull(rule, "rule");
    message = Text.safe(Objects.requireNonNull(message, "message"), MAX_MESSAGE_LENGTH);
  }

  /** The rules a request can break. Their names are part of the JSON error format. */
  public enum Rule {
    /** A required value is absent or {@code null}. */
    MISSING,
    /** A number outside the feature's [min, max], or an as-of date outside the plausible range. */
    OUT_OF_RANGE,
    /** NaN or an infinity. */
    NOT_FINITE,
    /** A level the categorical feature does not list. */
    UNKNOWN_CATEGORY,
    /** A value of the wrong JSON type (a string for a number, a number for a boolean...). */
    WRONG_TYPE,
    /** A field the schema does not define. */
    UNKNOWN_FIELD,
    /**
     * The payload is not a well-formed request (not UTF-8, not JSON, not an object, beyond a parse
     * limit...), or an applicant id breaks the id rules (too long, control or bidi characters).
     */
    MALFORMED
  }

  @Override
  public String toString() {
    return field + ": " + rule + " (" + message + ")";
  }
}
