package pe.agriscore.samples.training;

import java.util.Objects;

/**
 * One problem found in a training data file: where it is and which rule it breaks.
 *
 * <p>Feature values are checked with the scoring API's own validation, so {@code rule} is then a
 * {@link pe.agriscore.scoring.Violation.Rule} name ({@code OUT_OF_RANGE}, {@code
 * UNKNOWN_CATEGORY}, {@code WRONG_TYPE}, {@code MISSING}, {@code NOT_FINITE}); problems with the
 * file's shape use {@code MISSING_COLUMN}, {@code UNKNOWN_COLUMN}, {@code DUPLICATE_COLUMN},
 * {@code UNSPLIT_HEADER} (the header is one column: a wrong delimiter), {@code
 * IGNORED_REQUIRED_COLUMN}, {@code FIELD_COUNT}, {@code BAD_QUOTING}, {@code BAD_DATE}, {@code
 * DECIMAL_COMMA}, {@code BAD_LABEL} and {@code BAD_TRUE_PD}.
 *
 * <pre>{@code
 * line 17, column 'farm_size_ha': OUT_OF_RANGE (value -3.0 is outside [0.05, 500.0] ha)
 * }</pre>
 *
 * @param line the 1-based line of the file (the header is line 1)
 * @param column the column name, or {@code *} for the whole line
 * @param rule the rule broken
 * @param message what is wrong, specifically
 */
public record DataProblem(long line, String column, String rule, String message) {

  /** Validates. */
  public DataProblem {
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return "line " + line + ", column '" + column + "': " + rule + " (" + message + ")";
  }
}
