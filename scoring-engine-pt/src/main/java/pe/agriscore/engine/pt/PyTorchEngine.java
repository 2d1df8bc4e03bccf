package pe.agriscore.engine.pt;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import pe.agriscore.engine.EngineConfig;
import pe.agriscore.engine.EngineDescriptor;
import pe.agriscore.engine.ModelFiles;
import pe.agriscore.engine.NativeCache;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.scoring.BundleException;

/**
 * The engine {@code pytorch}: scores TorchScript models (made with {@code torch.jit.script} or
 * {@code torch.jit.trace}) with libtorch 2.7.1 through DJL, inside the JVM and offline.
 *
 * <p>Add {@code pe.agriscore:scoring-engine-pt} to the application; {@link
 * pe.agriscore.CreditScorer} finds this engine by the manifest's {@code engine} name:
 *
 * <pre>{@code
 * EngineOptions options = EngineOptions.builder()
 *     .set(PyTorchEngine.NUM_THREADS, "1")
 *     .set(PyTorchEngine.CACHE_DIR, "/var/cache/agriscore")
 *     .build();
 * try (CreditScorer scorer = CreditScorer.builder(Path.of("models/farmer-mlp"))
 *     .engineOptions(options).build()) {
 *   CreditScore score = scorer.score(request);
 * }
 * }</pre>
 *
 * <p><b>Bundle.</b> {@code modelFormat} {@code torchscript}; {@code model} names the {@code .pt}
 * file, e.g. {@code model/mlp.pt}; {@code forward} takes one float32 tensor {@code [batch,
 * width]} and returns the probability of default as {@code [batch, 1]} or {@code [batch]}.
 * TorchScript does not declare shapes, so loading probes the model with a small batch of the
 * width the bundle's schema encodes ({@code bundle.encoder().width()}) and refuses it, naming
 * both widths where it can, if the call fails or returns anything but one probability per row.
 *
 * <p><b>Natives.</b> libtorch and DJL's JNI library come from the classpath jars {@code
 * ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64} (or the classifier of another platform),
 * which the application adds in runtime scope, and {@code
 * ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0}, which this module depends on. The first load checks
 * both are present before DJL starts (DJL would otherwise download them) and fails naming the
 * missing artifact; it turns DJL's offline mode on and extracts the libraries once into the
 * cache directory. Every process-wide effect is listed in {@code docs/natives.md}; the option or
 * system property {@value NativeCache#MANAGE}{@code =false} turns them all off for hosts that set
 * DJL up themselves.
 *
 * <p><b>Options</b> (string keys, falling back to system properties of the same name):
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #NUM_THREADS}</td><td>1</td><td>libtorch intra-op threads per call
 *       (process-wide)</td></tr>
 *   <tr><td>{@value #NUM_INTEROP_THREADS}</td><td>1</td><td>libtorch inter-op threads
 *       (process-wide)</td></tr>
 *   <tr><td>{@value #GRAPH_OPTIMIZER}</td><td>false</td><td>TorchScript's profiling graph
 *       optimiser (process-wide)</td></tr>
 *   <tr><td>{@value #POOL_SIZE}</td><td>available processors</td><td>predictors per model: the
 *       most calls it runs at once</td></tr>
 *   <tr><td>{@value #FAST_PATH}</td><td>auto</td><td>{@code auto}, {@code
 *       on} or {@code off}: the verified pure-Java evaluator for dense networks</td></tr>
 *   <tr><td>{@value #CACHE_DIR}</td><td>{@code ~/.cache/agriscore}</td><td>where libtorch is
 *       extracted (under {@code pytorch/}); {@code <tmpdir>/agriscore-<user>} when the home
 *       directory is not writable</td></tr>
 * </table>
 *
 * <p>libtorch is loaded once per JVM, so the process-wide options and the cache directory take
 * effect at the first load; a later load asking for other values logs a warning and runs with
 * the values in force. See {@code docs/engine-pytorch.md}.
 *
 * <p><b>Thread safety:</b> the engine is stateless; each loaded model is thread-safe (see
 * {@link #load}).
 */
public final class PyTorchEngine implements ScoringEngine {

  /** The engine name in {@code manifest.json}. */
  public static final String NAME = "pytorch";

  /** The model format this engine reads. */
  public static final String FORMAT = "torchscript";

  /** libtorch intra-op threads (DJL's {@code ai.djl.pytorch.num_threads}); default 1. */
  public static final String NUM_THREADS = "pytorch.num_threads";

  /** libtorch inter-op threads (DJL's {@code ai.djl.pytorch.num_interop_threads}); default 1. */
  public static final String NUM_INTEROP_THREADS = "pytorch.num_interop_threads";

  /**
   * Whether TorchScript's profiling executor optimises graphs (DJL's {@code
   * ai.djl.pytorch.graph_optimizer}); default {@code false}: for small tabular models it costs
   * slow first calls for every new batch size and gains nothing measurable.
   */
  public static final String GRAPH_OPTIMIZER = "pytorch.graph_optimizer";

  /** The most calls one model runs at once (its predictor pool); default: available processors. */
  public static final String POOL_SIZE = "pytorch.predictor_pool_size";

  /**
   * Which path scores: {@code auto} (default) serves with the JVM fast path when the network is
   * one it implements and it agrees with libtorch at load, else libtorch; {@code on} refuses the
   * model unless the fast path serves; {@code off} always uses libtorch. See {@code
   * docs/engine-pytorch.md}, "The JVM fast path".
   */
  public static final String FAST_PATH = "pytorch.fast_path";

  /** The directory natives are extracted to, shared by AgriScore's engines. */
  public static final String CACHE_DIR = NativeCache.CACHE_DIR;

  /** The Maven artifact that ships this engine. */
  public static final String ARTIFACT = "pe.agriscore:scoring-engine-pt";

  private static final EngineDescriptor DESCRIPTOR =
      EngineDescriptor.of(NAME, ARTIFACT, Set.of(FORMAT), PyTorchSettings.OPTIONS);

  @Override
  public EngineDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /**
   * Loads the bundle's TorchScript model, probes it with the schema's width and warms it up.
   *
   * <p>The returned model is thread-safe: the TorchScript module is shared, and each call
   * borrows one of at most {@value #POOL_SIZE} predictors (more concurrent callers wait), puts its
   * tensors on a per-call native memory scope released when the call returns, and gives exactly
   * the result it would give alone.
   *
   * @throws BundleException naming the model file if it is not TorchScript, does not take the
   *     schema's width or does not return one value per row
   * @throws pe.agriscore.engine.EngineException if libtorch cannot be started, naming the
   *     missing artifact when natives are absent
   */
  @Override
  public ScoringModel load(ModelFiles model, EngineConfig config) {
    if (model.isDirectory()) {
      throw model.refusal("a TorchScript model must be one .pt file");
    }
    PyTorchSettings settings = PyTorchSettings.from(config);
    NativeRuntime.start(settings, config);
    // The model is loaded from its bytes, not its path: an encrypted bundle's model then never
    // exists in clear on any filesystem (ModelFiles.path() would write it to a private one).
    byte[] bytes;
    try (InputStream in = model.open("")) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw model.refusal("cannot be read: " + e.getMessage(), e);
    }
    return FastPath.choose(TorchScriptModel.load(model, bytes, settings.poolSize()), model,
        bytes, settings.fastPath());
  }
}
