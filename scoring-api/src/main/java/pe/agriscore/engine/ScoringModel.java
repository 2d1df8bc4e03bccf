package pe.agriscore.engine;

import java.util.Optional;

/**
 * A loaded model that maps encoded rows to probabilities of default.
 *
 * <p><b>Thread safety:</b> {@link #predict} is safe to call from many threads at once and gives
 * each thread the same result, bit for bit, it would get alone. Engines whose native predictors
 * are not thread-safe lend each call one from a {@link PredictorPool}.
 *
 * <p><b>Closing:</b> a model from {@link Engines#load} is guarded by the core: {@link #close()}
 * may be called while calls run and then waits for them before the engine frees anything (freeing
 * native memory under a running call crashes the JVM); closing again does nothing; {@link
 * #predict} after close throws {@link EngineException} saying the model is closed. An engine's
 * own implementation only frees its memory in {@code close()}, which the guard calls once.
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
   * @throws pe.agriscore.engine.EngineException if the engine fails, the rows do not fit, or
   *     the model is closed
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
