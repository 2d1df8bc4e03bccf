package pe.agriscore.engine;

import java.util.Optional;

/**
 * A loaded model that maps encoded rows to probabilities of default.
 *
 * <p><b>Thread safety:</b> {@link #predict} must be safe to call from many threads at once and
 * give each thread the same result it would get alone. Engines whose native predictors are not
 * thread-safe keep one per thread or a bounded pool.
 *
 * <p><b>Closing:</b> {@link pe.agriscore.CreditScorer} closes its model once, after every
 * call has returned, but a model must also be safe on its own: {@link #close()} may be called
 * while calls run and then waits for them (for example with a read-write lock) before it frees
 * anything, since freeing native memory under a running call crashes the JVM; closing again
 * does nothing; {@link #predict} after close throws {@link EngineException}.
 */
public interface ScoringModel extends AutoCloseable {

  /** The number of floats per row the model takes. */
  int inputWidth();

  /**
   * Scores {@code rowCount} rows laid out row-major in {@code rows} (at least {@code rowCount *
   * inputWidth()} floats; extra floats are ignored).
   *
   * @return one probability of default per row, each in [0, 1]; AgriScore rejects any other
   *     value (NaN included) as an engine failure
   * @throws pe.agriscore.engine.EngineException if the engine fails, or the model is closed
   */
  double[] predict(float[] rows, int rowCount);

  /**
   * The model's coefficients when its log-odds of default are a sum of per-column terms, {@code
   * log(p / (1 - p)) = intercept + sum(coefficients[c] * x[c])}, as for a logistic scorecard. Then
   * a feature's reason-code contribution is computed exactly from them, with no extra engine
   * rows. Empty (the default) for any other model.
   */
  default Optional<double[]> logOddsCoefficients() {
    return Optional.empty();
  }

  /**
   * Waits for running {@link #predict} calls, then releases native memory; idempotent. Later
   * calls to {@link #predict} throw {@link EngineException}.
   */
  @Override
  void close();
}
