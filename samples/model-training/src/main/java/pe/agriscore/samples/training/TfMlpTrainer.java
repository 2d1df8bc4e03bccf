package pe.agriscore.samples.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import pe.agriscore.samples.data.Auc;

/**
 * Trains a multilayer perceptron for the probability of default with the TensorFlow Java graph
 * API, entirely in the JVM, and exports it as a SavedModel for the {@code tensorflow} engine.
 *
 * <p>The network is {@code width -> hidden[0] -> ... -> 1}, ReLU hidden layers, a sigmoid output,
 * trained on the mean log-loss (computed from the logit in the numerically stable form {@code
 * max(z, 0) - z*y + log(1 + exp(-|z|))}) plus an L2 penalty on the weight matrices, with Adam
 * ({@code ApplyAdam} ops fed by {@code tf.gradients}) on shuffled mini-batches. Training stops
 * when the validation log-loss has not improved for {@code patience} epochs and keeps the best
 * epoch's weights. Initial weights (He-normal) and the batch order come from a seeded {@link
 * Random}, so a run is repeatable on one machine.
 *
 * <p>The export is a fresh inference-only graph: input {@code features} {@code [-1, width]}
 * float32, output {@code probability} {@code [-1, 1]}, signature {@code serving_default}, the
 * weights as variables (no optimiser state).
 *
 * <pre>{@code
 * TfMlpTrainer.Model model = TfMlpTrainer.train(train, validation, MlpSettings.defaults(),
 *     System.out::println);
 * model.exportSavedModel(Path.of("build/mlp-savedmodel"));
 * }</pre>
 *
 * <p>Call the TensorFlow engine's native bootstrap before the first use (the pipeline does).
 */
public final class TfMlpTrainer {

  /** The input tensor and signature input name. */
  public static final String INPUT = "features";

  /** The output tensor and signature output name. */
  public static final String OUTPUT = "probability";

  /** The signature key. */
  public static final String SIGNATURE = "serving_default";

  private TfMlpTrainer() {}

