package pe.agriscore.engine;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import pe.agriscore.bundle.BundleException;

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
