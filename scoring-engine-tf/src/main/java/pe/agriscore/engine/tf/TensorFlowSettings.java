package pe.agriscore.engine.tf;

import java.nio.file.Path;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.NativeCache;

/**
 * The engine options of {@link TensorFlowEngine}, parsed and checked.
 *
 * @param cacheDir the AgriScore cache directory, or null for the default
 * @param intraOpThreads threads one operation may use (0: one per core)
 * @param interOpThreads threads running independent operations (0: one per core; -1: each
 *     operation runs in the calling thread)
 * @param logLevel TensorFlow's minimum C++ log level, 0 (everything) to 3 (errors hidden too)
 * @param predictors the most calls a model serves at once
 */
record TensorFlowSettings(Path cacheDir, int intraOpThreads, int interOpThreads, int logLevel,
    int predictors) {

  /** DJL's own system properties for the thread counts, read when TensorFlow starts. */
  static final String DJL_INTRA_OP = "ai.djl.tensorflow.num_intraop_threads";

  static final String DJL_INTER_OP = "ai.djl.tensorflow.num_interop_threads";

  /**
   * Parses the options. A thread count not set as an AgriScore option is taken from the
   * operator's DJL system property of the same meaning, if any, before the default.
   *
   * @throws IllegalArgumentException naming the key of an invalid value
   */
  static TensorFlowSettings of(EngineOptions options) {
    return new TensorFlowSettings(
        NativeCache.configured(options).orElse(null),
        atLeast(options, TensorFlowEngine.INTRA_OP_THREADS,
            djlProperty(DJL_INTRA_OP, TensorFlowEngine.DEFAULT_INTRA_OP_THREADS), 0),
        atLeast(options, TensorFlowEngine.INTER_OP_THREADS,
            djlProperty(DJL_INTER_OP, TensorFlowEngine.DEFAULT_INTER_OP_THREADS), -1),
        between(options, TensorFlowEngine.LOG_LEVEL, TensorFlowEngine.DEFAULT_LOG_LEVEL, 0, 3),
        atLeast(options, TensorFlowEngine.PREDICTOR_POOL_SIZE,
            Runtime.getRuntime().availableProcessors(), 1));
  }

  private static int djlProperty(String key, int defaultValue) {
    String v = System.getProperty(key);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("system property '" + key + "' must be an integer, got '"
          + v + "'", e);
    }
  }

  private static int atLeast(EngineOptions options, String key, int defaultValue, int min) {
    return between(options, key, defaultValue, min, Integer.MAX_VALUE);
  }

  private static int between(EngineOptions options, String key, int defaultValue, int min,
      int max) {
    int v = options.getInt(key, defaultValue);
    if (v < min || v > max) {
      throw new IllegalArgumentException("engine option '" + key + "' must be "
          + (max == Integer.MAX_VALUE ? ">= " + min : "between " + min + " and " + max)
          + ", got " + v);
    }
    return v;
  }
}
