package pe.agriscore.engine.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A feed-forward network of dense layers and element-wise operations, evaluated in plain Java:
 * the engines' JVM fast path. Each engine module reads its model file into one (the TorchScript
 * module tree, the SavedModel graph) and serves it only after checking it against the native
 * engine. Not a public API: exported only to the engine modules.
 *
 * <pre>{@code
 * DenseNetwork net = DenseNetwork.builder(69)
 *     .dense(32, weights1, bias1).relu()      // weights row-major [out][in]
 *     .dense(1, weights2, bias2).sigmoid()
 *     .build();
 * double[] probabilities = net.predict(rows, rowCount);
 * }</pre>
 *
 * <p><b>Arithmetic.</b> In {@code double}: float32 weights and inputs convert exactly, and each
 * output carries a rounding error far below a native engine's own float32 error (about 1e-7
 * relative per layer), so the two agree to the engines' stated tolerance whenever the network was
 * read right. Sums run in a fixed order, so a row gives the same bits alone, in any batch and on
 * any thread.
 *
 * <p>Immutable and thread-safe.
 */
public final class DenseNetwork {

  private enum Kind { DENSE, BATCH_NORM, RELU, LEAKY_RELU, TANH, SIGMOID, CONCAT_INPUT }

  /**
   * One evaluated step: dense ({@code weights} row-major {@code [out][in]}), batch norm
   * ({@code weights} the scale, {@code bias} the shift), an activation ({@code slope} is
   * LeakyReLU's), or the network's input joined to the values so far ({@code inputFirst}).
   */
  private record Layer(Kind kind, int in, int out, double[] weights, double[] bias,
      double slope, boolean inputFirst) {}

  private final int width;
  private final int maxWidth;
  private final Layer[] layers;
  private final String description;

  private DenseNetwork(int width, List<Layer> layers, String description) {
    this.width = width;
    this.layers = layers.toArray(new Layer[0]);
    int max = width;
    for (Layer l : layers) {
      max = Math.max(max, l.out());
    }
    this.maxWidth = max;
    this.description = description;
  }

  /**
   * A builder of a network taking {@code width} inputs.
   *
   * @throws IllegalArgumentException if {@code width < 1}
   */
  public static Builder builder(int width) {
    if (width < 1) {
      throw new IllegalArgumentException("a network needs at least one input, got " + width);
    }
    return new Builder(width);
  }

  /** Inputs per row. */
  public int width() {
    return width;
  }

  /** The operations in order, e.g. {@code linear(11->32), relu, linear(32->1), sigmoid}. */
  public String description() {
    return description;
  }

  /**
   * Scores {@code count} rows of {@code rows} (row-major, {@link #width} floats each).
   *
   * <p>The first linear layer sums each output in blocks of {@value #BLOCK} inputs and then adds
   * the blocks in order, for every row alike. A row that shares a block's inputs bit for bit with
   * the batch's first row reuses that block's sums instead of recomputing them: the same
   * operations on the same values, so the same bits as scoring the row alone. Reason codes need
   * this: their perturbation rows (one per feature) differ from the applicant's row in a column or
   * two, so most of the first layer, the largest, is computed once per applicant.
   *
   * @return one output per row, the network's last value
   */
  public double[] predict(float[] rows, int count) {
    double[] result = new double[count];
    double[] a = new double[maxWidth];
    double[] b = new double[maxWidth];
    Layer first = layers[0].kind() == Kind.DENSE ? layers[0] : null;
    int blocks = (width + BLOCK - 1) / BLOCK;
    double[] firstRowBlocks = first == null ? null : new double[first.out() * blocks];
    boolean[] shared = new boolean[blocks];
    for (int r = 0; r < count; r++) {
      int base = r * width;
      for (int i = 0; i < width; i++) {
        a[i] = rows[base + i];
      }
      int l = 0;
      if (first != null) {
        for (int k = 0; k < blocks; k++) {
          shared[k] = r > 0 && sameBlock(rows, base, k);
        }
        blocked(first, a, b, BLOCK, firstRowBlocks, shared, r == 0, blocks);
        double[] t = a;
        a = b;
        b = t;
        l = 1;
      }
      for (; l < layers.length; l++) {
        Layer layer = layers[l];
        if (layer.kind() == Kind.DENSE) {
          dense(layer, a, b);
          double[] t = a;
          a = b;
          b = t;
        } else if (layer.kind() == Kind.CONCAT_INPUT) {
          concatInput(layer, rows, base, a, b);
          double[] t = a;
          a = b;
          b = t;
        } else {
          elementwise(layer, a);
        }
      }
      result[r] = a[0];
    }
    return result;
  }

