package pe.agriscore.engine.tf;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import pe.agriscore.engine.EngineConfig;
import pe.agriscore.engine.EngineDescriptor;
import pe.agriscore.engine.ModelFiles;
import pe.agriscore.engine.NativeCache;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.engine.internal.FastPaths;
import pe.agriscore.scoring.BundleException;

/**
 * The engine {@code tensorflow}: scores bundles whose model is a TensorFlow SavedModel directory
 * (manifest {@code modelFormat} {@value #FORMAT}), with TensorFlow 2.16.1 through DJL, offline.
 * Add {@code pe.agriscore:scoring-engine-tf} beside {@code scoring-api}; nothing else to install.
 *
 * <pre>{@code
 * try (CreditScorer scorer = CreditScorer.builder(Path.of("models/farmer-mlp"))
 *     .engineOptions(EngineOptions.builder()
 *         .set("tensorflow.predictor_pool_size", "8")
 *         .set("agriscore.cache_dir", "/var/cache/agriscore")
 *         .build())
 *     .build()) {
 *   CreditScore score = scorer.score(request);
 * }
 * }</pre>
 *
 * <p><b>The model</b> is the manifest's {@code model} directory (e.g. {@code model/}) holding
 * {@code saved_model.pb} and {@code variables/}. It is scored through the signature named by the
 * manifest property {@value #SIGNATURE_PROPERTY} (default {@value #DEFAULT_SIGNATURE}) of the
 * meta graph tagged by {@value #TAGS_PROPERTY} (comma-separated, default {@value
 * #DEFAULT_TAGS}). That signature must take exactly one input, named by the manifest's {@code
 * input}, of type float32 and shape {@code [-1, width]} where width is {@code
 * bundle.encoder().width()}; and have an output named by the manifest's {@code output}, float32 or
 * float64, of shape {@code [-1, 1]} or {@code [-1]}, holding the probability of default. Any
 * mismatch refuses the bundle at load with a {@link BundleException} naming the model.
 *
 * <p><b>Options</b> (string keys; unset keys fall back to system properties, then defaults):
 *
 * <table>
 *   <caption>TensorFlow engine options</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #CACHE_DIR}</td><td>{@code ~/.cache/agriscore}, else
 *       {@code <java.io.tmpdir>/agriscore-<user>}</td><td>where the natives are extracted once
 *       (process-wide)</td></tr>
 *   <tr><td>{@value #INTRA_OP_THREADS}</td><td>{@value #DEFAULT_INTRA_OP_THREADS}</td>
 *       <td>threads one operation may use; 0 = one per core (process-wide)</td></tr>
 *   <tr><td>{@value #INTER_OP_THREADS}</td><td>{@value #DEFAULT_INTER_OP_THREADS}</td>
 *       <td>threads running independent operations; 0 = one per core; -1 = in the calling
 *       thread (process-wide)</td></tr>
 *   <tr><td>{@value #PREDICTOR_POOL_SIZE}</td><td>available processors</td><td>calls one
 *       model serves at once; more wait</td></tr>
 *   <tr><td>{@value #ONEDNN}</td><td>{@value #DEFAULT_ONEDNN}</td><td>whether TensorFlow's
 *       oneDNN kernels serve (TF_ENABLE_ONEDNN_OPTS; process-wide; an environment value
 *       wins)</td></tr>
 *   <tr><td>{@value #LOG_LEVEL}</td><td>{@value #DEFAULT_LOG_LEVEL}</td><td>TensorFlow's
 *       TF_CPP_MIN_LOG_LEVEL: 0 all, 1 no INFO, 2 no WARNING, 3 no ERROR (process-wide; an
 *       environment value wins)</td></tr>
 *   <tr><td>{@value #FAST_PATH}</td><td>auto</td><td>{@code auto}, {@code on} or {@code off}:
 *       the verified pure-Java evaluator for dense networks</td></tr>
 * </table>
 *
 * <p>Process-wide options take effect when TensorFlow starts in the process (see {@link
 * TensorFlowNatives}); every model's session then uses the thread counts TensorFlow started
 * with. An unset thread count falls back to DJL's {@code ai.djl.tensorflow.num_intraop_threads}
 * / {@code num_interop_threads} system property before the default.
 *
 * <p><b>Thread safety:</b> the engine is stateless. The models it returns share one TensorFlow
 * session across threads and lend each call one of a bounded pool of DJL predictors, so {@code
 * predict} may be called from any number of threads; {@code close()} frees the predictors, the
 * session and its native memory once every call has returned.
 */
public final class TensorFlowEngine implements ScoringEngine {

  /** The engine name in {@code manifest.json}. */
  public static final String NAME = "tensorflow";

  /** The model format this engine reads: a SavedModel directory. */
  public static final String FORMAT = "tf-savedmodel";

  /** Manifest property: the signature key to score with. */
  public static final String SIGNATURE_PROPERTY = "signature";

  /** The signature used when the manifest names none (TensorFlow 2's export default). */
  public static final String DEFAULT_SIGNATURE = "serving_default";

