package pe.agriscore;

import pe.agriscore.scoring.AgriScoreException;

/**
 * The {@link CreditScorer} was closed: it scores nothing more, and retrying the call on it cannot
 * succeed. Thrown by {@link CreditScorer#score} and {@link CreditScorer#scoreAll} for every call
 * that starts after {@link CreditScorer#close()} (calls already running when close() began
 * complete normally). An application that swaps models closes the old scorer only after routing
 * calls to the new one; seeing this exception means a call was routed to a retired scorer.
 *
 * <pre>{@code
 * try {
 *   return scorer.score(request);
 * } catch (ScorerClosedException e) {
 *   return currentScorer().score(request); // a new scorer, not the closed one
 * }
 * }</pre>
 */
public final class ScorerClosedException extends AgriScoreException {

  private static final long serialVersionUID = 1L;

  /** With a message naming the model. */
  public ScorerClosedException(String message) {
    super(message);
  }
}
