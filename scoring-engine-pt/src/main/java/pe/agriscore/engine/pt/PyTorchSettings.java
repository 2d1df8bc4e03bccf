package pe.agriscore.engine.pt;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.Optional;
import pe.agriscore.engine.EngineConfig;
import pe.agriscore.engine.EngineOption;
import pe.agriscore.engine.NativeCache;
import pe.agriscore.engine.internal.FastPaths;
import pe.agriscore.engine.internal.Natives;

/**
 * The engine options of one load, validated, with their defaults applied.
 *
 * @param numThreads libtorch intra-op threads
 * @param numInteropThreads libtorch inter-op threads
 * @param graphOptimizer whether TorchScript's profiling executor optimises graphs
 * @param poolSize the most concurrent calls per model
 * @param fastPath whether the JVM fast path may or must serve
 * @param cacheDir where natives are extracted (DJL adds {@code pytorch/}); empty when neither
 *     {@code agriscore.cache_dir} nor DJL's own {@code ENGINE_CACHE_DIR} is set, meaning {@link
 *     NativeCache}'s default
 */
record PyTorchSettings(
    int numThreads,
    int numInteropThreads,
    boolean graphOptimizer,
    int poolSize,
    FastPaths.Mode fastPath,
    Optional<Path> cacheDir) {

  /** DJL's system properties, read by its PyTorch engine when it starts. */
  static final String DJL_NUM_THREADS = "ai.djl.pytorch.num_threads";

  static final String DJL_NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";
  static final String DJL_GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

  static final EngineOption<Integer> NUM_THREADS =
      EngineOption.integer(PyTorchEngine.NUM_THREADS).atLeast(1)
          .orSystemProperty(DJL_NUM_THREADS).defaultTo(1);

  static final EngineOption<Integer> NUM_INTEROP_THREADS =
      EngineOption.integer(PyTorchEngine.NUM_INTEROP_THREADS).atLeast(1)
          .orSystemProperty(DJL_NUM_INTEROP_THREADS).defaultTo(1);

  static final EngineOption<Boolean> GRAPH_OPTIMIZER =
      EngineOption.bool(PyTorchEngine.GRAPH_OPTIMIZER).orSystemProperty(DJL_GRAPH_OPTIMIZER)
          .defaultTo(false);

  static final EngineOption<Integer> POOL_SIZE = EngineOption.integer(PyTorchEngine.POOL_SIZE)
      .atLeast(1)
      .defaultTo(() -> Runtime.getRuntime().availableProcessors(), "available processors");

  static final EngineOption<String> FAST_PATH =
      EngineOption.text(PyTorchEngine.FAST_PATH).defaultTo("auto");

  /** Every option the engine reads: its own and the shared native ones. */
  static final List<EngineOption<?>> OPTIONS = Stream.concat(
      Stream.of(NUM_THREADS, NUM_INTEROP_THREADS, GRAPH_OPTIMIZER, POOL_SIZE, FAST_PATH),
      Natives.SHARED_OPTIONS.stream()).toList();

  /**
   * The settings in {@code config}. An AgriScore key wins; otherwise an operator's DJL system
   * property of the same meaning is honoured; otherwise the default.
   */
  static PyTorchSettings from(EngineConfig config) {
    return new PyTorchSettings(config.get(NUM_THREADS), config.get(NUM_INTEROP_THREADS),
        config.get(GRAPH_OPTIMIZER), config.get(POOL_SIZE),
        FastPaths.Mode.parse(PyTorchEngine.FAST_PATH, config.get(FAST_PATH)),
        Natives.configured(config).map(p -> p.toAbsolutePath().normalize()));
  }
}
