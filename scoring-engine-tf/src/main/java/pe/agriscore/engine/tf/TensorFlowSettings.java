package pe.agriscore.engine.tf;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import pe.agriscore.engine.EngineConfig;
import pe.agriscore.engine.EngineOption;
import pe.agriscore.engine.internal.FastPaths;
import pe.agriscore.engine.internal.Natives;

/**
 * The engine options of {@link TensorFlowEngine}, as the core parsed and range-checked them.
 *
 * @param cacheDir the AgriScore cache directory, or null for the default
 * @param intraOpThreads threads one operation may use (0: one per core)
 * @param interOpThreads threads running independent operations (0: one per core; -1: each
 *     operation runs in the calling thread)
 * @param logLevel TensorFlow's minimum C++ log level, 0 (everything) to 3 (errors hidden too)
 * @param predictors the most calls a model serves at once
 * @param fastPath whether the JVM fast path may or must serve
 * @param oneDnn whether TensorFlow's oneDNN kernels serve (TF_ENABLE_ONEDNN_OPTS)
 */
record TensorFlowSettings(Path cacheDir, int intraOpThreads, int interOpThreads, int logLevel,
    int predictors, FastPaths.Mode fastPath, boolean oneDnn) {

  /** DJL's own system properties for the thread counts, read when TensorFlow starts. */
  static final String DJL_INTRA_OP = "ai.djl.tensorflow.num_intraop_threads";

  static final String DJL_INTER_OP = "ai.djl.tensorflow.num_interop_threads";

  static final EngineOption<Integer> INTRA_OP =
      EngineOption.integer(TensorFlowEngine.INTRA_OP_THREADS).atLeast(0)
          .orSystemProperty(DJL_INTRA_OP).defaultTo(TensorFlowEngine.DEFAULT_INTRA_OP_THREADS);

  static final EngineOption<Integer> INTER_OP =
      EngineOption.integer(TensorFlowEngine.INTER_OP_THREADS).atLeast(-1)
          .orSystemProperty(DJL_INTER_OP).defaultTo(TensorFlowEngine.DEFAULT_INTER_OP_THREADS);

  static final EngineOption<Integer> LOG_LEVEL = EngineOption.integer(TensorFlowEngine.LOG_LEVEL)
      .between(0, 3).defaultTo(TensorFlowEngine.DEFAULT_LOG_LEVEL);

  static final EngineOption<Integer> POOL_SIZE =
      EngineOption.integer(TensorFlowEngine.PREDICTOR_POOL_SIZE).atLeast(1)
          .defaultTo(() -> Runtime.getRuntime().availableProcessors(), "available processors");

  static final EngineOption<String> FAST_PATH =
      EngineOption.text(TensorFlowEngine.FAST_PATH).defaultTo("auto");

  static final EngineOption<Boolean> ONEDNN = EngineOption.bool(TensorFlowEngine.ONEDNN)
      .defaultTo(TensorFlowEngine.DEFAULT_ONEDNN);

  /** Every option the engine reads: its own and the shared native ones. */
  static final List<EngineOption<?>> OPTIONS = Stream.concat(
      Stream.of(INTRA_OP, INTER_OP, LOG_LEVEL, POOL_SIZE, FAST_PATH, ONEDNN),
      Natives.SHARED_OPTIONS.stream()).toList();

  /** The settings in {@code config}. */
  static TensorFlowSettings of(EngineConfig config) {
    return new TensorFlowSettings(Natives.configured(config).orElse(null), config.get(INTRA_OP),
        config.get(INTER_OP), config.get(LOG_LEVEL), config.get(POOL_SIZE),
        FastPaths.Mode.parse(TensorFlowEngine.FAST_PATH, config.get(FAST_PATH)),
        config.get(ONEDNN));
  }
}
