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
  public void sum(double[] w, int out, double[] x, int[] idx, int n, double[] dst, int off) {
    int j = 0;
    // Up to four vectors of outputs at a time: independent additions, as in the scalar kernel.
    for (; j + 4 * LANES <= out; j += 4 * LANES) {
      DoubleVector s0 = DoubleVector.zero(SPECIES);
      DoubleVector s1 = s0;
      DoubleVector s2 = s0;
      DoubleVector s3 = s0;
      for (int k = 0; k < n; k++) {
        int i = idx[k];
        double xi = x[i];
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
      for (int k = 0; k < n; k++) {
        int i = idx[k];
        double xi = x[i];
        int o = i * out + j;
        s0 = s0.add(DoubleVector.fromArray(SPECIES, w, o).mul(xi));
        s1 = s1.add(DoubleVector.fromArray(SPECIES, w, o + LANES).mul(xi));
      }
      s0.intoArray(dst, off + j);
      s1.intoArray(dst, off + j + LANES);
    }
    for (; j + LANES <= out; j += LANES) {
      DoubleVector s0 = DoubleVector.zero(SPECIES);
      for (int k = 0; k < n; k++) {
        int i = idx[k];
        s0 = s0.add(DoubleVector.fromArray(SPECIES, w, i * out + j).mul(x[i]));
      }
      s0.intoArray(dst, off + j);
    }
    DenseNetwork.ScalarKernel.sumFrom(j, w, out, x, idx, n, dst, off);
  }

  @Override
  public void add(double[] dst, int dstOff, double[] src, int srcOff, int n) {
    int j = 0;
    for (; j + LANES <= n; j += LANES) {
      DoubleVector.fromArray(SPECIES, dst, dstOff + j)
          .add(DoubleVector.fromArray(SPECIES, src, srcOff + j))
          .intoArray(dst, dstOff + j);
    }
    DenseNetwork.ScalarKernel.addFrom(j, dst, dstOff, src, srcOff, n);
  }

  @Override
  public void relu(double[] a, int n) {
    int j = 0;
    for (; j + LANES <= n; j += LANES) {
      // Exactly a < 0 ? 0 : a: -0 and NaN are not below zero, so they stay.
      DoubleVector v = DoubleVector.fromArray(SPECIES, a, j);
      v.blend(0.0, v.lt(0.0)).intoArray(a, j);
    }
    DenseNetwork.ScalarKernel.reluFrom(j, a, n);
  }

  @Override
  public boolean differs(float[] rows, int a, int b, int n) {
    // Scalar: FloatVector.reinterpretAsInts and the mask's anyTrue are not always intrinsified
    // in JDK 17 (profiled: a ByteBuffer per comparison), and a block is only 8 floats.
    return DenseNetwork.ScalarKernel.differsFrom(0, rows, a, b, n);
  }

  @Override
  public String toString() {
    return "Vector API, " + LANES + " doubles per vector";
  }
}
