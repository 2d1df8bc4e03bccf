package pe.agriscore.engine.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import pe.agriscore.engine.EngineConfig;
import pe.agriscore.engine.EngineDescriptor;
import pe.agriscore.engine.ModelFiles;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.scorecard.ScorecardEngine;

/** Engines that break one rule of the contract each, to prove the kit catches it. */
final class BrokenEngines {

  private BrokenEngines() {}

  /** The scorecard under another name, with {@code model} transformed. */
  abstract static class Broken implements ScoringEngine {
    private final String name;

    Broken(String name) {
      this.name = name;
    }

    @Override
    public EngineDescriptor descriptor() {
      return EngineDescriptor.of(name, "pe.agriscore:kit-tests", Set.of(ScorecardEngine.FORMAT),
          List.of());
    }

    @Override
    public ScoringModel load(ModelFiles model, EngineConfig config) {
      return wrap(model, new ScorecardEngine().load(model, config));
    }

    abstract ScoringModel wrap(ModelFiles files, ScoringModel scorecard);
  }

  /** A model delegating to {@code inner}, with its own width and outputs. */
  static ScoringModel delegate(ScoringModel inner, int width,
      java.util.function.UnaryOperator<double[]> out) {
    return new ScoringModel() {
      @Override
      public int inputWidth() {
        return width;
      }

      @Override
      public double[] predict(float[] rows, int rowCount) {
        return out.apply(inner.predict(rows, rowCount));
      }

      @Override
      public Optional<double[]> logOddsCoefficients() {
        return Optional.empty();
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }

  /** Scores a few ULPs higher on some threads: not bit-identical to sequential scoring. */
  public static final class ThreadDependent extends Broken {
    public ThreadDependent() {
      super("test-thread-dependent");
    }

    @Override
    ScoringModel wrap(ModelFiles files, ScoringModel scorecard) {
      return delegate(scorecard, scorecard.inputWidth(), p -> {
        if (Thread.currentThread().getName().endsWith("3")) {
          for (int i = 0; i < p.length; i++) {
            p[i] = Math.nextUp(p[i]);
          }
        }
        return p;
      });
    }
  }

  /** Claims whatever wider width it is told and scores the real columns: never refuses it. */
  public static final class WidthBlind extends Broken {
    public WidthBlind() {
      super("test-width-blind");
    }

    @Override
    public ScoringModel load(ModelFiles model, EngineConfig config) {
      int real = (int) model.columnNames().stream().filter(c -> !c.startsWith("extra_")).count();
      return wrap(model, new ScorecardEngine().load(model.withInputWidth(real), config));
    }

    @Override
    ScoringModel wrap(ModelFiles files, ScoringModel scorecard) {
      return delegate(scorecard, files.inputWidth(), p -> p);
    }
  }

  /** Fetches a URL while it loads, as an engine downloading natives would. */
  public static final class Online extends Broken {
    public Online() {
      super("test-online");
    }

    @Override
    ScoringModel wrap(ModelFiles files, ScoringModel scorecard) {
      try (InputStream in = URI.create("http://example.com/natives.zip").toURL().openStream()) {
        in.read();
      } catch (IOException e) {
        // A failed download is still an attempt; the engine goes on, as DJL's fallbacks do.
      }
      return scorecard;
    }
  }
}
