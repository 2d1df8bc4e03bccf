package pe.agriscore.engine.pt;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.ModelFiles;
import pe.agriscore.engine.PredictorPool;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.scoring.BundleException;

/**
 * A loaded TorchScript module shared by a bounded pool of DJL predictors.
 *
 * <p>libtorch runs one module's {@code forward} from many threads at once, but DJL documents its
 * {@link Predictor} as single-threaded, so each call borrows a predictor of its own from the
 * core's {@link PredictorPool}; at most {@code poolSize} calls run at once and the rest wait,
 * which also keeps the native threads from oversubscribing the CPU. Each predictor owns a direct
 * buffer that its calls' input tensors view (no per-call native allocation for the input), and
 * DJL gives every call its own native memory scope, closed when the call returns, for the
 * tensors libtorch creates. The core's guard checks row counts and calls {@link #close()} once
 * no call runs.
 */
final class TorchScriptModel implements ScoringModel {

  /** Rows of the load-time probe: the mean row (all zeros once standardised), +1 and -1. */
  private static final float[] PROBE_VALUES = {0f, 1f, -1f};

  private final Model model;
  private final ModelFiles files;
  private final int width;
  private final PredictorPool<Slot> slots;

  private TorchScriptModel(Model model, ModelFiles files, int poolSize) {
    this.model = model;
    this.files = files;
    this.width = files.inputWidth();
    this.slots = PredictorPool.of(poolSize,
        () -> new Slot(model.newPredictor(OutputTranslator.INSTANCE)), files.description());
  }

  /**
   * Loads, probes with the schema's width and warms up.
   *
   * @param files the {@code .pt} file; for a {@code logit} output the probe only refuses NaN,
   *     since the core turns log-odds into probabilities
   * @param bytes the file's content, which libtorch loads from memory
   * @throws BundleException naming the file if the model is unreadable or does not fit
   */
  static TorchScriptModel load(ModelFiles files, byte[] bytes, int poolSize) {
    Model model = Model.newInstance(files.description(), Device.cpu(), NativeRuntime.DJL_ENGINE);
    try {
      model.load(new ByteArrayInputStream(bytes), Map.of());
      deleteEmptyModelDirectory(model);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw files.refusal("not a TorchScript model that libtorch " + LibUtils.getVersion()
          + " can load: " + torchMessage(e), e);
    }
    TorchScriptModel loaded = new TorchScriptModel(model, files, poolSize);
    try {
      loaded.probe(files.outputKind() == ModelFiles.OutputKind.LOGIT);
      return loaded;
    } catch (RuntimeException e) {
      loaded.close();
      throw e;
    }
  }

  /**
   * DJL's load from a stream makes an empty {@code pt-model*} directory in java.io.tmpdir that it
   * deletes only at JVM exit; nothing is ever written to it, so it goes at once.
   */
  private static void deleteEmptyModelDirectory(Model model) {
    Path dir = model.getModelPath();
    if (dir != null && Files.isDirectory(dir)
        && dir.getFileName().toString().startsWith("pt-model")) {
      try {
        Files.delete(dir);
      } catch (IOException e) {
        // Not empty after all, or already gone: DJL's own exit hook still deletes it.
        org.slf4j.LoggerFactory.getLogger(TorchScriptModel.class)
            .debug("left {} to DJL's exit hook: {}", dir, e.toString());
      }
    }
  }

