package pe.agriscore.bench.floor;

import java.util.Arrays;
import pe.agriscore.bench.djl.BareDjlModel;
import pe.agriscore.internal.bundle.BundleManifest;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * Reads the MLP weights of a {@code pytorch} or {@code tensorflow} bundle (see {@link
 * MlpWeights} for how).
 *
 * <pre>{@code
 * MlpWeights w = Weights.of(ModelBundle.open(Path.of("samples/models/farmer-mlp-pt")));
 * }</pre>
 */
public final class Weights {

  private Weights() {}

  /**
   * The bundle's MLP weights; starts the engine's natives if needed.
   *
   * @throws IllegalArgumentException for another engine or a model that is not the reference MLP
   */
  public static MlpWeights of(ModelBundle bundle) {
    BundleManifest manifest = bundle.manifest();
    MlpWeights weights;
    switch (manifest.engine()) {
      case "pytorch" -> {
        try (BareDjlModel djl = BareDjlModel.load(bundle)) {
          weights = MlpWeights.fromTorchScript(djl.model());
        }
      }
      case "tensorflow" -> {
        BareDjlModel.startNatives(bundle);
        weights = MlpWeights.fromSavedModel(bundle.modelPath(),
            Arrays.stream(manifest.properties().getOrDefault("tags", "serve").split(","))
                .map(String::trim).filter(t -> !t.isEmpty()).toArray(String[]::new),
            manifest.properties().getOrDefault("signature", "serving_default"),
            manifest.output().name());
      }
      default -> throw new IllegalArgumentException("engine '" + manifest.engine()
          + "' has no MLP weights to read");
    }
    if (weights.width() != bundle.encoder().width()) {
      throw new IllegalArgumentException(manifest.model() + ": the MLP takes " + weights.width()
          + " inputs but the bundle encodes " + bundle.encoder().width());
    }
    return weights;
  }
}
