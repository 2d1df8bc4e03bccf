package pe.agriscore.scoring;

import java.util.Objects;

/**
 * An adverse reason: a feature whose value lowers the applicant's score compared with the
 * training population's typical value (the baseline in {@code reference.json}).
 *
 * <p>The contribution is measured by scoring the applicant again with only that feature set to
 * its baseline: {@code points} is the score now minus the score with the baseline value, both on
 * the reported scale (clamped to the scale's minimum and maximum points, before rounding), so it
 * is negative for an adverse reason and never below {@code score.points() - maxPoints}: no reason
 * claims points the reported score could not gain. For a logistic scorecard it is exactly the
 * feature's term; for a neural model it is the effect of that one feature given the others.
 *
 * <p><b>Contract:</b> immutable and thread-safe; every component is non-null.
 *
 * @param rank 1 for the most adverse
 * @param code the stable reason code from the schema, e.g. {@code AG07}
 * @param feature the feature name
 * @param points the contribution in score points (negative, finite), rounded to 2 decimals
 * @param messageEs the reason in Spanish (es-PE)
 * @param messageEn the reason in English
 */
public record ReasonCode(
    int rank, String code, String feature, double points, String messageEs, String messageEn) {

  /** Validates. */
  public ReasonCode {
    if (rank < 1) {
      throw new IllegalArgumentException("rank starts at 1");
    }
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(messageEs, "messageEs");
    Objects.requireNonNull(messageEn, "messageEn");
  }
}
