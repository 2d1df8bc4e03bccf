package pe.agriscore.engine.internal;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DenseNetwork}'s dense layers with the Java Vector API (incubating in Java 17): one
 * output per lane, so each output is summed in the scalar kernel's order, product rounded then
 * sum (the API's {@code mul} and {@code add}, never {@code fma}), and the two give the same bits.
 * Loaded only when {@code jdk.incubator.vector} is enabled ({@code --add-modules
 * jdk.incubator.vector}); {@code DenseNetwork} checks that before it touches this class.
 */
final class VectorKernel implements DenseNetwork.Kernel {

  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  @Override
  public void sum(double[] w, int out, double[] x, int from, int to, boolean skipZeros,
      double[] dst, int off) {
    int j = 0;
    // Up to four vectors of outputs at a time: independent additions, as in the scalar kernel.
    for (; j + 4 * LANES <= out; j += 4 * LANES) {
      DoubleVector s0 = DoubleVector.zero(SPECIES);
      DoubleVector s1 = s0;
      DoubleVector s2 = s0;
      DoubleVector s3 = s0;
      for (int i = from; i < to; i++) {
        double xi = x[i];
        if (skipZeros && xi == 0) {
          continue;
        }
        int o = i * out + j;
        s0 = s0.add(DoubleVector.fromArray(SPECIES, w, o).mul(xi));
        s1 = s1.add(DoubleVector.fromArray(SPECIES, w, o + LANES).mul(xi));
        s2 = s2.add(DoubleVector.fromArray(SPECIES, w, o + 2 * LANES).mul(xi));
        s3 = s3.add(DoubleVector.fromArray(SPECIES, w, o + 3 * LANES).mul(xi));
      }
      s0.intoArray(dst, off + j);
      s1.intoArray(dst, off + j + LANES);
      s2.intoArray(dst, off + j + 2 * LANES);
      s3.intoArray(dst, off + j + 3 * LANES);
    }
    for (; j + 2 * LANES <= out; j += 2 * LANES) {
      DoubleVector s0 = DoubleVector.zero(SPECIES);
      DoubleVector s1 = s0;
      for (int i = from; i < to; i++) {
        double xi = x[i];
        if (skipZeros && xi == 0) {
          continue;
        }
        int o = i * out + j;
        s0 = s0.add(DoubleVector.fromArray(SPECIES, w, o).mul(xi));
        s1 = s1.add(DoubleVector.fromArray(SPECIES, w, o + LANES).mul(xi));
      }
      s0.intoArray(dst, off + j);
      s1.intoArray(dst, off + j + LANES);
    }
    for (; j + LANES <= out; j += LANES) {
      DoubleVector s0 = DoubleVector.zero(SPECIES);
      for (int i = from; i < to; i++) {
        double xi = x[i];
        if (!(skipZeros && xi == 0)) {
          s0 = s0.add(DoubleVector.fromArray(SPECIES, w, i * out + j).mul(xi));
        }
      }
      s0.intoArray(dst, off + j);
    }
    DenseNetwork.ScalarKernel.sumFrom(j, w, out, x, from, to, skipZeros, dst, off);
  }

  @Override
  public void add(double[] dst, double[] src, int off, int n) {
    int j = 0;
    for (; j + LANES <= n; j += LANES) {
      DoubleVector.fromArray(SPECIES, dst, j).add(DoubleVector.fromArray(SPECIES, src, off + j))
          .intoArray(dst, j);
    }
    for (; j < n; j++) {
      dst[j] += src[off + j];
    }
  }

  @Override
  public String toString() {
    return "Vector API, " + LANES + " doubles per vector";
  }
}
