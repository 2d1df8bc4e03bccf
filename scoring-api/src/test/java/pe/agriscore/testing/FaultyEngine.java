package pe.agriscore.testing;

import java.util.List;
import java.util.Set;
import pe.agriscore.engine.EngineConfig;
import pe.agriscore.engine.EngineDescriptor;
import pe.agriscore.engine.EngineOption;
import pe.agriscore.engine.ModelFiles;
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

  /** Option: the width the model claims, instead of the bundle's. */
  public static final EngineOption<Integer> WIDTH = EngineOption.integer("faulty.width")
      .atLeast(1);

  /** Option: loading throws an {@link IllegalStateException}. */
  public static final EngineOption<Boolean> LOAD_FAILS =
      EngineOption.bool("faulty.load_fails").defaultTo(false);

  @Override
  public EngineDescriptor descriptor() {
    return EngineDescriptor.of("test-faulty", "pe.agriscore:scoring-api-tests",
        Set.of("none"), List.of(WIDTH, LOAD_FAILS));
  }

  @Override
  public ScoringModel load(ModelFiles model, EngineConfig config) {
    if (config.get(LOAD_FAILS)) {
      throw new IllegalStateException("native library state corrupted");
    }
    int width = config.find(WIDTH).orElse(model.inputWidth());
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
