package pe.agriscore.scorecard;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.Json;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;

/**
 * The built-in engine {@code scorecard}: a logistic scorecard in pure Java, the classic champion
 * model of credit risk and a real engine that needs no natives.
 *
 * <p>The model file ({@code modelFormat} {@code agriscore-logistic}) is a JSON object with the
 * intercept and one coefficient per encoded column, by the column names of the bundle's encoder
 * (see {@link pe.agriscore.internal.bundle.Encoder#columnNames()}):
 *
 * <pre>{@code
 * {"intercept": -2.2,
 *  "coefficients": {"rainfall_anomaly_pct": -0.61, "main_crop": -0.93, "irrigated": -0.4}}
 * }</pre>
 *
 * <p>The probability of default is {@code 1 / (1 + exp(-(intercept + sum(coef * x))))}. With
 * weight-of-evidence preprocessing each feature is one term of that sum, so the reason codes that
 * {@link pe.agriscore.CreditScorer} computes by setting one feature to its baseline are
 * exactly the feature's change in points. Every column must have a coefficient; an extra or a
 * missing one refuses the bundle.
 */
public final class ScorecardEngine implements ScoringEngine {

  /** The engine name in {@code manifest.json}. */
  public static final String NAME = "scorecard";

  /** The model format this engine reads. */
  public static final String FORMAT = "agriscore-logistic";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ScoringModel load(ModelBundle bundle, EngineOptions options) {
    String file = bundle.manifest().model();
    bundle.requireModelFormat(NAME, FORMAT);
    if (bundle.manifest().outputIsLogit()) {
      throw new BundleException(ModelBundle.MANIFEST, "output 'kind' 'logit' does not apply to"
          + " engine '" + NAME + "': an " + FORMAT + " model computes probabilities itself");
    }
    LogisticModelFile spec;
    try {
      long max = bundle.limits().maxJsonFileBytes();
      if (Files.size(bundle.modelPath()) > max) {
        throw new BundleException(file, "is larger than the limit of " + max
            + " bytes for a bundle JSON file (BundleLimits.maxJsonFileBytes)");
      }
      spec = Json.read(Files.readString(bundle.modelPath()), LogisticModelFile.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BundleException(file, "invalid scorecard model: " + Json.describe(e), e);
    } catch (IOException | IllegalArgumentException e) {
      throw new BundleException(file, "invalid scorecard model: " + e.getMessage(), e);
    }
    List<String> columns = bundle.encoder().columnNames();
    double[] coef = new double[columns.size()];
    for (int i = 0; i < coef.length; i++) {
      Double c = spec.coefficients().get(columns.get(i));
      if (c == null || !Double.isFinite(c)) {
        throw new BundleException(file, "no finite coefficient for column '" + columns.get(i)
            + "'");
      }
      coef[i] = c;
    }
    for (String name : spec.coefficients().keySet()) {
      if (!columns.contains(name)) {
        throw new BundleException(file, "coefficient for unknown column '" + name
            + "' (columns: " + columns + ")");
      }
    }
    if (!Double.isFinite(spec.intercept())) {
      throw new BundleException(file, "the intercept must be finite");
    }
    return new LogisticModel(file, spec.intercept(), coef);
  }

  /**
   * The model file.
   *
   * @param intercept the log-odds of default when every column is 0
   * @param coefficients log-odds coefficient by encoded column name
   */
  public record LogisticModelFile(double intercept, Map<String, Double> coefficients) {
    /** Validates. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public LogisticModelFile(
        @com.fasterxml.jackson.annotation.JsonProperty("intercept") double intercept,
        @com.fasterxml.jackson.annotation.JsonProperty("coefficients")
            Map<String, Double> coefficients) {
      this.intercept = intercept;
      if (coefficients == null) {
        throw new IllegalArgumentException("'coefficients' is required");
      }
      this.coefficients = new java.util.TreeMap<>(coefficients);
    }
  }

  /**
   * Immutable but for its closed flag, so thread-safe; holds no native memory, so a call running
   * while it closes completes on the same coefficients.
   */
  static final class LogisticModel implements ScoringModel {
    private final String file;
    private final double intercept;
    private final double[] coef;
    private volatile boolean closed;

    LogisticModel(String file, double intercept, double[] coef) {
      this.file = file;
      this.intercept = intercept;
      this.coef = coef;
    }

    @Override
    public int inputWidth() {
      return coef.length;
    }

    @Override
    public double[] predict(float[] rows, int rowCount) {
      if (closed) {
        throw new EngineException("the scorecard model " + file + " is closed");
      }
      int w = coef.length;
      if (rowCount < 0 || (long) rowCount * w > rows.length) {
        throw new EngineException("the scorecard model " + file + " takes rows of " + w
            + " floats: " + rowCount + " rows do not fit in " + rows.length + " floats");
      }
      double[] out = new double[rowCount];
      for (int r = 0; r < rowCount; r++) {
        double z = intercept;
        int base = r * w;
        for (int j = 0; j < w; j++) {
          z += coef[j] * rows[base + j];
        }
        out[r] = 1 / (1 + Math.exp(-z));
      }
      return out;
    }

    @Override
    public Optional<double[]> logOddsCoefficients() {
      return Optional.of(coef.clone());
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
