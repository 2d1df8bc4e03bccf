package pe.agriscore.scoring;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * The score of one applicant.
 *
 * @param applicantId the request's applicant id
 * @param asOfDate the request's as-of date
 * @param probabilityOfDefault the model's probability of default within its horizon, in [0, 1]
 * @param points the score on the bundle's points-to-double-odds scale (see {@link
 *     pe.agriscore.schema.ScoreScale})
 * @param grade the risk grade of {@code points}
 * @param reasons up to the configured number of adverse reason codes, most adverse first; empty
 *     when reason codes are off or nothing lowers the score below the reference baseline
 * @param modelName the model's name
 * @param modelVersion the model's version
 * @param scoredAt when the score was computed
 */
public record CreditScore(
    String applicantId,
    LocalDate asOfDate,
    double probabilityOfDefault,
    int points,
    String grade,
    List<ReasonCode> reasons,
    String modelName,
    String modelVersion,
    Instant scoredAt)
    implements ScoringResult {

  /** Validates. */
  public CreditScore {
    Objects.requireNonNull(applicantId, "applicantId");
    if (!(probabilityOfDefault >= 0 && probabilityOfDefault <= 1)) {
      throw new IllegalArgumentException(
          "probabilityOfDefault " + probabilityOfDefault + " is not in [0, 1]");
    }
    Objects.requireNonNull(grade, "grade");
    reasons = List.copyOf(reasons);
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(modelVersion, "modelVersion");
    Objects.requireNonNull(scoredAt, "scoredAt");
  }
}
