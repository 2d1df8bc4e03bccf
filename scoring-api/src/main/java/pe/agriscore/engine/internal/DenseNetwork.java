package pe.agriscore.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
   * The system property that picks the dense layers' kernel: {@code auto} (the default: the
   * Vector API where it is usable, else scalar loops) or {@code scalar}. Read when a network is
   * built, so a test or benchmark can build one of each in one JVM; both give the same bits.
   */
  public static final String KERNEL_PROPERTY = "agriscore.fast_path.kernel";

  /**
   * One evaluated step: dense ({@code weights} transposed, {@code [in][out]}, so one input's
   * weights for consecutive outputs are contiguous; {@code skipZeros} if all are finite), batch
   * norm ({@code weights} the scale, {@code bias} the shift), an activation ({@code slope} is
   * LeakyReLU's), or the network's input joined to the values so far ({@code inputFirst}).
   */
  private record Layer(Kind kind, int in, int out, double[] weights, double[] bias,
      double slope, boolean inputFirst, boolean skipZeros) {}

  private final int width;
  private final int maxWidth;
  private final Layer[] layers;
  private final String description;
  private final Kernel kernel;
  /** The first step if it is a linear layer (summed in blocks), else null. */
  private final Layer first;
  private final int blocks;
  private final ThreadLocal<Scratch> scratch;

  private DenseNetwork(int width, List<Layer> layers, String description, Kernel kernel) {
    this.width = width;
    this.layers = layers.toArray(new Layer[0]);
    int max = width;
    for (Layer l : layers) {
      max = Math.max(max, l.out());
    }
    this.maxWidth = max;
    this.description = description;
    this.kernel = kernel;
    this.first = this.layers[0].kind() == Kind.DENSE ? this.layers[0] : null;
    this.blocks = (width + BLOCK - 1) / BLOCK;
    this.scratch = ThreadLocal.withInitial(this::newScratch);
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
   * The dense layers' kernel, e.g. {@code Vector API, 8 doubles per vector} or {@code scalar
   * (jdk.incubator.vector not enabled)}; see {@link #KERNEL_PROPERTY}.
   */
  public String kernel() {
    return kernel.toString();
  }

  /**
   * Scores {@code count} rows of {@code rows} (row-major, {@link #width} floats each).
   *
   * <p><b>Summation order</b>, the same for every row, kernel and thread, so a row gives the same
   * bits alone, in any batch and on any thread: a linear layer's output {@code j} is {@code
   * bias[j] + sum}, where {@code sum} starts at +0 and adds {@code w[j][i] * x[i]} for {@code i}
   * in order (the product rounded, then the sum; never a fused multiply-add). The first linear
   * layer instead adds to its bias, in order, the sums of its inputs' blocks of {@value #BLOCK},
   * each such a sum. A zero input is skipped when all the layer's weights are finite: its
   * product is a zero, and adding a zero to a sum that started at +0 leaves it unchanged (such a
   * sum is never -0), so skipping changes no bit. The Vector API kernel evaluates several
   * outputs at once, one per lane, each in that order.
   *
   * <p><b>Reuse within a batch.</b> A row whose block of inputs equals the batch's first row's
   * bit for bit reuses that block's sums, and a row equal to the first row reuses its result:
   * the same operations on the same values, so the same bits as scoring the row alone. Reason
   * codes need this: their perturbation rows (one per feature) differ from the applicant's row in
   * a column or two, so most of the first layer, the largest, is computed once per applicant.
   *
   * @return one output per row, the network's last value
   */
  public double[] predict(float[] rows, int count) {
    double[] result = new double[count];
    Scratch s = scratch.get();
    for (int r = 0; r < count; r++) {
      int base = r * width;
      int changedFrom = r == 0 ? 0 : markChanged(rows, base, s.changed);
      result[r] = changedFrom == blocks ? result[0] : evaluate(rows, base, r == 0, changedFrom,
          s);
    }
    return result;
  }

  /** Inputs per block of the first layer's sums. */
  private static final int BLOCK = 8;

  /**
   * Marks the blocks in which row {@code base} differs from the first row, bit for bit, and
   * returns the first such block, or {@link #blocks} if the row equals the first row.
   */
  private int markChanged(float[] rows, int base, boolean[] changed) {
    int firstChanged = blocks;
    for (int k = blocks - 1; k >= 0; k--) {
      int from = k * BLOCK;
      boolean differs = kernel.differs(rows, base + from, from, Math.min(BLOCK, width - from));
      changed[k] = differs;
      firstChanged = differs ? k : firstChanged;
    }
    return firstChanged;
  }

  /**
   * One row's output. The first row of a batch ({@code firstRow}) stores its first layer's block
   * sums and the running sums {@code bias + block_0 + ... + block_(k-1)} in the scratch; a later
   * row starts from the running sum before its first changed block ({@code changedFrom}) and
   * recomputes only the blocks {@link #markChanged} marked: the additions it skips are the first
   * row's, on the same values.
   */
  private double evaluate(float[] rows, int base, boolean firstRow, int changedFrom,
      Scratch s) {
    double[] a;
    double[] b = s.b;
    double[] x = s.x;
    int l = 0;
    if (first == null) {
      for (int i = 0; i < width; i++) {
        x[i] = rows[base + i];
      }
      a = x;
    } else {
      a = s.a;
      int out = first.out();
      double[] w = first.weights();
      double[] prefix = s.prefix;
      if (firstRow) {
        for (int i = 0; i < width; i++) {
          x[i] = rows[base + i];
        }
        System.arraycopy(first.bias(), 0, prefix, 0, out);
        for (int k = 0; k < blocks; k++) {
          int n = inputs(x, k * BLOCK, Math.min(width, k * BLOCK + BLOCK), first.skipZeros(),
              s.inputs);
          kernel.sum(w, out, x, s.inputs, n, s.firstBlocks, k * out);
          System.arraycopy(prefix, k * out, prefix, (k + 1) * out, out);
          kernel.add(prefix, (k + 1) * out, s.firstBlocks, k * out, out);
        }
        System.arraycopy(prefix, blocks * out, a, 0, out);
      } else {
        System.arraycopy(prefix, changedFrom * out, a, 0, out);
        for (int k = changedFrom; k < blocks; k++) {
          if (s.changed[k]) {
            int from = k * BLOCK;
            int to = Math.min(width, from + BLOCK);
            for (int i = from; i < to; i++) {
              x[i] = rows[base + i];
            }
            int n = inputs(x, from, to, first.skipZeros(), s.inputs);
            kernel.sum(w, out, x, s.inputs, n, s.block, 0);
            kernel.add(a, 0, s.block, 0, out);
          } else {
            kernel.add(a, 0, s.firstBlocks, k * out, out);
          }
        }
      }
      l = 1;
    }
    for (; l < layers.length; l++) {
      Layer layer = layers[l];
      if (layer.kind() == Kind.DENSE) {
        int n = inputs(a, 0, layer.in(), layer.skipZeros(), s.inputs);
        kernel.sum(layer.weights(), layer.out(), a, s.inputs, n, b, 0);
        kernel.add(b, 0, layer.bias(), 0, layer.out());
        double[] t = a;
        a = b;
        b = t;
      } else if (layer.kind() == Kind.CONCAT_INPUT) {
        concatInput(layer, rows, base, a, b);
        double[] t = a;
        a = b;
        b = t;
      } else if (layer.kind() == Kind.RELU) {
        kernel.relu(a, layer.in());
      } else {
        elementwise(layer, a);
      }
    }
    return a[0];
  }

  /**
   * Puts into {@code idx} the inputs from {@code from} to {@code to} that a linear layer adds, in
   * order: all of them, or with {@code skipZeros} those that are not zero; returns how many. (A
   * list rather than a test in the kernels' loops: the Vector API's vectors stay in registers
   * only in loops without branches; and no branch here either, zeros come unpredictably.)
   */
  private static int inputs(double[] x, int from, int to, boolean skipZeros, int[] idx) {
    int n = 0;
    for (int i = from; i < to; i++) {
      idx[n] = i;
      n += skipZeros && x[i] == 0 ? 0 : 1;
    }
    return n;
  }

  /** A thread's working arrays, reused across calls: a call allocates only its result. */
  private static final class Scratch {
    /** The row's inputs as doubles; for a later row only its changed blocks are current. */
    final double[] x;
    final double[] a;
    final double[] b;
    /**
     * The first row's running sums of the first layer, {@code [k][out]}: the bias plus blocks
     * {@code 0..k-1}.
     */
    final double[] prefix;
    /** The first row's block sums of the first layer, {@code [block][out]}. */
    final double[] firstBlocks;
    /** One block's sums for a later row. */
    final double[] block;
    /** For the current row: which blocks differ from the first row's. */
    final boolean[] changed;
    /** The inputs a layer adds, see {@link #inputs}. */
    final int[] inputs;

    Scratch(int maxWidth, int firstOut, int blocks) {
      x = new double[maxWidth];
      a = new double[maxWidth];
      b = new double[maxWidth];
      prefix = new double[firstOut * (blocks + 1)];
      firstBlocks = new double[firstOut * blocks];
      block = new double[firstOut];
      changed = new boolean[blocks];
      inputs = new int[maxWidth];
    }
  }

  private Scratch newScratch() {
    return new Scratch(maxWidth, first == null ? 0 : first.out(), blocks);
  }

  /**
   * The arithmetic of the dense layers. Every implementation computes each output in the order
   * {@link #predict} states, so all give the same bits.
   */
  interface Kernel {
    /**
     * {@code dst[off + j] = +0 + w[i0][j] * x[i0] + w[i1][j] * x[i1] + ...} for each of the
     * {@code out} outputs, added in that order, over the inputs {@code i0, i1, ...} listed in
     * the first {@code n} entries of {@code idx}; {@code w} is {@code [in][out]}.
     */
    void sum(double[] w, int out, double[] x, int[] idx, int n, double[] dst, int off);

    /** {@code dst[dstOff + j] += src[srcOff + j]} for {@code j < n}. */
    void add(double[] dst, int dstOff, double[] src, int srcOff, int n);

    /** {@code a[j] = a[j] < 0 ? 0 : a[j]} for {@code j < n} (-0 and NaN stay). */
    void relu(double[] a, int n);

    /** Whether {@code rows[a..a+n)} and {@code rows[b..b+n)} differ in any bit. */
    boolean differs(float[] rows, int a, int b, int n);
  }

  /** Plain loops: four outputs at a time, each with its own accumulator. */
  static final class ScalarKernel implements Kernel {
    private final String why;

    ScalarKernel(String why) {
      this.why = why;
    }

    @Override
    public void sum(double[] w, int out, double[] x, int[] idx, int n, double[] dst, int off) {
      sumFrom(0, w, out, x, idx, n, dst, off);
    }

    /**
     * {@link #sum} for the outputs from {@code j} on. The four independent additions hide the
     * latency that one serial sum waits on; each output's sum keeps its order.
     */
    static void sumFrom(int j, double[] w, int out, double[] x, int[] idx, int n, double[] dst,
        int off) {
      for (; j + 4 <= out; j += 4) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int k = 0; k < n; k++) {
          int i = idx[k];
          double xi = x[i];
          int o = i * out + j;
          s0 += w[o] * xi;
          s1 += w[o + 1] * xi;
          s2 += w[o + 2] * xi;
          s3 += w[o + 3] * xi;
        }
        dst[off + j] = s0;
        dst[off + j + 1] = s1;
        dst[off + j + 2] = s2;
        dst[off + j + 3] = s3;
      }
      for (; j < out; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          int i = idx[k];
          s += w[i * out + j] * x[i];
        }
        dst[off + j] = s;
      }
    }

    @Override
    public void add(double[] dst, int dstOff, double[] src, int srcOff, int n) {
      addFrom(0, dst, dstOff, src, srcOff, n);
    }

    static void addFrom(int j, double[] dst, int dstOff, double[] src, int srcOff, int n) {
      for (; j < n; j++) {
        dst[dstOff + j] += src[srcOff + j];
      }
    }

    @Override
    public void relu(double[] a, int n) {
      reluFrom(0, a, n);
    }

    @Override
    public boolean differs(float[] rows, int a, int b, int n) {
      return differsFrom(0, rows, a, b, n);
    }

    /** Without branches on the data: perturbation rows differ in unpredictable places. */
    static boolean differsFrom(int i, float[] rows, int a, int b, int n) {
      int diff = 0;
      for (; i < n; i++) {
        diff |= Float.floatToRawIntBits(rows[a + i]) ^ Float.floatToRawIntBits(rows[b + i]);
      }
      return diff != 0;
    }

    static void reluFrom(int j, double[] a, int n) {
      for (; j < n; j++) {
        a[j] = a[j] < 0 ? 0 : a[j];
      }
    }

    @Override
    public String toString() {
      return "scalar (" + why + ")";
    }
  }

  /**
   * The Vector API kernel when {@code jdk.incubator.vector} is enabled ({@code --add-modules
   * jdk.incubator.vector}) and {@link #KERNEL_PROPERTY} does not say {@code scalar}; otherwise
   * the scalar one, saying why.
   */
  static Kernel chooseKernel() {
    String choice = System.getProperty(KERNEL_PROPERTY, "auto");
    if (choice.equals("scalar")) {
      return new ScalarKernel(KERNEL_PROPERTY + "=scalar");
    }
    if (!choice.equals("auto")) {
      throw new IllegalArgumentException(KERNEL_PROPERTY + " must be auto or scalar, got '"
          + choice + "'");
    }
    return VectorSupport.KERNEL;
  }

  /** Whether the Vector API can be used, decided once per JVM. */
  private static final class VectorSupport {
    static final Kernel KERNEL = detect();

    private static Kernel detect() {
      Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
      if (vector.isEmpty() || !DenseNetwork.class.getModule().canRead(vector.get())) {
        return new ScalarKernel("jdk.incubator.vector not enabled");
      }
      try {
        return new VectorKernel();
      } catch (LinkageError | RuntimeException e) {
        return new ScalarKernel("the Vector API failed: " + e);
      }
    }
  }

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
      int in = values;
      double[] transposed = new double[weights.length];
      boolean finite = true;
      for (int j = 0; j < out; j++) {
        for (int i = 0; i < in; i++) {
          double w = weights[j * in + i];
          transposed[i * out + j] = w;
          finite &= Double.isFinite(w);
        }
      }
      return add(new Layer(Kind.DENSE, in, out, transposed, bias.clone(), 0, false, finite),
          "linear(" + in + "->" + out + ")");
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
      return add(new Layer(Kind.BATCH_NORM, w, w, scale, shift, 0, false, false), "batch_norm");
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
      return add(new Layer(Kind.CONCAT_INPUT, values, values + width, null, null, 0, inputFirst,
          false),
          inputFirst ? "concat(input, " + values + ")" : "concat(" + values + ", input)");
    }

    /**
     * The network, with the kernel {@link #KERNEL_PROPERTY} picks now.
     *
     * @throws IllegalArgumentException if it has no dense layer or does not end in one value, or
     *     if {@link #KERNEL_PROPERTY} is neither {@code auto} nor {@code scalar}
     */
    public DenseNetwork build() {
      if (layers.stream().noneMatch(l -> l.kind() == Kind.DENSE)) {
        throw new IllegalArgumentException("a network without a linear layer");
      }
      if (values != 1) {
        throw new IllegalArgumentException("a network ending in " + values + " values, not one");
      }
      return new DenseNetwork(width, layers, String.join(", ", ops), chooseKernel());
    }

    private Builder activation(Kind kind, double slope, String op) {
      return add(new Layer(kind, values, values, null, null, slope, false, false), op);
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
