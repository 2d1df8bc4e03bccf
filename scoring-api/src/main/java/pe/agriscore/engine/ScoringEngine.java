package pe.agriscore.engine;

/**
 * The engine SPI: turns a bundle's model files into a {@link ScoringModel}.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} by the manifest's {@code
 * engine} name: list the class in {@code META-INF/services/pe.agriscore.engine.ScoringEngine}
 * and, in a named module, {@code provides pe.agriscore.engine.ScoringEngine with ...}. AgriScore
 * ships {@code scorecard} (built in), {@code tensorflow} ({@code scoring-engine-tf}) and {@code
 * pytorch} ({@code scoring-engine-pt}); {@code docs/engines.md} shows how to write another and
 * prove it with the conformance kit ({@code pe.agriscore:scoring-engine-conformance}).
 *
 * <pre>{@code
 * public final class MyEngine implements ScoringEngine {
 *   static final EngineOption<Integer> POOL = EngineOption.integer("my-engine.pool_size")
 *       .atLeast(1).defaultTo(4);
 *
 *   public EngineDescriptor descriptor() {
 *     return EngineDescriptor.of("my-engine", "com.example:my-engine", Set.of("my-format"),
 *         List.of(POOL));
 *   }
 *
 *   public ScoringModel load(ModelFiles model, EngineConfig config) {
 *     MyRuntime runtime = MyRuntime.open(model.path());   // read only
 *     if (runtime.inputs() != model.inputWidth()) {
 *       throw model.refusal("takes " + runtime.inputs() + " inputs, the schema encodes "
 *           + model.inputWidth());
 *     }
 *     PredictorPool<MyPredictor> pool =
 *         PredictorPool.of(config.get(POOL), runtime::newPredictor, model.description());
 *     return new MyModel(runtime, pool);
 *   }
 * }
 * }</pre>
 *
 * <p><b>What the core does, once for every engine</b> ({@link Engines#load}): it checks that the
 * engine reads the bundle's {@code modelFormat}, that the declared tensor shapes agree with the
 * schema, parses the options against {@link EngineDescriptor#options()} (refusing unknown keys
 * of the engine's namespace and values out of range), checks the loaded model's {@link
 * ScoringModel#inputWidth()}, and wraps the model in a guard that checks every call's row count,
 * applies the sigmoid to a {@code logit} output and makes {@link ScoringModel#close()} wait for
 * running calls (later calls fail). So an engine's model only scores well-formed calls and frees
 * its memory in {@code close()}, which the guard calls once, when no call runs.
 *
 * <p>An engine must never download anything: every native library and file it needs comes from
 * the classpath or the bundle. Implementations are stateless and thread-safe.
 */
public interface ScoringEngine {

  /** The engine's name, formats, artifact and options; the same value on every call. */
  EngineDescriptor descriptor();

  /**
   * Loads the model. The bundle's checksums are verified, its format is one the engine reads and
   * its declared shapes agree with the schema; the caller runs the golden cases on the returned
   * model.
   *
   * @param model the model files and what the schema encodes, read-only
   * @param config the engine's options, parsed and range-checked
   * @return a model whose input width is {@code model.inputWidth()}; safe for concurrent {@code
   *     predict} calls (with a {@link PredictorPool} where the runtime's predictors are not);
   *     for an {@link ModelFiles.OutputKind#LOGIT} output, {@code predict} returns the log-odds
   * @throws pe.agriscore.scoring.BundleException naming the model file ({@link
   *     ModelFiles#refusal}) if the model cannot be loaded or does not match the schema. Any
   *     other exception is a bug of the engine; {@link pe.agriscore.CreditScorer} still
   *     refuses the bundle with a {@code BundleException} naming the model file, the engine's
   *     exception as its cause.
   */
  ScoringModel load(ModelFiles model, EngineConfig config);
}
