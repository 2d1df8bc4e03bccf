package pe.agriscore;

/**
 * Told how long each engine call of a {@link CreditScorer} took, so that an application can
 * measure the engine's share of a score apart from validation, encoding and reason codes (a
 * service's latency histogram, a profiler). Called on the scoring thread after every engine
 * call that returned, once per call ({@link CreditScorer#scoreAll} may split a batch into
 * several); not for the golden cases verified at load, not for a call that failed.
 *
 * <pre>{@code
 * Timer engine = Timer.builder("agriscore.engine.duration").register(registry);
 * CreditScorer scorer = CreditScorer.builder(path)
 *     .engineCallListener((rows, nanos) -> engine.record(nanos, TimeUnit.NANOSECONDS))
 *     .build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe (a scorer is shared by many threads), cheap, and must
 * not throw: what they throw reaches the caller of {@code score} or {@code scoreAll}.
 */
@FunctionalInterface
public interface EngineCallListener {

  /**
   * One engine call returned.
   *
   * @param rows the rows the engine scored in the call: the applicants' plus, for reason codes
   *     of a model without log-odds coefficients, one perturbed row per feature and applicant
   * @param nanos the call's duration ({@link System#nanoTime()} difference)
   */
  void engineCalled(int rows, long nanos);
}
