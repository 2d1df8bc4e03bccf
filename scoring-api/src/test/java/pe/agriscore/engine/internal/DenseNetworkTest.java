package pe.agriscore.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The fast path's arithmetic against a reference written from {@link DenseNetwork#predict}'s
 * stated summation order (row-major weights, no skipped zeros, no reuse, one row at a time): the
 * network must give the same bits with either kernel, alone, in batches and for perturbation
 * rows. Bit equality, not a tolerance: the promise is that reuse and skipping change nothing.
 */
class DenseNetworkTest {

  private static final int ROWS = 100_000;

  @Test
  void referenceMlpGivesTheReferenceBitsWithBothKernelsOn100000RandomRows() {
    Net net = referenceMlp(new SplittableRandom(1));
    assertBitsOnRandomRows(net, ROWS, 2);
  }

  @Test
  void everyOperationAndOddSizesGiveTheReferenceBits() {
    SplittableRandom random = new SplittableRandom(3);
    Net net = new Net(13, random)
        .dense(37).leakyRelu(0.01).batchNorm().concatInput(false)
        .dense(5).tanh().concatInput(true).dense(1);
    assertBitsOnRandomRows(net, 20_000, 4);
    Net normFirst = new Net(11, random).batchNorm().dense(9).relu().dense(1).sigmoid();
    assertBitsOnRandomRows(normFirst, 20_000, 5);
  }

  @Test
  void perturbationRowsGiveTheBitsTheyGiveAlone() {
    Net net = referenceMlp(new SplittableRandom(6));
    SplittableRandom random = new SplittableRandom(7);
    for (DenseNetwork network : kernels(net)) {
      for (int applicant = 0; applicant < 500; applicant++) {
        float[] row = randomRows(random, 1, net.width);
        // The applicant, itself again, then one or two columns changed (a feature at its
        // baseline), at every position so that one block or two change.
        int count = 2 + net.width;
        float[] batch = new float[count * net.width];
        for (int r = 0; r < count; r++) {
          System.arraycopy(row, 0, batch, r * net.width, net.width);
        }
        for (int c = 0; c < net.width; c++) {
          int at = (2 + c) * net.width;
          batch[at + c] = row[c] == 0 ? 1 : 0;
          if (c + 1 < net.width && c % 3 == 0) {
            batch[at + c + 1] = (float) random.nextGaussian();
          }
        }
        double[] together = network.predict(batch, count);
        for (int r = 0; r < count; r++) {
          float[] alone = Arrays.copyOfRange(batch, r * net.width, (r + 1) * net.width);
          assertEquals(bits(net.reference(alone, 0)), bits(together[r]), "row " + r);
          assertEquals(bits(network.predict(alone, 1)[0]), bits(together[r]), "row " + r);
        }
      }
    }
  }