  /**
   * The trained network: the best epoch's weights.
   *
   * @param width input width
   * @param kernels weight matrices, row-major {@code [in][out]}
   * @param biases bias vectors
   * @param bestEpoch the epoch whose weights these are
   * @param history every epoch's losses
   */
  public record Model(int width, List<float[]> kernels, List<float[]> biases, int bestEpoch,
      List<MlpEpoch> history) {

    /**
     * Writes the inference graph as a SavedModel into {@code dir} (created; must not exist or be
     * empty).
     */
    public void exportSavedModel(Path dir) throws IOException {
      Files.createDirectories(dir);
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Placeholder<TFloat32> x = tf.withName(INPUT)
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, width)));
        Operand<TFloat32> h = x;
        // Variables without initial values in the graph, filled once by feeding the trained
        // weights: constants would store every weight a second time in saved_model.pb.
        List<Op> fills = new ArrayList<>();
        List<Placeholder<TFloat32>> sources = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (int l = 0; l < kernels.size(); l++) {
          int in = l == 0 ? width : biases.get(l - 1).length;
          int out = biases.get(l).length;
          Variable<TFloat32> w = tf.withName("dense_" + l + "_kernel")
              .variable(Shape.of(in, out), TFloat32.class);
          Variable<TFloat32> b = tf.withName("dense_" + l + "_bias")
              .variable(Shape.of(out), TFloat32.class);
          for (Variable<TFloat32> v : List.of(w, b)) {
            Placeholder<TFloat32> src = tf.placeholder(TFloat32.class,
                Placeholder.shape(v == w ? Shape.of(in, out) : Shape.of(out)));
            fills.add(tf.assign(v, src));
            sources.add(src);
          }
          values.add(kernels.get(l));
          values.add(biases.get(l));
          Operand<TFloat32> z = tf.nn.biasAdd(tf.linalg.matMul(h, w), b);
          h = l + 1 < kernels.size() ? tf.nn.relu(z) : z;
        }
        Operand<TFloat32> p = tf.withName(OUTPUT).math.sigmoid(h);
        try (Session s = new Session(g)) {
          Session.Runner fill = s.runner();
          List<TFloat32> tensors = new ArrayList<>();
          try {
            for (int i = 0; i < sources.size(); i++) {
              Placeholder<TFloat32> src = sources.get(i);
              TFloat32 t = TFloat32.tensorOf(src.shape(), DataBuffers.of(values.get(i), true,
                  false));
              tensors.add(t);
              fill.feed(src, t);
            }
            fills.forEach(fill::addTarget);
            fill.run();
          } finally {
            tensors.forEach(TFloat32::close);
          }
          SavedModelBundle.exporter(dir.toString())
              .withSession(s)
              .withSignature(Signature.builder(SIGNATURE).input(INPUT, x).output(OUTPUT, p).build())
              .export();
        }
      }
    }
  }

  /**
   * Trains the network.
   *
   * @param progress receives one line per epoch
   */
  public static Model train(EncodedRows train, EncodedRows validation, MlpSettings settings,
      Consumer<String> progress) {
    int width = train.width();
    Random rnd = new Random(settings.seed());
    List<Integer> sizes = new ArrayList<>();
    sizes.add(width);
    sizes.addAll(settings.hidden());
    sizes.add(1);
    ConfigProto config = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(settings.threads())
        .setInterOpParallelismThreads(1)
        .build();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, width)));
      Placeholder<TFloat32> y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
      List<Variable<TFloat32>> kernels = new ArrayList<>();
      List<Variable<TFloat32>> biases = new ArrayList<>();
      Operand<TFloat32> h = x;
      // Sum of squared weights as L2Loss (half the sum): a Sum over Square, or adding to a
      // constant, crashes TensorFlow 2.16's C++ gradient builder (TF_AddGradients).
      Operand<TFloat32> halfSquares = null;
      for (int l = 0; l + 1 < sizes.size(); l++) {
        int in = sizes.get(l);
        int out = sizes.get(l + 1);
        float[] init = new float[in * out];
        // He initialisation for ReLU layers; the output layer starts small.
        double sd = l + 2 < sizes.size() ? Math.sqrt(2.0 / in) : Math.sqrt(1.0 / in) * 0.1;
        for (int i = 0; i < init.length; i++) {
          init[i] = (float) (rnd.nextGaussian() * sd);
        }
        Variable<TFloat32> w =
            tf.variable(tf.constant(Shape.of(in, out), DataBuffers.of(init, true, false)));
        float[] bias = new float[out];
        if (l + 2 == sizes.size()) {
          // Start the output at the training default rate: faster, steadier first epochs.
          double rate = mean(train.y());
          bias[0] = (float) Math.log(rate / (1 - rate));
        }
        Variable<TFloat32> b = tf.variable(tf.constant(bias));
        kernels.add(w);
        biases.add(b);
        Operand<TFloat32> z = tf.nn.biasAdd(tf.linalg.matMul(h, w), b);
        h = l + 2 < sizes.size() ? tf.nn.relu(z) : z;
        halfSquares =
            halfSquares == null ? tf.nn.l2Loss(w) : tf.math.add(halfSquares, tf.nn.l2Loss(w));
      }
      Operand<TFloat32> logit = h;
      Operand<TFloat32> probability = tf.math.sigmoid(logit);
      Operand<TFloat32> logLoss = tf.math.mean(
          tf.math.add(
              tf.math.sub(tf.nn.relu(logit), tf.math.mul(logit, y)),
              tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logit))))),
          tf.constant(new int[] {0, 1}));
      Operand<TFloat32> loss =
          tf.math.add(logLoss, tf.math.mul(tf.constant((float) (2 * settings.l2())), halfSquares));
      List<Variable<TFloat32>> params = new ArrayList<>();
      for (int l = 0; l < kernels.size(); l++) {
        params.add(kernels.get(l));
        params.add(biases.get(l));
      }
      Gradients grads = tf.gradients(loss, params);
      // Adam's bias corrections beta^t are fed each step rather than kept as graph state.
      Placeholder<TFloat32> beta1Power =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TFloat32> beta2Power =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      final double beta1 = 0.9;
      final double beta2 = 0.999;
      List<Op> updates = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        Variable<TFloat32> v = params.get(i);
        Variable<TFloat32> m = tf.variable(tf.zerosLike(v));
        Variable<TFloat32> s = tf.variable(tf.zerosLike(v));
        updates.add(tf.train.applyAdam(v, m, s, beta1Power, beta2Power,
            tf.constant((float) settings.learningRate()), tf.constant((float) beta1),
            tf.constant((float) beta2), tf.constant(1e-7f), grads.<TFloat32>dy(i)));
      }
      Op step = tf.withControlDependencies(updates).noOp();

      try (Session session = new Session(g, config)) {
        session.initialize();
        int n = train.rows();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
          order[i] = i;
        }
        int bs = settings.batchSize();
        float[] bx = new float[bs * width];
        float[] by = new float[bs];
        long t = 0;
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        List<float[]> bestKernels = null;
        List<float[]> bestBiases = null;
        List<MlpEpoch> history = new ArrayList<>();
        long started = System.nanoTime();
        for (int epoch = 1; epoch <= settings.maxEpochs(); epoch++) {
          shuffle(order, rnd);
          double lossSum = 0;
          int batches = 0;
          for (int start = 0; start < n; start += bs) {
            int rows = Math.min(bs, n - start);
            for (int r = 0; r < rows; r++) {
              int src = order[start + r];
              System.arraycopy(train.x(), src * width, bx, r * width, width);
              by[r] = train.y()[src];
            }
            t++;
            try (TFloat32 xt = TFloat32.tensorOf(Shape.of(rows, width),
                    DataBuffers.of(bx, true, false).narrow(rows * (long) width));
                TFloat32 yt = TFloat32.tensorOf(Shape.of(rows, 1),
                    DataBuffers.of(by, true, false).narrow(rows));
                TFloat32 p1 = TFloat32.scalarOf((float) Math.pow(beta1, t));
                TFloat32 p2 = TFloat32.scalarOf((float) Math.pow(beta2, t));
                Result r = session.runner().feed(x, xt).feed(y, yt).feed(beta1Power, p1)
                    .feed(beta2Power, p2).addTarget(step).fetch(logLoss).run()) {
              lossSum += ((TFloat32) r.get(0)).getFloat();
              batches++;
            }
          }
          double[] pd = predict(session, x, probability, validation);
          double valLoss = Metrics.logLoss(pd, validation.y());
          history.add(new MlpEpoch(epoch, lossSum / batches, valLoss));
          boolean improved = valLoss < best - 1e-6;
          if (improved) {
            best = valLoss;
            bestEpoch = epoch;
            bestKernels = read(session, kernels);
            bestBiases = read(session, biases);
          }
          progress.accept(String.format(
              "  tensorflow epoch %2d/%d  train log-loss %.5f  validation log-loss %.5f  AUC %.4f"
                  + "%s  (%.0f s)", epoch, settings.maxEpochs(), lossSum / batches, valLoss,
              Auc.of(pd, validation.y()), improved ? "  *" : "",
              (System.nanoTime() - started) / 1e9));
          if (epoch - bestEpoch >= settings.patience()) {
            progress.accept("  tensorflow: stopping early, best epoch " + bestEpoch);
            break;
          }
        }
        return new Model(width, bestKernels, bestBiases, bestEpoch, history);
      }
    }
  }

  private static double[] predict(Session session, Placeholder<TFloat32> x,
      Operand<TFloat32> probability, EncodedRows rows) {
    try (TFloat32 xt = TFloat32.tensorOf(Shape.of(rows.rows(), rows.width()),
            DataBuffers.of(rows.x(), true, false));
        Result r = session.runner().feed(x, xt).fetch(probability).run()) {
      float[] out = new float[rows.rows()];
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
      double[] pd = new double[out.length];
      for (int i = 0; i < out.length; i++) {
        pd[i] = out[i];
      }
      return pd;
    }
  }

  private static List<float[]> read(Session session, List<Variable<TFloat32>> vars) {
    Session.Runner runner = session.runner();
    for (Variable<TFloat32> v : vars) {
      runner.fetch(v);
    }
    List<float[]> values = new ArrayList<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < vars.size(); i++) {
        TFloat32 t = (TFloat32) r.get(i);
        float[] a = new float[(int) t.size()];
        t.copyTo(DataBuffers.of(a, false, false));
        values.add(a);
      }
    }
    return values;
  }

  private static void shuffle(int[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }

  private static double mean(int[] y) {
    double s = 0;
    for (int v : y) {
      s += v;
    }
    return s / y.length;
  }
}
