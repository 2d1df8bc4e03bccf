package pe.agriscore.scoring;

/**
 * The outcome for one request of {@link pe.agriscore.CreditScorer#scoreAll}: a {@link
 * CreditScore} or a {@link ScoringError}, never nothing.
 *
 * <pre>{@code
 * for (ScoringResult r : scorer.scoreAll(requests)) {
 *   if (r instanceof CreditScore s) {
 *     approve(s);
 *   } else if (r instanceof ScoringError e) {
 *     deadLetter(e);
 *   }
 * }
 * }</pre>
 */
public sealed interface ScoringResult permits CreditScore, ScoringError {

  /** The applicant id of the request; {@code null} only for an error on an unreadable request. */
  String applicantId();

  /** The name of the model that produced this result. */
  String modelName();

  /** The version of the model that produced this result. */
  String modelVersion();
}
