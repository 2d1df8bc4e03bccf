package pe.agriscore.request;

import java.util.Objects;

/**
 * One broken rule in a request: which field, which rule, and a sentence saying why.
 *
 * @param field the feature name, or {@code applicantId}, {@code asOfDate}, or {@code $} for the
 *     whole payload
 * @param rule the rule broken
 * @param message a specific explanation, e.g. {@code "value -3.0 is below the minimum 0.05 ha"}
 */
public record Violation(String field, Rule rule, String message) {

  /** Validates the components. */
  public Violation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
  }

  /** The rules a request can break. Their names are part of the JSON error format. */
  public enum Rule {
    /** A required value is absent or {@code null}. */
    MISSING,
    /** A number outside the feature's [min, max]. */
    OUT_OF_RANGE,
    /** NaN or an infinity. */
    NOT_FINITE,
    /** A level the categorical feature does not list. */
    UNKNOWN_CATEGORY,
    /** A value of the wrong JSON type (a string for a number, a number for a boolean...). */
    WRONG_TYPE,
    /** A field the schema does not define. */
    UNKNOWN_FIELD,
    /** The payload is not a well-formed request (not JSON, not an object, too large...). */
    MALFORMED
  }

  @Override
  public String toString() {
    return field + ": " + rule + " (" + message + ")";
  }
}
