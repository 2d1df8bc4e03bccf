package pe.agriscore.engine.tf;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.tensorflow.proto.ConfigProto;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.scoring.BundleException;

/**
 * A SavedModel loaded through DJL, scoring rows of floats into probabilities.
 *
 * <p><b>Thread safety:</b> the DJL {@link Model} (one TensorFlow session, thread-safe) is shared;
 * DJL {@link Predictor}s are not thread-safe, so each call borrows one from a bounded pool (size
 * {@value TensorFlowEngine#PREDICTOR_POOL_SIZE}) and returns it afterwards. Calls beyond the
 * pool size wait for a free predictor. Each call's tensors live in the predictor's per-call
 * NDManager, which DJL closes when the call ends, so nothing accumulates on the model's manager.
 *
 * <p><b>Closing</b> takes a read-write lock exclusively that every call holds shared: it waits
 * for running calls, since freeing the session under a running {@code TF_SessionRun} crashes
 * the JVM; calls that start afterwards throw an {@link EngineException}.
 */
final class SavedModelScoringModel implements ScoringModel {

  private final String description;
  private final Model model;
  private final SavedModelSignature signature;
  private final List<Predictor<Batch, double[]>> predictors;
  private final BlockingQueue<Predictor<Batch, double[]>> idle;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  /** Guarded by {@link #lifecycle}. */
  private boolean closed;

  private SavedModelScoringModel(String description, Model model,
      SavedModelSignature signature, int poolSize) {
    this.description = description;
    this.model = model;
    this.signature = signature;
    this.predictors = new ArrayList<>(poolSize);
    this.idle = new ArrayBlockingQueue<>(poolSize);
    for (int i = 0; i < poolSize; i++) {
      // One translator per predictor: it owns the predictor's reusable input buffer.
      Predictor<Batch, double[]> p = model.newPredictor(new RowsTranslator(signature));
      predictors.add(p);
      idle.add(p);
    }
  }

  /**
   * Loads the SavedModel at {@code dir} and warms it up.
   *
   * @param description e.g. {@code model 'farmer-mlp' 1.0.0}, for messages
   * @param file the model's path inside the bundle, for messages
   * @param threads the process's TensorFlow thread settings, also given to the model's session
   * @param poolSize the number of predictors
   * @throws BundleException naming {@code file} if TensorFlow refuses the model
   */
  static SavedModelScoringModel load(String description, String file, Path dir,
      List<String> tags, SavedModelSignature signature, TensorFlowNatives.Started threads,
      int poolSize) {
    ConfigProto config = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(threads.intraOpThreads())
        .setInterOpParallelismThreads(threads.interOpThreads())
        .build();
    Model model = Model.newInstance(description, Device.cpu(), "TensorFlow");
    SavedModelScoringModel loaded;
    try {
      model.load(dir, null, Map.of(
          "Tags", tags.toArray(new String[0]),
          "SignatureDefKey", signature.key(),
          "ConfigProto", config));
      loaded = new SavedModelScoringModel(description, model, signature, poolSize);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new BundleException(file, "TensorFlow cannot load the SavedModel: " + e.getMessage(),
          e);
    }
    try {
      loaded.warmUp();
    } catch (RuntimeException e) {
      loaded.close();
      throw new BundleException(file, "the SavedModel fails when run: " + e.getMessage(), e);
    }
    return loaded;
  }

  @Override
  public int inputWidth() {
    return signature.width();
  }

  /**
   * Scores {@code rowCount} rows: safe from any number of threads, each getting exactly what it
   * would get alone.
   *
   * @throws EngineException with the model, the row count and TensorFlow's message if a call
   *     fails or returns an output of the wrong shape
   */
  @Override
  public double[] predict(float[] rows, int rowCount) {
    int width = signature.width();
    if (rowCount < 0 || (long) rowCount * width > rows.length) {
      throw new EngineException(description + ": " + rowCount + " rows of " + width
          + " floats need " + (long) rowCount * width + " floats, got " + rows.length);
    }
    if (rowCount == 0) {
      return new double[0];
    }
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new EngineException(description + " is closed");
      }
      Predictor<Batch, double[]> predictor = borrow();
      try {
        return predictor.predict(new Batch(rows, rowCount));
      } catch (TranslateException | RuntimeException e) {
        throw new EngineException("TensorFlow failed to score " + rowCount + " rows with "
            + description + ": " + e.getMessage(), e);
      } finally {
        idle.add(predictor);
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Waits for running calls, then releases every predictor and the TensorFlow session with its
   * graph and variables; closing again does nothing.
   */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        predictors.forEach(Predictor::close);
      } finally {
        model.close();
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /**
   * Runs the graph on the batch sizes seen most (one applicant; one applicant with its
   * reason-code rows), so that TensorFlow's one-time graph preparation happens here and not in
   * the first real request. The output checks of every call apply.
   */
  private void warmUp() {
    int width = signature.width();
    for (int rowCount : new int[] {1, 7}) {
      predict(new float[rowCount * width], rowCount);
    }
  }

  private Predictor<Batch, double[]> borrow() {
    try {
      return idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted while waiting for a free predictor of "
          + description, e);
    }
  }

  /** One call's rows. */
  private record Batch(float[] rows, int rowCount) {}

  /** Rows in, one probability per row out; not thread-safe (owned by one predictor). */
  private static final class RowsTranslator implements NoBatchifyTranslator<Batch, double[]> {
    private final SavedModelSignature signature;
    private ByteBuffer scratch = ByteBuffer.allocateDirect(0);
    private int rowCount;

    RowsTranslator(SavedModelSignature signature) {
      this.signature = signature;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Batch batch) {
      rowCount = batch.rowCount();
      int floats = rowCount * signature.width(); // at most rows.length, checked by predict
      int bytes = Math.multiplyExact(floats, Float.BYTES);
      if (scratch.capacity() < bytes) {
        scratch = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
      }
      scratch.clear();
      scratch.asFloatBuffer().put(batch.rows(), 0, floats);
      scratch.limit(bytes);
      // ctx's manager is per call: DJL closes it, and the tensor, when the call ends.
      NDArray x = ctx.getNDManager().create(scratch,
          new Shape(batch.rowCount(), signature.width()), DataType.FLOAT32);
      x.setName(signature.input());
      return new NDList(x);
    }

    @Override
    public double[] processOutput(TranslatorContext ctx, NDList list) {
      if (list.size() <= signature.outputIndex()) {
        throw new IllegalStateException("the model returned " + list.size()
            + " outputs, expected output '" + signature.output() + "'");
      }
      NDArray y = list.get(signature.outputIndex());
      long n = rowCount;
      Shape shape = y.getShape();
      boolean ok = shape.size() == n
          && (shape.dimension() == 1 || shape.dimension() == 2 && shape.get(1) == 1);
      if (!ok || shape.get(0) != n) {
        throw new IllegalStateException("output '" + signature.output() + "' has shape " + shape
            + ", expected (" + n + ", 1)");
      }
      if (y.getDataType() == DataType.FLOAT64) {
        return y.toDoubleArray();
      }
      if (y.getDataType() != DataType.FLOAT32) {
        throw new IllegalStateException("output '" + signature.output() + "' is "
            + y.getDataType() + ", expected float32 or float64");
      }
      float[] f = y.toFloatArray();
      double[] p = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        p[i] = f[i];
      }
      return p;
    }
  }

  @Override
  public String toString() {
    return description + " (signature '" + signature.key() + "', " + signature.input() + "["
        + signature.width() + "] -> " + signature.output() + ")";
  }
}
