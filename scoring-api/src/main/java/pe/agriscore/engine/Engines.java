package pe.agriscore.engine;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;

/** Finds {@link ScoringEngine}s on the classpath by name. */
public final class Engines {

  private static final Map<String, String> MODULE_OF =
      Map.of(
          "tensorflow", "pe.agriscore:scoring-engine-tf",
          "pytorch", "pe.agriscore:scoring-engine-pt");

  private Engines() {}

  /**
   * The engine called {@code name}.
   *
   * @throws BundleException naming the Maven artifact to add when no such engine is on the
   *     classpath
   */
  public static ScoringEngine find(String name) {
    Map<String, ScoringEngine> found = available();
    ScoringEngine engine = found.get(name);
    if (engine == null) {
      String hint = MODULE_OF.containsKey(name) ? "; add the dependency " + MODULE_OF.get(name) : "";
      throw new BundleException(
          "manifest.json",
          "no scoring engine named '" + name + "' on the classpath (found " + found.keySet() + ")"
              + hint);
    }
    return engine;
  }

  /**
   * Loads the bundle's model with {@code engine}. When the manifest declares the output {@code
   * "kind": "logit"} (a model exported without its final sigmoid), the returned model applies
   * {@code 1 / (1 + exp(-x))} to each output, so callers always receive probabilities.
   *
   * @throws BundleException as {@link ScoringEngine#load} does
   */
  public static ScoringModel load(ScoringEngine engine, ModelBundle bundle,
      EngineOptions options) {
    ScoringModel model = engine.load(bundle, options);
    return bundle.manifest().outputIsLogit() ? new Sigmoid(model) : model;
  }

  /**
   * A model whose engine returns log-odds of default. NaN stays NaN, so AgriScore still refuses
   * it as an engine failure; infinite log-odds become 0 or 1.
   */
  private static final class Sigmoid implements ScoringModel {
    private final ScoringModel logits;

    Sigmoid(ScoringModel logits) {
      this.logits = logits;
    }

    @Override
    public int inputWidth() {
      return logits.inputWidth();
    }

    @Override
    public double[] predict(float[] rows, int rowCount) {
      double[] out = logits.predict(rows, rowCount);
      if (out != null) {
        for (int i = 0; i < out.length; i++) {
          out[i] = 1 / (1 + Math.exp(-out[i]));
        }
      }
      return out;
    }

    /** A sum of column terms in log-odds stays one: the engine's coefficients still hold. */
    @Override
    public Optional<double[]> logOddsCoefficients() {
      return logits.logOddsCoefficients();
    }

    @Override
    public void close() {
      logits.close();
    }
  }

  /** Every engine on the classpath, by name. */
  public static Map<String, ScoringEngine> available() {
    Map<String, ScoringEngine> engines = new TreeMap<>();
    for (ScoringEngine e : ServiceLoader.load(ScoringEngine.class, Engines.class.getClassLoader())) {
      engines.putIfAbsent(e.name(), e);
    }
    if (Thread.currentThread().getContextClassLoader() != null) {
      for (ScoringEngine e :
          ServiceLoader.load(ScoringEngine.class, Thread.currentThread().getContextClassLoader())) {
        engines.putIfAbsent(e.name(), e);
      }
    }
    return engines;
  }
}
