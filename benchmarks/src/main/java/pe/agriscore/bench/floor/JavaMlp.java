package pe.agriscore.bench.floor;

import java.util.List;

/**
 * The reference MLP's forward pass in plain Java over its own weights ({@link MlpWeights}):
 * float32 multiply-adds, ReLU, sigmoid. No engine call can be faster, so it is the floor the
 * engines are set against. Allocation-free per call except the returned array; thread-safe.
 *
 * <pre>{@code
 * JavaMlp mlp = new JavaMlp(MlpWeights.fromTorchScript(model));
 * double pd = mlp.predict(row, 0);
 * }</pre>
 */
public final class JavaMlp {

  private final MlpWeights.Layer[] layers;
  private final int maxWidth;
  private final ThreadLocal<float[][]> scratch;

  /** Compiles the weights. */
  public JavaMlp(MlpWeights weights) {
    List<MlpWeights.Layer> list = weights.layers();
    this.layers = list.toArray(new MlpWeights.Layer[0]);
    int max = weights.width();
    for (MlpWeights.Layer l : list) {
      max = Math.max(max, l.out());
    }
    this.maxWidth = max;
    this.scratch = ThreadLocal.withInitial(() -> new float[][] {new float[maxWidth],
        new float[maxWidth]});
  }

  /** Floats per row. */
  public int width() {
    return layers[0].in();
  }

  /** The probability of the row starting at {@code rows[offset]}. */
  public double predict(float[] rows, int offset) {
    float[][] buffers = scratch.get();
    float[] in = buffers[0];
    float[] out = buffers[1];
    System.arraycopy(rows, offset, in, 0, width());
    for (int l = 0; l < layers.length; l++) {
      MlpWeights.Layer layer = layers[l];
      float[] w = layer.weights();
      float[] b = layer.bias();
      int n = layer.in();
      boolean last = l == layers.length - 1;
      for (int j = 0; j < layer.out(); j++) {
        float z = b[j];
        int base = j * n;
        for (int i = 0; i < n; i++) {
          z += w[base + i] * in[i];
        }
        out[j] = last || z > 0 ? z : 0;
      }
      float[] t = in;
      in = out;
      out = t;
    }
    return 1 / (1 + Math.exp(-in[0]));
  }

  /** One probability per row of {@code rowCount} row-major rows. */
  public double[] predictAll(float[] rows, int rowCount) {
    double[] p = new double[rowCount];
    for (int r = 0; r < rowCount; r++) {
      p[r] = predict(rows, r * width());
    }
    return p;
  }
}