  /**
   * TorchScript declares no shapes: one forward of the declared width tells whether the model
   * takes it and returns one probability per row. It is also the warm-up.
   */
  private void probe(boolean logits) {
    int rows = PROBE_VALUES.length;
    float[] input = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      Arrays.fill(input, r * width, (r + 1) * width, PROBE_VALUES[r]);
    }
    double[] out;
    try {
      out = predict(input, rows);
    } catch (OutputShapeException e) {
      throw files.refusal(e.getMessage() + " for a probe batch of [" + rows + ", "
          + width + "]: the model must return one probability of default per row, shape"
          + " [batch, 1] or [batch]", e);
    } catch (EngineException e) {
      throw files.refusal("the model does not take the " + width
          + " inputs that schema.json and preprocessing.json encode" + inferredWidth()
          + "; libtorch says: " + torchMessage(e.getCause() == null ? e : e.getCause()), e);
    }
    for (int r = 0; r < rows; r++) {
      if (logits ? Double.isNaN(out[r]) : !(out[r] >= 0 && out[r] <= 1)) {
        throw files.refusal("the model returned " + out[r] + " for probe row " + r
            + " (all features " + PROBE_VALUES[r] + "), " + (logits ? "not a log-odds value"
                : "not a probability in [0, 1]: end forward() with torch.sigmoid before"
                    + " exporting, or declare the manifest's output \"kind\": \"logit\""));
      }
    }
    // A second, single-row call warms up the other batch path (matrix-vector kernels).
    predict(input, 1);
  }

  /** The input width suggested by the model's first 2-D weight, for refusal messages. */
  private String inferredWidth() {
    try {
      for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
        NDArray array = p.getValue().getArray();
        if (array.getShape().dimension() == 2) {
          return " (its first weight matrix '" + p.getKey() + "' has shape "
              + array.getShape() + ", so it probably takes " + array.getShape().get(1)
              + " inputs)";
        }
      }
    } catch (RuntimeException e) {
      return "";
    }
    return "";
  }

  @Override
  public int inputWidth() {
    return width;
  }

  @Override
  public double[] predict(float[] rows, int rowCount) {
    try {
      return slots.apply(slot -> {
        NativeRuntime.prepareCallingThread();
        double[] result = slot.predictor.predict(
            new Batch(rows, rowCount, width, slot.input(rowCount * width)));
        if (result.length != rowCount) {
          throw new OutputShapeException("the model returned " + result.length + " values for "
              + rowCount + " rows");
        }
        return result;
      });
    } catch (TranslateException | ai.djl.engine.EngineException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof OutputShapeException shape) {
          throw shape;
        }
      }
      throw new EngineException("PyTorch failed on a batch of " + rowCount + " rows of "
          + width + " inputs: " + torchMessage(e), e);
    }
  }

  /** libtorch's named parameters of the loaded module that are float32, copied to the heap. */
  java.util.Map<String, TorchScriptArchive.Tensor> parameters() {
    java.util.Map<String, TorchScriptArchive.Tensor> named = new java.util.HashMap<>();
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      NDArray array = p.getValue().getArray();
      if (array.getDataType() == DataType.FLOAT32) {
        named.put(p.getKey(), new TorchScriptArchive.Tensor(array.getShape().getShape(),
            array.toFloatArray()));
      }
    }
    return named;
  }

  @Override
  public String toString() {
    return files.description();
  }

  /** Frees the predictors and the module's native memory. */
  @Override
  public void close() {
    try {
      slots.close();
    } finally {
      model.close();
    }
  }

  /**
   * The line of a libtorch error that says what went wrong. TorchScript errors carry the
   * interpreter's traceback; the cause is its last {@code RuntimeError:} line.
   */
  static String torchMessage(Throwable e) {
    Throwable t = e;
    while ((t instanceof TranslateException || t.getMessage() == null) && t.getCause() != null) {
      t = t.getCause();
    }
    String message = String.valueOf(t.getMessage());
    int at = message.lastIndexOf("Error: ");
    if (at >= 0) {
      message = message.substring(at + "Error: ".length());
    }
    int eol = message.indexOf('\n');
    return (eol >= 0 ? message.substring(0, eol) : message).trim();
  }

  /** One predictor and the input buffer its calls reuse; used by one call at a time. */
  private static final class Slot implements AutoCloseable {
    /** Larger inputs get a buffer of their own rather than pinning that much per predictor. */
    private static final int MAX_KEPT_BYTES = 1 << 20;

    final Predictor<Batch, double[]> predictor;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(0);

    Slot(Predictor<Batch, double[]> predictor) {
      this.predictor = predictor;
    }

    @Override
    public void close() {
      predictor.close();
    }

    /** A native-order buffer of exactly {@code floats} floats at position 0. */
    ByteBuffer input(int floats) {
      int bytes = Math.multiplyExact(floats, Float.BYTES);
      if (bytes > MAX_KEPT_BYTES) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
      }
      if (buffer.capacity() < bytes) {
        buffer = ByteBuffer.allocateDirect(Math.min(MAX_KEPT_BYTES,
            Math.max(bytes, buffer.capacity() * 2)));
      }
      return buffer.slice(0, bytes).order(ByteOrder.nativeOrder());
    }
  }

  /**
   * One call's input.
   *
   * @param rows row-major floats, at least {@code count * width}
   * @param count rows to score
   * @param width floats per row
   * @param scratch the borrowing slot's direct buffer, {@code count * width} floats, position 0
   */
  private record Batch(float[] rows, int count, int width, ByteBuffer scratch) {}

  /** Signals an output that is not one probability per row; turned into a refusal at load. */
  private static final class OutputShapeException extends EngineException {
    private static final long serialVersionUID = 1L;

    OutputShapeException(String message) {
      super(message);
    }
  }

  /** Rows in, probabilities out; stateless, so one instance serves every predictor. */
  private enum OutputTranslator implements Translator<Batch, double[]> {
    INSTANCE;

    @Override
    public NDList processInput(TranslatorContext ctx, Batch batch) {
      int floats = batch.count() * batch.width();
      batch.scratch().asFloatBuffer().put(batch.rows(), 0, floats);
      // The tensor views the slot's buffer; DJL's per-call manager frees the tensor itself.
      return new NDList(ctx.getNDManager().create(batch.scratch(),
          new Shape(batch.count(), batch.width()), DataType.FLOAT32));
    }

    @Override
    public double[] processOutput(TranslatorContext ctx, NDList list) {
      if (list.size() != 1) {
        throw new OutputShapeException("the model returned " + list.size() + " tensors");
      }
      NDArray out = list.get(0);
      Shape shape = out.getShape();
      long rows = shape.dimension() == 0 ? -1 : shape.get(0);
      boolean column = shape.dimension() == 2 && shape.get(1) == 1;
      if (!(shape.dimension() == 1 || column)) {
        throw new OutputShapeException("the model returned shape " + shape);
      }
      double[] result;
      if (out.getDataType() == DataType.FLOAT32) {
        float[] f = out.toFloatArray();
        result = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          result[i] = f[i];
        }
      } else if (out.getDataType() == DataType.FLOAT64) {
        result = out.toDoubleArray();
      } else {
        throw new OutputShapeException("the model returned " + out.getDataType()
            + " values, not float32 or float64");
      }
      if (result.length != rows) {
        throw new OutputShapeException("the model returned shape " + shape);
      }
      return result;
    }

    @Override
    public Batchifier getBatchifier() {
      return null;
    }
  }
}
