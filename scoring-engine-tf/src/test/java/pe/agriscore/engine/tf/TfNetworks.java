package pe.agriscore.engine.tf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;
import pe.agriscore.engine.EngineOptions;

/**
 * SavedModels for the JVM fast path's tests, built with the org.tensorflow graph API as the
 * training pipeline builds its own: each {@link Kind} is a network over {@value #WIDTH} inputs
 * with seeded weights as variables, exported with one signature {@code features -> probability}.
 * The expected results of the tests come from TensorFlow scoring these graphs, never from the
 * fast path.
 */
final class TfNetworks {

  /** The width of TestBundles' encoded schema. */
  static final int WIDTH = 11;

  /** The graphs. */
  enum Kind {
    /**
     * Every supported op: MatMul + BiasAdd, batch norm as Mul/Add of {@code gamma * rsqrt(var +
     * eps)} and {@code beta - mean * scale} (variables, folded by TensorFlow), LeakyRelu(0.05),
     * Identity (dropout), MatMul + AddV2, Tanh, MatMul + Add, Relu, StopGradient, MatMul + Sub,
     * Sigmoid, MatMul + BiasAdd, Sigmoid.
     */
    DENSE_OPS(true),
    /** {@code concat([x, relu(x W1 + b1)], 1)}, then a dense layer and a sigmoid. */
    CONCAT_INPUT_FIRST(true),
    /** {@code concat([relu(x W1 + b1), x], 1)}, then a dense layer and a sigmoid. */
    CONCAT_INPUT_LAST(true),
    /** A dense layer without bias, a per-feature shift after ReLU, a scalar scale. */
    BARE_MATMUL(true),
    /** Two logits, a Softmax, and the second column sliced out: not implemented. */
    SOFTMAX(false),
    /** {@code relu(x W1 + b1) + x W2}: an Add of two values, not implemented. */
    RESIDUAL(false),
    /**
     * Implemented ops with cancelling weights of 1e4: float32 rounding in TensorFlow moves the
     * probability by about 1e-4, so the fast path, in double, disagrees.
     */
    CANCELLING(false);

    /** Whether the fast path implements and reproduces it. */
    final boolean fast;

    Kind(boolean fast) {
      this.fast = fast;
    }
  }

  private TfNetworks() {}

