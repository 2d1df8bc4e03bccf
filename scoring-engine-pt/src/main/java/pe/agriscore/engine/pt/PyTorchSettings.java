package pe.agriscore.engine.pt;

import java.nio.file.Path;
import java.util.Optional;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.NativeCache;

/**
 * The engine options of one load, validated, with their defaults applied.
 *
 * @param numThreads libtorch intra-op threads
 * @param numInteropThreads libtorch inter-op threads
 * @param graphOptimizer whether TorchScript's profiling executor optimises graphs
 * @param poolSize the most concurrent calls per model
 * @param cacheDir where natives are extracted (DJL adds {@code pytorch/}); empty when neither
 *     {@code agriscore.cache_dir} nor DJL's own {@code ENGINE_CACHE_DIR} is set, meaning {@link
 *     NativeCache}'s default
 */
record PyTorchSettings(
    int numThreads,
    int numInteropThreads,
    boolean graphOptimizer,
    int poolSize,
    Optional<Path> cacheDir) {

  /** DJL's system properties, read by its PyTorch engine when it starts. */
  static final String DJL_NUM_THREADS = "ai.djl.pytorch.num_threads";

  static final String DJL_NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";
  static final String DJL_GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

  /**
   * Reads the options. An AgriScore key wins; otherwise an operator's DJL system property of the
   * same meaning is honoured; otherwise the default.
   *
   * @throws IllegalArgumentException naming the key whose value is invalid
   */
  static PyTorchSettings from(EngineOptions options) {
    int threads = positive(options, PyTorchEngine.NUM_THREADS, djlInt(DJL_NUM_THREADS, 1));
    int interop = positive(options, PyTorchEngine.NUM_INTEROP_THREADS,
        djlInt(DJL_NUM_INTEROP_THREADS, 1));
    String djlOptimizer = System.getProperty(DJL_GRAPH_OPTIMIZER, "false");
    boolean optimizer = bool(PyTorchEngine.GRAPH_OPTIMIZER,
        options.get(PyTorchEngine.GRAPH_OPTIMIZER).orElse(djlOptimizer));
    int pool = positive(options, PyTorchEngine.POOL_SIZE,
        Runtime.getRuntime().availableProcessors());
    Optional<Path> cache = NativeCache.configured(options)
        .map(p -> p.toAbsolutePath().normalize());
    return new PyTorchSettings(threads, interop, optimizer, pool, cache);
  }

  private static int djlInt(String property, int defaultValue) {
    String v = System.getProperty(property);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "system property '" + property + "' must be an integer, got '" + v + "'", e);
    }
  }

  private static int positive(EngineOptions options, String key, int defaultValue) {
    int v = options.getInt(key, defaultValue);
    if (v < 1) {
      throw new IllegalArgumentException("engine option '" + key + "' must be >= 1, got " + v);
    }
    return v;
  }

  private static boolean bool(String key, String value) {
    String v = value.trim();
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(
        "engine option '" + key + "' must be true or false, got '" + value + "'");
  }
}