  /** Manifest property: the comma-separated tags of the meta graph to load. */
  public static final String TAGS_PROPERTY = "tags";

  /** The tags used when the manifest names none. */
  public static final String DEFAULT_TAGS = "serve";

  /** Option: the AgriScore cache directory, shared with other engines. */
  public static final String CACHE_DIR = NativeCache.CACHE_DIR;

  /** Option: threads one TensorFlow operation may use; 0 means one per core. */
  public static final String INTRA_OP_THREADS = "tensorflow.intra_op_threads";

  /** Small tabular models gain nothing from splitting a matrix product across threads. */
  public static final int DEFAULT_INTRA_OP_THREADS = 1;

  /** Option: threads running independent operations; 0 one per core, -1 the calling thread. */
  public static final String INTER_OP_THREADS = "tensorflow.inter_op_threads";

  /**
   * Each call runs its graph in the calling thread: a small model's operations form a chain,
   * so a pool only adds a hand-off per call (on the test MLP, -1 gave 2.4 times the throughput
   * of a one-thread pool), and concurrency follows {@value #PREDICTOR_POOL_SIZE} instead.
   */
  public static final int DEFAULT_INTER_OP_THREADS = -1;

  /** Option: the most calls one model serves at once (DJL predictors in its pool). */
  public static final String PREDICTOR_POOL_SIZE = "tensorflow.predictor_pool_size";

  /** Option: TensorFlow's minimum C++ log level (TF_CPP_MIN_LOG_LEVEL), 0 to 3. */
  public static final String LOG_LEVEL = "tensorflow.log_level";

  /** Errors only: TensorFlow's INFO and WARNING lines would flood the host's logs. */
  public static final int DEFAULT_LOG_LEVEL = 2;

  /**
   * Option: which path scores: {@code auto} (default) serves with the JVM fast path when the
   * signature computes a network it implements and it agrees with TensorFlow at load, else
   * TensorFlow; {@code on} refuses the model unless the fast path serves; {@code off} always uses
   * TensorFlow. See {@code docs/engine-tensorflow.md}, "The JVM fast path".
   */
  public static final String FAST_PATH = "tensorflow.fast_path";

  /**
   * Option: whether TensorFlow's oneDNN (MKL) kernels serve, TensorFlow's {@code
   * TF_ENABLE_ONEDNN_OPTS}; process-wide. An operator's {@code TF_ENABLE_ONEDNN_OPTS} in the
   * environment wins.
   */
  public static final String ONEDNN = "tensorflow.onednn";

  /**
   * Off: for one row of a small model, oneDNN's per-call set-up (memory descriptors, a scratch
   * pad allocated per call, the primitive cache look-up) costs more than the product, and
   * TensorFlow's own Eigen kernels halve a single-row call (docs/benchmarks.md, "Engine
   * latency").
   */
  public static final boolean DEFAULT_ONEDNN = false;

  /** The Maven artifact that ships this engine. */
  public static final String ARTIFACT = "pe.agriscore:scoring-engine-tf";

  private static final FastPaths.Engine ENGINE = FastPaths.Engine.of("TensorFlow", FAST_PATH);

  static final EngineDescriptor DESCRIPTOR =
      EngineDescriptor.of(NAME, ARTIFACT, Set.of(FORMAT), TensorFlowSettings.OPTIONS);

  @Override
  public EngineDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /**
   * Checks the SavedModel's signature against the manifest and schema, starts TensorFlow if
   * needed, loads the model and runs it once so the first request is fast; then, unless {@value
   * #FAST_PATH} is {@code off}, reads the signature's network from the same directory and serves
   * it in plain Java if it agrees with TensorFlow (see {@link FastPaths}).
   *
   * @throws BundleException naming the model when it is not a matching SavedModel
   * @throws pe.agriscore.engine.EngineException when TensorFlow cannot start (missing natives,
   *     unsupported platform)
   */
  @Override
  public ScoringModel load(ModelFiles model, EngineConfig config) {
    if (!model.isDirectory()) {
      throw model.refusal("a " + FORMAT + " model must be a SavedModel directory");
    }
    TensorFlowSettings settings = TensorFlowSettings.of(config);
    List<String> tags = Arrays.stream(model.property(TAGS_PROPERTY).orElse(DEFAULT_TAGS)
            .split(","))
        .map(String::trim).filter(t -> !t.isEmpty()).toList();
    SavedModelSignature signature = SavedModelSignature.read(model.path(), model.name(), tags,
        model.property(SIGNATURE_PROPERTY).orElse(DEFAULT_SIGNATURE), model.inputName(),
        model.outputName(), model.inputWidth());
    TensorFlowNatives.ensureLoaded(config);
    TensorFlowNatives.Started threads = TensorFlowNatives.started();
    ScoringModel nativeModel = SavedModelScoringModel.load(model, tags, signature, threads,
        settings.predictors());
    // The same directory TensorFlow loaded: for an encrypted bundle, ModelFiles' private copy.
    return FastPaths.choose(ENGINE, nativeModel, model, settings.fastPath(),
        () -> SavedModelNetwork.read(model.path(), tags, signature, threads));
  }
}
