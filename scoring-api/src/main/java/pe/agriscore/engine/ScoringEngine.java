package pe.agriscore.engine;

import pe.agriscore.internal.bundle.ModelBundle;

/**
 * The engine SPI: turns a verified {@link ModelBundle} into a {@link ScoringModel}.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} by the manifest's {@code
 * engine} name: list the class in {@code META-INF/services/pe.agriscore.engine.ScoringEngine}.
 * AgriScore ships {@code scorecard} (built in), {@code tensorflow} ({@code scoring-engine-tf})
 * and {@code pytorch} ({@code scoring-engine-pt}).
 *
 * <pre>{@code
 * public final class MyEngine implements ScoringEngine {
 *   public String name() { return "my-engine"; }
 *   public ScoringModel load(ModelBundle bundle, EngineOptions options) {
 *     Path file = bundle.modelPath();
 *     ... // open the model, check its input width against bundle.encoder().width()
 *   }
 * }
 * }</pre>
 *
 * <p>An engine must never download anything: every native library and file it needs comes
 * from the classpath or the bundle.
 */
public interface ScoringEngine {

  /** The name bundles refer to in {@code manifest.json}'s {@code engine} field. */
  String name();

  /**
   * Loads the bundle's model. The bundle's checksums are already verified; the caller runs the
   * golden cases on the returned model.
   *
   * @param bundle the open bundle; the model files stay readable while the bundle is open
   * @param options engine settings (thread counts, cache directories), each documented by the
   *     engine
   * @return a thread-safe model whose input width equals {@code bundle.encoder().width()}; when
   *     the manifest declares {@code "output": {"kind": "logit"}} ({@link
   *     pe.agriscore.internal.bundle.BundleManifest#outputIsLogit()}) its {@code predict} returns
   *     the model's log-odds, and {@link Engines#load} applies the sigmoid
   * @throws pe.agriscore.scoring.BundleException if the model cannot be loaded or does not match
   *     the bundle's schema. Any other exception is a bug of the engine; {@link
   *     pe.agriscore.CreditScorer} still refuses the bundle with a {@code BundleException}
   *     naming the model file, the engine's exception as its cause.
   */
  ScoringModel load(ModelBundle bundle, EngineOptions options);
}