  /** Inputs per block of the first layer's sums. */
  private static final int BLOCK = 8;

  /** Whether row {@code base}'s block {@code k} holds the first row's floats, bit for bit. */
  private boolean sameBlock(float[] rows, int base, int k) {
    for (int i = k * BLOCK, end = Math.min(width, i + BLOCK); i < end; i++) {
      if (Float.floatToRawIntBits(rows[base + i]) != Float.floatToRawIntBits(rows[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * A linear layer: {@code out[j] = bias[j] + block_0 + block_1 + ...}, each block the sum of
   * {@code blockSize} consecutive products in order. The first layer's first row stores its block
   * sums in {@code cache}, later rows take the {@code shared} ones from there; the other layers
   * are one block, never shared. Four outputs at a time, each with its own accumulator: every
   * output's sum keeps its order (so its bits), and the four independent additions hide the
   * latency that one serial sum waits on.
   */
  private static void blocked(Layer l, double[] in, double[] out, int blockSize, double[] cache,
      boolean[] shared, boolean store, int blocks) {
    double[] w = l.weights();
    double[] bias = l.bias();
    int n = l.in();
    int j = 0;
    for (; j + 4 <= l.out(); j += 4) {
      int r0 = j * n;
      int r1 = r0 + n;
      int r2 = r1 + n;
      int r3 = r2 + n;
      double s0 = bias[j];
      double s1 = bias[j + 1];
      double s2 = bias[j + 2];
      double s3 = bias[j + 3];
      for (int k = 0; k < blocks; k++) {
        int c0 = j * blocks + k;
        int c1 = c0 + blocks;
        int c2 = c1 + blocks;
        int c3 = c2 + blocks;
        double b0;
        double b1;
        double b2;
        double b3;
        if (shared[k]) {
          b0 = cache[c0];
          b1 = cache[c1];
          b2 = cache[c2];
          b3 = cache[c3];
        } else {
          b0 = 0;
          b1 = 0;
          b2 = 0;
          b3 = 0;
          for (int i = k * blockSize, end = Math.min(n, i + blockSize); i < end; i++) {
            double x = in[i];
            b0 += w[r0 + i] * x;
            b1 += w[r1 + i] * x;
            b2 += w[r2 + i] * x;
            b3 += w[r3 + i] * x;
          }
          if (store) {
            cache[c0] = b0;
            cache[c1] = b1;
            cache[c2] = b2;
            cache[c3] = b3;
          }
        }
        s0 += b0;
        s1 += b1;
        s2 += b2;
        s3 += b3;
      }
      out[j] = s0;
      out[j + 1] = s1;
      out[j + 2] = s2;
      out[j + 3] = s3;
    }
    for (int row = j * n; j < l.out(); j++, row += n) {
      double s = bias[j];
      for (int k = 0; k < blocks; k++) {
        double block;
        if (shared[k]) {
          block = cache[j * blocks + k];
        } else {
          block = 0;
          for (int i = k * blockSize, end = Math.min(n, i + blockSize); i < end; i++) {
            block += w[row + i] * in[i];
          }
          if (store) {
            cache[j * blocks + k] = block;
          }
        }
        s += block;
      }
      out[j] = s;
    }
  }

  /** A layer after the first: one block of all its inputs. */
  private static void dense(Layer l, double[] in, double[] out) {
    blocked(l, in, out, l.in(), null, NOT_SHARED, false, 1);
  }

  private static final boolean[] NOT_SHARED = {false};

  /** {@code out} = the row's inputs and the {@code l.in()} values of {@code a}, in either order. */
  private void concatInput(Layer l, float[] rows, int base, double[] a, double[] out) {
    int inputAt = l.inputFirst() ? 0 : l.in();
    int valuesAt = l.inputFirst() ? width : 0;
    for (int i = 0; i < width; i++) {
      out[inputAt + i] = rows[base + i];
    }
    System.arraycopy(a, 0, out, valuesAt, l.in());
  }

  private static void elementwise(Layer l, double[] a) {
    int n = l.in();
    switch (l.kind()) {
      case BATCH_NORM -> {
        for (int i = 0; i < n; i++) {
          a[i] = a[i] * l.weights()[i] + l.bias()[i];
        }
      }
      case RELU -> {
        for (int i = 0; i < n; i++) {
          a[i] = a[i] < 0 ? 0 : a[i];
        }
      }
      case LEAKY_RELU -> {
        for (int i = 0; i < n; i++) {
          a[i] = a[i] < 0 ? a[i] * l.slope() : a[i];
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          a[i] = Math.tanh(a[i]);
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          a[i] = 1 / (1 + Math.exp(-a[i]));
        }
      }
      default -> throw new IllegalStateException(l.kind().name());
    }
  }

  @Override
  public String toString() {
    return description;
  }

  /**
   * Builds a network step by step from its input; each step checks its sizes against the values
   * the steps before it give, and {@link #build} that one value is left.
   */
  public static final class Builder {
    private final int width;
    private final List<Layer> layers = new ArrayList<>();
    private final List<String> ops = new ArrayList<>();
    private int values;

    private Builder(int width) {
      this.width = width;
      this.values = width;
    }

    /** Values the steps so far give (the input width before any step). */
    public int values() {
      return values;
    }

    /**
     * A dense layer {@code y = W x + b}.
     *
     * @param out outputs
     * @param weights row-major {@code [out][in]}: output {@code j}'s weights are contiguous
     * @param bias {@code out} biases
     * @throws IllegalArgumentException if the sizes do not fit the values so far
     */
    public Builder dense(int out, double[] weights, double[] bias) {
      if (out < 1 || weights.length != (long) out * values || bias.length != out) {
        throw new IllegalArgumentException("a linear layer of " + weights.length + " weights and "
            + bias.length + " biases does not map " + values + " values to " + out);
      }
      return add(new Layer(Kind.DENSE, values, out, weights.clone(), bias.clone(), 0, false),
          "linear(" + values + "->" + out + ")");
    }

    /**
     * Batch normalisation in inference mode, {@code y = (x - mean) / sqrt(var + eps) * gamma +
     * beta} per value, folded into one scale and shift as the engines' inference kernels do.
     *
     * @throws IllegalArgumentException if an array's length is not the values so far
     */
    public Builder batchNorm(double[] gamma, double[] beta, double[] mean, double[] variance,
        double epsilon) {
      int w = values;
      if (gamma.length != w || beta.length != w || mean.length != w || variance.length != w) {
        throw new IllegalArgumentException("a batch norm of " + gamma.length + " features after "
            + w + " values");
      }
      double[] scale = new double[w];
      double[] shift = new double[w];
      for (int i = 0; i < w; i++) {
        scale[i] = gamma[i] / Math.sqrt(variance[i] + epsilon);
        shift[i] = beta[i] - mean[i] * scale[i];
      }
      return add(new Layer(Kind.BATCH_NORM, w, w, scale, shift, 0, false), "batch_norm");
    }

    /** {@code max(x, 0)}. */
    public Builder relu() {
      return activation(Kind.RELU, 0, "relu");
    }

    /** {@code x < 0 ? slope * x : x}. */
    public Builder leakyRelu(double slope) {
      return activation(Kind.LEAKY_RELU, slope, "leaky_relu(" + slope + ")");
    }

    /** {@code tanh(x)}. */
    public Builder tanh() {
      return activation(Kind.TANH, 0, "tanh");
    }

    /** {@code 1 / (1 + exp(-x))}. */
    public Builder sigmoid() {
      return activation(Kind.SIGMOID, 0, "sigmoid");
    }

    /**
     * Joins the network's input to the values so far: {@code [input, values]} if {@code
     * inputFirst}, else {@code [values, input]} (a wide-and-deep or skip connection).
     */
    public Builder concatInput(boolean inputFirst) {
      return add(new Layer(Kind.CONCAT_INPUT, values, values + width, null, null, 0, inputFirst),
          inputFirst ? "concat(input, " + values + ")" : "concat(" + values + ", input)");
    }

    /**
     * The network.
     *
     * @throws IllegalArgumentException if it has no dense layer or does not end in one value
     */
    public DenseNetwork build() {
      if (layers.stream().noneMatch(l -> l.kind() == Kind.DENSE)) {
        throw new IllegalArgumentException("a network without a linear layer");
      }
      if (values != 1) {
        throw new IllegalArgumentException("a network ending in " + values + " values, not one");
      }
      return new DenseNetwork(width, layers, String.join(", ", ops));
    }

    private Builder activation(Kind kind, double slope, String op) {
      return add(new Layer(kind, values, values, null, null, slope, false), op);
    }

    private Builder add(Layer layer, String op) {
      layers.add(layer);
      ops.add(op);
      values = layer.out();
      return this;
    }

    @Override
    public String toString() {
      return "DenseNetwork.Builder[" + String.join(", ", ops) + "; " + values + " values]";
    }
  }
}
