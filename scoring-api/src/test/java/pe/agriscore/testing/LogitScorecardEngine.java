package pe.agriscore.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * A scorecard exported without its sigmoid, registered as {@code test-logit}: it reads the
 * scorecard model file with its own JSON parser and returns the log-odds of default {@code
 * intercept + sum(coef * x)}, as a network exported without its last layer would. It hides its
 * coefficients, so reason codes take the engine-row path.
 */
public final class LogitScorecardEngine implements ScoringEngine {

  @Override
  public String name() {
    return "test-logit";
  }

  @Override
  public ScoringModel load(ModelBundle bundle, EngineOptions options) {
    JsonNode file;
    try {
      file = new ObjectMapper().readTree(bundle.modelPath().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> columns = bundle.encoder().columnNames();
    double intercept = file.path("intercept").asDouble();
    double[] coef = new double[columns.size()];
    for (int i = 0; i < coef.length; i++) {
      coef[i] = file.path("coefficients").path(columns.get(i)).asDouble();
    }
    return new ScoringModel() {
      @Override
      public int inputWidth() {
        return coef.length;
      }

      @Override
      public double[] predict(float[] rows, int rowCount) {
        double[] z = new double[rowCount];
        for (int r = 0; r < rowCount; r++) {
          z[r] = intercept;
          for (int j = 0; j < coef.length; j++) {
            z[r] += coef[j] * rows[r * coef.length + j];
          }
        }
        return z;
      }

      @Override
      public void close() {}
    };
  }
}