  /** Exports {@code kind} into a new directory under {@code parent}. */
  static Path export(Path parent, Kind kind) throws IOException {
    TensorFlowNatives.ensureLoaded(EngineOptions.defaults());
    Path dir = Files.createTempDirectory(parent, kind.name().toLowerCase() + "-");
    Files.delete(dir);
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.withName("features").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, WIDTH)));
      Operand<TFloat32> p = new Builder(tf, graph, new Random(kind.ordinal() + 1L)).network(kind,
          x);
      session.initialize();
      SavedModelBundle.exporter(dir.toString())
          .withSession(session)
          .withSignature(Signature.builder(TensorFlowEngine.DEFAULT_SIGNATURE)
              .input("features", x).output("probability", p).build())
          .export();
    }
    return dir;
  }

  /** A sealed bundle of TestBundles' schema around a new export of {@code kind}. */
  static Path bundle(Path parent, Kind kind) throws IOException {
    Path savedModel = export(parent, kind);
    return new Mlp(WIDTH, 1).bundle(savedModel, 0)
        .writeTo(parent.resolve("bundle-" + kind.name().toLowerCase()));
  }

  private record Builder(Ops tf, Graph graph, Random random) {

    Operand<TFloat32> network(Kind kind, Operand<TFloat32> x) {
      return switch (kind) {
        case DENSE_OPS -> {
          Operand<TFloat32> h = tf.nn.biasAdd(tf.linalg.matMul(x, weights(WIDTH, 24)),
              vector(24, 0.3));
          h = batchNorm(h, 24);
          h = tf.nn.leakyRelu(h, LeakyRelu.alpha(0.05f));
          h = tf.identity(h);
          h = tf.math.tanh(addV2(tf.linalg.matMul(h, weights(24, 16)), vector(16, 0.2)));
          h = tf.nn.relu(tf.math.add(tf.linalg.matMul(h, weights(16, 8)), vector(8, 0.2)));
          h = tf.stopGradient(h);
          h = tf.math.sigmoid(tf.math.sub(tf.linalg.matMul(h, weights(8, 4)), vector(4, 0.2)));
          yield tf.math.sigmoid(tf.nn.biasAdd(tf.linalg.matMul(h, weights(4, 1)),
              vector(1, 0.2)));
        }
        case CONCAT_INPUT_FIRST, CONCAT_INPUT_LAST -> {
          Operand<TFloat32> h = dense(x, WIDTH, 6);
          List<Operand<TFloat32>> parts = kind == Kind.CONCAT_INPUT_FIRST ? List.of(x, h)
              : List.of(h, x);
          Operand<TFloat32> joined = tf.concat(parts, tf.constant(1));
          yield tf.math.sigmoid(tf.math.add(tf.linalg.matMul(joined, weights(WIDTH + 6, 1)),
              vector(1, 0.2)));
        }
        case BARE_MATMUL -> {
          Operand<TFloat32> h = tf.nn.relu(tf.linalg.matMul(x, weights(WIDTH, 5)));
          h = tf.math.add(h, vector(5, 0.5));
          h = tf.math.mul(h, tf.variable(tf.constant(0.75f)));
          yield tf.math.sigmoid(tf.linalg.matMul(h, weights(5, 1)));
        }
        case SOFTMAX -> {
          Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(dense(x, WIDTH, 4),
              weights(4, 2)), vector(2, 0.2));
          yield tf.slice(tf.nn.softmax(logits), tf.constant(new int[] {0, 1}),
              tf.constant(new int[] {-1, 1}));
        }
        case RESIDUAL -> {
          Operand<TFloat32> h = tf.math.add(dense(x, WIDTH, 4), tf.linalg.matMul(x,
              weights(WIDTH, 4)));
          yield tf.math.sigmoid(tf.linalg.matMul(h, weights(4, 1)));
        }
        case CANCELLING -> {
          float[][] w = new float[WIDTH][2];
          for (int i = 0; i < WIDTH; i++) {
            w[i][0] = 1e4f + i;
            w[i][1] = 1e4f + i;
          }
          Operand<TFloat32> h = tf.math.add(tf.linalg.matMul(x, tf.variable(tf.constant(w))),
              tf.variable(tf.constant(new float[] {1e4f, 1e4f + 0.0123f})));
          yield tf.math.sigmoid(tf.linalg.matMul(h,
              tf.variable(tf.constant(new float[][] {{-1f}, {1f}}))));
        }
      };
    }

    /** {@code relu(x W + b)}. */
    private Operand<TFloat32> dense(Operand<TFloat32> x, int in, int out) {
      return tf.nn.relu(tf.math.add(tf.linalg.matMul(x, weights(in, out)), vector(out, 0.2)));
    }

    /** Batch normalisation in inference as Keras-free graphs compute it. */
    private Operand<TFloat32> batchNorm(Operand<TFloat32> h, int n) {
      Operand<TFloat32> gamma = vector(n, 0.5, 1);
      Operand<TFloat32> beta = vector(n, 0.3);
      Operand<TFloat32> mean = vector(n, 0.8);
      Operand<TFloat32> spread = vector(n, 1);
      Operand<TFloat32> variance = tf.math.mul(spread, spread); // >= 0
      Operand<TFloat32> scale = tf.math.mul(gamma,
          tf.math.rsqrt(tf.math.add(variance, tf.constant(1e-3f))));
      return tf.math.add(tf.math.mul(h, scale), tf.math.sub(beta, tf.math.mul(mean, scale)));
    }

    private Operand<TFloat32> addV2(Operand<TFloat32> a, Operand<TFloat32> b) {
      return graph.opBuilder("AddV2", "add_v2_" + random.nextInt(1 << 20), tf.scope())
          .addInput(a.asOutput()).addInput(b.asOutput()).build().output(0);
    }

    /** A variable kernel {@code [in, out]}, Glorot-like scale. */
    private Operand<TFloat32> weights(int in, int out) {
      float[][] w = new float[in][out];
      double scale = Math.sqrt(2.0 / (in + out));
      for (float[] row : w) {
        for (int j = 0; j < out; j++) {
          row[j] = (float) (random.nextGaussian() * scale * 1.5);
        }
      }
      return tf.variable(tf.constant(w));
    }

    private Operand<TFloat32> vector(int n, double scale) {
      return vector(n, scale, 0);
    }

    private Operand<TFloat32> vector(int n, double scale, double offset) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) (offset + random.nextGaussian() * scale);
      }
      return tf.variable(tf.constant(v));
    }
  }
}
