package pe.agriscore.testing;

import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * A test engine that misbehaves on demand: a row whose first column equals {@link #NAN_MARKER}
 * scores NaN, one equal to {@link #THROW_MARKER} makes the whole call throw an {@link
 * IllegalStateException} (not an {@code EngineException}: engines throw what their runtime
 * throws). Other rows score 0.1.
 * Registered as {@code test-faulty}; the width is taken from the bundle, or from the option
 * {@code faulty.width} to test width checks. With the option {@code faulty.load_fails} set to
 * true, loading throws an {@link IllegalStateException}, as a buggy engine might.
 */
public final class FaultyEngine implements ScoringEngine {

  public static final float NAN_MARKER = 99f;
  public static final float THROW_MARKER = 98f;

  @Override
  public String name() {
    return "test-faulty";
  }

  @Override
  public ScoringModel load(ModelBundle bundle, EngineOptions options) {
    if (options.getBoolean("faulty.load_fails", false)) {
      throw new IllegalStateException("native library state corrupted");
    }
    int width = options.getInt("faulty.width", bundle.encoder().width());
    return new ScoringModel() {
      @Override
      public int inputWidth() {
        return width;
      }

      @Override
      public double[] predict(float[] rows, int rowCount) {
        double[] out = new double[rowCount];
        for (int r = 0; r < rowCount; r++) {
          float first = rows[r * width];
          if (first == THROW_MARKER) {
            throw new IllegalStateException("native failure in row " + r);
          }
          out[r] = first == NAN_MARKER ? Double.NaN : 0.1;
        }
        return out;
      }

      @Override
      public void close() {}
    };
  }
}
