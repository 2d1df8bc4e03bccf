package pe.agriscore.bench.djl;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.proto.ConfigProto;
import pe.agriscore.bench.Fixtures;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.BundleManifest;
import pe.agriscore.internal.bundle.ModelBundle;

/**
 * A bundle's model file scored through DJL alone: a {@link Model}, one {@link Predictor} and a
 * minimal translator (floats in, floats out), with no AgriScore code on the call path. This is
 * what the engine costs by itself, the baseline AgriScore's overhead is measured against.
 *
 * <pre>{@code
 * try (ModelBundle bundle = ModelBundle.open(path);
 *     BareDjlModel bare = BareDjlModel.load(bundle)) {
 *   float[] p = bare.predict(rows, rowCount);
 * }
 * }</pre>
 *
 * <p>It is as lean as DJL allows, so that the comparison is strict: the input is copied into a
 * reused direct buffer that the tensor is created from (no per-call native allocation for it),
 * the output is read once with {@code toFloatArray}, and DJL's per-call memory scope frees the
 * tensors. The natives are started by loading the bundle once through AgriScore's own engine and
 * closing it, so the process runs the same libraries with the same thread settings ({@link
 * Fixtures#intraOpThreads()} intra-op threads, {@link Fixtures#tfInterOpThreads()} inter-op
 * threads for TensorFlow and one for libtorch); TensorFlow's session gets the same
 * {@code ConfigProto} the engine builds. Not thread-safe, like the DJL predictor it wraps.
 */
public final class BareDjlModel implements AutoCloseable {

  private final Model model;
  private final Predictor<Rows, float[]> predictor;
  private final int width;

  private BareDjlModel(Model model, int width, String inputName) {
    this.model = model;
    this.width = width;
    this.predictor = model.newPredictor(new RowsTranslator(width, inputName));
  }

  /**
   * Loads the model of a {@code tensorflow} or {@code pytorch} bundle.
   *
   * @throws IllegalArgumentException for another engine
   * @throws IllegalStateException if DJL cannot load the model
   */
  public static BareDjlModel load(ModelBundle bundle) {
    BundleManifest manifest = bundle.manifest();
    startNatives(bundle);
    int width = bundle.encoder().width();
    Model model;
    try {
      switch (manifest.engine()) {
        case "pytorch" -> {
          model = Model.newInstance(manifest.name(), Device.cpu(), "PyTorch");
          model.load(bundle.modelPath());
        }
        case "tensorflow" -> {
          model = Model.newInstance(manifest.name(), Device.cpu(), "TensorFlow");
          String[] tags = Arrays.stream(manifest.properties().getOrDefault("tags", "serve")
              .split(",")).map(String::trim).filter(t -> !t.isEmpty()).toArray(String[]::new);
          ConfigProto config = ConfigProto.newBuilder()
              .setIntraOpParallelismThreads(Fixtures.intraOpThreads())
              .setInterOpParallelismThreads(Fixtures.tfInterOpThreads())
              .build();
          model.load(bundle.modelPath(), null, Map.of(
              "Tags", tags,
              "SignatureDefKey", manifest.properties().getOrDefault("signature",
                  "serving_default"),
              "ConfigProto", config));
        }
        default -> throw new IllegalArgumentException("no DJL engine for bundle engine '"
            + manifest.engine() + "'");
      }
    } catch (IOException | MalformedModelException e) {
      throw new IllegalStateException("DJL cannot load " + bundle.modelPath() + ": " + e, e);
    }
    return new BareDjlModel(model, width, manifest.input().name());
  }

  /**
   * Starts the engine's natives the way AgriScore does (same libraries, same process-wide
   * settings) by loading the bundle once through the engine and closing it.
   */
  public static void startNatives(ModelBundle bundle) {
    ScoringModel once = Engines.load(bundle, Fixtures.engineOptions());
    once.close();
  }

  /** The loaded DJL model (its block holds the weights). */
  public Model model() {
    return model;
  }

  /** Floats per row. */
  public int width() {
    return width;
  }

  /**
   * Scores {@code rowCount} row-major rows.
   *
   * @return the model's output, one value per row
   * @throws IllegalStateException if DJL fails
   */
  public float[] predict(float[] rows, int rowCount) {
    try {
      return predictor.predict(new Rows(rows, rowCount));
    } catch (TranslateException e) {
      throw new IllegalStateException("DJL failed on " + rowCount + " rows: " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      predictor.close();
    } finally {
      model.close();
    }
  }

  /** One call's input. */
  private record Rows(float[] data, int count) {}

  /** Floats in a reused direct buffer in, the single output as floats out. */
  private static final class RowsTranslator implements NoBatchifyTranslator<Rows, float[]> {
    private final int width;
    private final String inputName;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(0);

    RowsTranslator(int width, String inputName) {
      this.width = width;
      this.inputName = inputName;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Rows rows) {
      int floats = rows.count() * width;
      if (buffer.capacity() < floats * Float.BYTES) {
        buffer = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
      }
      buffer.clear();
      buffer.asFloatBuffer().put(rows.data(), 0, floats);
      buffer.limit(floats * Float.BYTES);
      NDArray x = ctx.getNDManager().create(buffer, new Shape(rows.count(), width),
          DataType.FLOAT32);
      x.setName(inputName);
      return new NDList(x);
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      if (list.size() != 1) {
        throw new IllegalStateException("expected one output, got " + list.size());
      }
      return list.get(0).toFloatArray();
    }
  }
}
