package pe.agriscore.engine;

import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;

/**
 * Finds {@link ScoringEngine}s with {@link ServiceLoader} and loads models through them, doing
 * for every engine what the SPI promises (see {@link ScoringEngine}).
 *
 * <pre>{@code
 * try (ModelBundle bundle = ModelBundle.open(Path.of("models/farmer-mlp"));
 *     ScoringModel model = Engines.load(bundle, EngineOptions.defaults())) {
 *   double[] p = model.predict(bundle.encoder().encode(request), 1);
 * }
 * }</pre>
 */
public final class Engines {

  /**
   * The manifest property a bundle may carry to name the Maven artifact ({@code
   * groupId:artifactId}) of its engine, quoted when that engine is missing.
   */
  public static final String ENGINE_ARTIFACT_PROPERTY = "engineArtifact";

  /** Where AgriScore's own engines and their artifacts are listed. */
  static final String ENGINES_DOC = "docs/engines.md";

  private Engines() {}

  /**
   * The engine called {@code name}.
   *
   * @throws BundleException naming manifest.json when no such engine is present, listing the
   *     engines found with their artifacts
   * @throws EngineException if two engines claim one name (see {@link #available()})
   */
  public static ScoringEngine find(String name) {
    Map<String, ScoringEngine> found = available();
    ScoringEngine engine = found.get(name);
    if (engine == null) {
      throw missing(name, null, found);
    }
    return engine;
  }

  /**
   * Loads {@code bundle}'s model with the engine its manifest names: see {@link #load(
   * ScoringEngine, ModelBundle, EngineOptions)}.
   *
   * @throws BundleException naming manifest.json when the engine is not present, listing the
   *     engines found and the artifact that provides the wanted one if the bundle names it
   */
  public static ScoringModel load(ModelBundle bundle, EngineOptions options) {
    String name = bundle.manifest().engine();
    Map<String, ScoringEngine> found = available();
    ScoringEngine engine = found.get(name);
    if (engine == null) {
      throw missing(name, bundle, found);
    }
    return load(engine, bundle, options);
  }

  /**
   * Loads {@code bundle}'s model with {@code engine}: checks that the engine reads the bundle's
   * {@code modelFormat} and that the declared shapes agree with the schema, parses {@code
   * options} against the engine's declarations, loads, checks the model's input width, and
   * returns the model behind the core's guard (row checks, sigmoid for a {@code logit} output,
   * close waiting for running calls). The caller closes the model, then the bundle.
   *
   * @throws BundleException naming the file at fault when the model does not fit the bundle
   * @throws IllegalArgumentException naming the option and its rule for an invalid option
   */
  public static ScoringModel load(ScoringEngine engine, ModelBundle bundle,
      EngineOptions options) {
    return load(engine, ModelFiles.of(bundle), options);
  }

  /**
   * Loads {@code files} with {@code engine} as {@link #load(ScoringEngine, ModelBundle,
   * EngineOptions)} does, for a view that is not straight from a bundle: the conformance kit
   * hands engines a {@link ModelFiles#withInputWidth} view to prove they refuse it.
   *
   * @throws BundleException naming the file at fault when the model does not fit the view
   * @throws IllegalArgumentException naming the option and its rule for an invalid option
   */
  public static ScoringModel load(ScoringEngine engine, ModelFiles files, EngineOptions options) {
    EngineDescriptor d = engine.descriptor();
    if (!d.modelFormats().contains(files.format())) {
      throw new BundleException(ModelBundle.MANIFEST, "engine '" + d.name() + "' reads"
          + " modelFormat " + quoted(d) + ", not '" + files.format() + "'");
    }
    EngineConfig config = EngineConfig.of(d, options);
    return GuardedModel.wrap(engine.load(files, config), files);
  }

  private static String quoted(EngineDescriptor d) {
    return String.join(" or ", d.modelFormats().stream().sorted().map(f -> "'" + f + "'")
        .toList());
  }

  /**
   * Every engine on the class path or module path, by name: the providers seen by this
   * library's class loader and by the thread's context class loader (an application server's
   * web application), a class seen through both counted once.
   *
   * @throws EngineException if two different provider classes claim one name, naming both and
   *     the jar each comes from; or if a provider cannot be instantiated
   */
  public static Map<String, ScoringEngine> available() {
    Map<String, ScoringEngine> engines = new TreeMap<>();
    List<ClassLoader> loaders = new ArrayList<>();
    loaders.add(Engines.class.getClassLoader());
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null && context != loaders.get(0)) {
      loaders.add(context);
    }
    Map<Class<?>, ScoringEngine> seen = new LinkedHashMap<>();
    for (ClassLoader loader : loaders) {
      try {
        for (ScoringEngine e : ServiceLoader.load(ScoringEngine.class, loader)) {
          seen.putIfAbsent(e.getClass(), e);
        }
      } catch (ServiceConfigurationError e) {
        throw new EngineException("a scoring engine listed in META-INF/services/"
            + ScoringEngine.class.getName() + " cannot be loaded: " + e.getMessage(), e);
      }
    }
    for (ScoringEngine e : seen.values()) {
      String name = e.descriptor().name();
      ScoringEngine other = engines.putIfAbsent(name, e);
      if (other != null) {
        throw new EngineException("two scoring engines claim the name '" + name + "': "
            + other.getClass().getName() + " from " + location(other.getClass()) + " and "
            + e.getClass().getName() + " from " + location(e.getClass())
            + "; keep one of the two jars on the class path");
      }
    }
    return engines;
  }

  /** Where a class was loaded from: its jar or directory, else its module. */
  static String location(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    URL url = source == null ? null : source.getLocation();
    if (url != null) {
      return url.toString();
    }
    return type.getModule().isNamed() ? "module " + type.getModule().getName()
        : "an unknown location";
  }

  private static BundleException missing(String name, ModelBundle bundle,
      Map<String, ScoringEngine> found) {
    StringBuilder m = new StringBuilder();
    if (bundle != null) {
      m.append("model '").append(bundle.manifest().name()).append("' ")
          .append(bundle.manifest().version()).append(" needs engine '").append(name)
          .append("' (modelFormat '").append(bundle.manifest().modelFormat()).append("')");
    } else {
      m.append("no scoring engine named '").append(name).append("'");
    }
    m.append(", which is not on the class path or module path. Engines found: ");
    m.append(found.isEmpty() ? "none"
        : String.join("; ", found.values().stream().map(e -> e.descriptor().toString()).toList()));
    String artifact = bundle == null ? null
        : bundle.manifest().properties().get(ENGINE_ARTIFACT_PROPERTY);
    if (artifact != null) {
      m.append(". Add the dependency ").append(artifact)
          .append(", which the bundle names as the provider of '").append(name).append("'");
    } else {
      m.append(". Add the artifact that provides engine '").append(name)
          .append("': AgriScore's engines and their artifacts are listed in ")
          .append(ENGINES_DOC);
    }
    if (bundle != null) {
      for (ScoringEngine e : found.values()) {
        if (e.descriptor().modelFormats().contains(bundle.manifest().modelFormat())) {
          m.append(" (engine '").append(e.descriptor().name()).append("' reads modelFormat '")
              .append(bundle.manifest().modelFormat()).append("': is the manifest's engine"
                  + " name right?)");
        }
      }
    }
    return new BundleException(ModelBundle.MANIFEST, m.toString());
  }
}