  @Test
  void theVectorKernelServesWhenTheModuleIsEnabledAndThePropertyForcesScalar() {
    // The build's surefire enables jdk.incubator.vector for this module's tests.
    Net net = referenceMlp(new SplittableRandom(8));
    List<DenseNetwork> both = kernels(net);
    assertTrue(both.get(0).kernel().startsWith("Vector API, "), both.get(0).kernel());
    assertEquals("scalar (agriscore.fast_path.kernel=scalar)", both.get(1).kernel());
    System.setProperty(DenseNetwork.KERNEL_PROPERTY, "simd");
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, net::build);
      assertEquals("agriscore.fast_path.kernel must be auto or scalar, got 'simd'",
          e.getMessage());
    } finally {
      System.clearProperty(DenseNetwork.KERNEL_PROPERTY);
    }
  }

  @Test
  void aZeroInputIsNotSkippedWhenItsWeightIsNotFinite() {
    // inf * 0 is NaN: the engines propagate it, so the fast path must too.
    for (double weight : new double[] {Double.POSITIVE_INFINITY, Double.NaN}) {
      for (int width : new int[] {2, 40}) {
        double[] weights = new double[8 * width];
        weights[0] = weight;
        DenseNetwork.Builder b = DenseNetwork.builder(width)
            .dense(8, weights, new double[8]).relu().dense(1, new double[8], new double[1]);
        float[] rows = new float[2 * width];
        rows[width + 1] = 1;
        for (String kernel : new String[] {"auto", "scalar"}) {
          System.setProperty(DenseNetwork.KERNEL_PROPERTY, kernel);
          try {
            double[] out = b.build().predict(rows, 2);
            assertTrue(Double.isNaN(out[0]) && Double.isNaN(out[1]),
                kernel + " " + Arrays.toString(out));
          } finally {
            System.clearProperty(DenseNetwork.KERNEL_PROPERTY);
          }
        }
      }
    }
  }

  /** 69 inputs, 32 and 16 hidden units with ReLU, a sigmoid: the reference MLP's shape. */
  private static Net referenceMlp(SplittableRandom random) {
    return new Net(69, random).dense(32).relu().dense(16).relu().dense(1).sigmoid();
  }

  /**
   * Scores {@code rows} random rows with both kernels, in batches of varying size (whose first
   * row is another's copy with a few columns changed, as reason codes send) and one at a time,
   * against the reference.
   */
  private static void assertBitsOnRandomRows(Net net, int rows, long seed) {
    float[] data = randomRows(new SplittableRandom(seed), rows, net.width);
    SplittableRandom sizes = new SplittableRandom(seed + 100);
    for (int r = 1; r < rows; r++) {
      if (sizes.nextInt(3) == 0) {
        // A near copy of the previous row: blocks shared within a batch.
        System.arraycopy(data, (r - 1) * net.width, data, r * net.width, net.width);
        data[r * net.width + sizes.nextInt(net.width)] = (float) sizes.nextGaussian();
      }
    }
    long[] expected = new long[rows];
    for (int r = 0; r < rows; r++) {
      expected[r] = bits(net.reference(data, r));
    }
    for (DenseNetwork network : kernels(net)) {
      for (int start = 0; start < rows; ) {
        int count = Math.min(rows - start, 1 + sizes.nextInt(64));
        float[] batch = Arrays.copyOfRange(data, start * net.width, (start + count) * net.width);
        double[] out = network.predict(batch, count);
        for (int r = 0; r < count; r++) {
          if (bits(out[r]) != expected[start + r]) {
            assertEquals(Double.longBitsToDouble(expected[start + r]), out[r],
                network.kernel() + ": row " + (start + r) + " in a batch of " + count);
          }
        }
        start += count;
      }
    }
  }

  /** The network with the Vector API kernel (auto) and with the scalar one. */
  private static List<DenseNetwork> kernels(Net net) {
    DenseNetwork vector = net.build();
    System.setProperty(DenseNetwork.KERNEL_PROPERTY, "scalar");
    try {
      return List.of(vector, net.build());
    } finally {
      System.clearProperty(DenseNetwork.KERNEL_PROPERTY);
    }
  }

  /**
   * Rows like encoded applicants: normal, wide normal, one-hot 0/1, exact zeros and -0, and the
   * occasional large value.
   */
  private static float[] randomRows(SplittableRandom random, int rows, int width) {
    float[] data = new float[rows * width];
    for (int i = 0; i < data.length; i++) {
      data[i] = switch (random.nextInt(6)) {
        case 0 -> (float) random.nextGaussian();
        case 1 -> (float) (random.nextGaussian() * 3);
        case 2 -> random.nextBoolean() ? 1f : 0f;
        case 3 -> 0f;
        case 4 -> random.nextInt(50) == 0 ? -0f : (float) (random.nextGaussian() * 1e4);
        default -> random.nextBoolean() ? 1f : 0f;
      };
    }
    return data;
  }

  private static long bits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  /** The network under test and, step by step, the reference evaluation of the same weights. */
  private static final class Net {
    final int width;
    final SplittableRandom random;
    final DenseNetwork.Builder builder;
    /** Steps: each maps the values so far (and the row, for concatenation) to the next. */
    final List<Step> steps = new ArrayList<>();
    int values;

    interface Step {
      double[] apply(double[] values, double[] input);
    }

    Net(int width, SplittableRandom random) {
      this.width = width;
      this.random = random;
      this.builder = DenseNetwork.builder(width);
      this.values = width;
    }

    Net dense(int out) {
      int in = values;
      double scale = 1 / Math.sqrt(in);
      double[] w = new double[out * in];
      double[] b = new double[out];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (random.nextGaussian() * scale);
      }
      for (int j = 0; j < out; j++) {
        b[j] = (float) (random.nextGaussian() * 0.1);
      }
      builder.dense(out, w, b);
      boolean blocked = steps.isEmpty();
      steps.add((x, input) -> {
        double[] y = new double[out];
        for (int j = 0; j < out; j++) {
          if (blocked) {
            // The first layer: the bias, then each block of 8 inputs' sum, in order.
            double s = b[j];
            for (int k = 0; k < in; k += 8) {
              double block = 0;
              for (int i = k; i < Math.min(in, k + 8); i++) {
                block += w[j * in + i] * x[i];
              }
              s += block;
            }
            y[j] = s;
          } else {
            double sum = 0;
            for (int i = 0; i < in; i++) {
              sum += w[j * in + i] * x[i];
            }
            y[j] = b[j] + sum;
          }
        }
        return y;
      });
      values = out;
      return this;
    }

    Net relu() {
      builder.relu();
      return elementwise(v -> v < 0 ? 0 : v);
    }

    Net leakyRelu(double slope) {
      builder.leakyRelu(slope);
      return elementwise(v -> v < 0 ? v * slope : v);
    }

    Net tanh() {
      builder.tanh();
      return elementwise(Math::tanh);
    }

    Net sigmoid() {
      builder.sigmoid();
      return elementwise(v -> 1 / (1 + Math.exp(-v)));
    }

    Net batchNorm() {
      int n = values;
      double[][] p = new double[4][n];
      for (int i = 0; i < n; i++) {
        p[0][i] = (float) (1 + random.nextGaussian() * 0.2);
        p[1][i] = (float) (random.nextGaussian() * 0.1);
        p[2][i] = (float) random.nextGaussian();
        p[3][i] = (float) (0.5 + random.nextDouble());
      }
      builder.batchNorm(p[0], p[1], p[2], p[3], 1e-5);
      steps.add((x, input) -> {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
          double scale = p[0][i] / Math.sqrt(p[3][i] + 1e-5);
          y[i] = x[i] * scale + (p[1][i] - p[2][i] * scale);
        }
        return y;
      });
      return this;
    }

    Net concatInput(boolean inputFirst) {
      builder.concatInput(inputFirst);
      int n = values;
      steps.add((x, input) -> {
        double[] y = new double[n + width];
        System.arraycopy(input, 0, y, inputFirst ? 0 : n, width);
        System.arraycopy(x, 0, y, inputFirst ? width : 0, n);
        return y;
      });
      values = n + width;
      return this;
    }

    private Net elementwise(UnaryOperator<Double> f) {
      steps.add((x, input) -> {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          y[i] = f.apply(x[i]);
        }
        return y;
      });
      return this;
    }

    DenseNetwork build() {
      return builder.build();
    }

    /** Row {@code r} of {@code rows} through the reference steps. */
    double reference(float[] rows, int r) {
      double[] input = new double[width];
      for (int i = 0; i < width; i++) {
        input[i] = rows[r * width + i];
      }
      double[] x = input;
      for (Step step : steps) {
        x = step.apply(x, input);
      }
      return x[0];
    }
  }
}
