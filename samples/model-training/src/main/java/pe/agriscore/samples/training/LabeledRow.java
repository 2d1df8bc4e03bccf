package pe.agriscore.samples.training;

import java.util.Objects;
import pe.agriscore.scoring.ScoringRequest;

/**
 * One training example: the applicant's feature values as a {@link ScoringRequest}, the observed
 * outcome and, for generated data only, the true probability of default.
 *
 * <pre>{@code
 * LabeledRow row = new LabeledRow(2, request, 1, Double.NaN);   // line 2, defaulted, bank data
 * }</pre>
 *
 * @param line the line of the source file (1 is the header), for messages
 * @param request the applicant id, as-of date and feature values, exactly as a bank would send
 *     them for scoring
 * @param defaulted 1 if the applicant defaulted within 12 months, else 0
 * @param truePd the probability of default the data generator drew the outcome from, or NaN when
 *     unknown (a bank's own data)
 */
public record LabeledRow(long line, ScoringRequest request, int defaulted, double truePd) {

  /** Validates. */
  public LabeledRow {
    Objects.requireNonNull(request, "request");
    if (defaulted != 0 && defaulted != 1) {
      throw new IllegalArgumentException("defaulted must be 0 or 1, got " + defaulted);
    }
  }
}
