package pe.agriscore.testing;

import java.util.concurrent.atomic.AtomicInteger;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scorecard.ScorecardEngine;

/**
 * The scorecard engine with its coefficients hidden, registered as {@code test-opaque}: reason
 * codes then take the general path (one engine row per feature set to its baseline), which must
 * agree with the exact linear path. It records the most rows any call asked for.
 */
public final class OpaqueScorecardEngine implements ScoringEngine {

  /** The most rows one predict call got since the last reset, across all its models. */
  public static final AtomicInteger LARGEST_CALL = new AtomicInteger();

  @Override
  public String name() {
    return "test-opaque";
  }

  @Override
  public ScoringModel load(ModelBundle bundle, EngineOptions options) {
    ScoringModel inner = new ScorecardEngine().load(bundle, options);
    return new ScoringModel() {
      @Override
      public int inputWidth() {
        return inner.inputWidth();
      }

      @Override
      public double[] predict(float[] rows, int rowCount) {
        LARGEST_CALL.accumulateAndGet(rowCount, Math::max);
        return inner.predict(rows, rowCount);
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }
}
