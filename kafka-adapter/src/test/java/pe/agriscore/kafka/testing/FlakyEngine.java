package pe.agriscore.kafka.testing;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * A test engine ({@code test-flaky}) whose next {@link #failNextCalls} calls throw, as an engine
 * does during a transient outage; otherwise every row scores 0.1.
 */
public final class FlakyEngine implements ScoringEngine {

  /** How many of the next predict calls throw. */
  public static final AtomicInteger failNextCalls = new AtomicInteger();
  /** Every predict call so far. */
  public static final AtomicInteger calls = new AtomicInteger();

  @Override
  public String name() {
    return "test-flaky";
  }

  @Override
  public ScoringModel load(ModelBundle bundle, EngineOptions options) {
    int width = bundle.encoder().width();
    return new ScoringModel() {
      @Override
      public int inputWidth() {
        return width;
      }

      @Override
      public double[] predict(float[] rows, int rowCount) {
        calls.incrementAndGet();
        if (failNextCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          throw new EngineException("transient engine outage");
        }
        double[] out = new double[rowCount];
        Arrays.fill(out, 0.1);
        return out;
      }

      @Override
      public void close() {}
    };
  }
}
