package pe.agriscore.engine.pt;

import java.io.IOException;
import java.util.Locale;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.ModelFiles;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.engine.internal.DenseNetwork;
import pe.agriscore.engine.pt.TorchScriptArchive.Unsupported;

/**
 * The JVM fast path: serves a TorchScript model with a plain-Java {@link DenseNetwork} once it
 * has been shown to give libtorch's results.
 *
 * <p>At load, with {@value PyTorchEngine#FAST_PATH} {@code auto} (the default) or {@code on}, the
 * network is read from the loaded module ({@link TorchScriptNetwork#read}) and {@value #CHECK_ROWS}
 * rows (the load probe's rows, then seeded random rows: standard normal, wide, and 0/1 values,
 * like encoded one-hot columns) are scored by libtorch and by the network; it serves only if every
 * probability agrees within {@value #TOLERANCE} (absolute; for a {@code logit} output, on the
 * sigmoid of both). Otherwise libtorch serves and one log line says why: INFO when the network
 * uses something the fast path does not implement, WARN when it disagrees. With {@code on}
 * either case refuses the model instead; {@code off} never reads the network.
 *
 * <p>Why {@value #TOLERANCE} holds for a network read right: libtorch computes in float32, whose
 * rounding is about 6e-8 relative per operation, and the network in double from the same float32
 * weights; on 100,000 random rows of the reference MLP the largest measured difference is 5.7e-7.
 * Where libtorch's own float32 rounding exceeds the tolerance (seen on a 12-64-64 MLP with large
 * inputs), the check fails and libtorch serves.
 */
final class FastPath {

  private static final Logger LOG = LoggerFactory.getLogger(FastPath.class);

  /** The largest absolute difference in probability the check accepts. */
  static final double TOLERANCE = 1e-6;

  /** Rows the check scores both ways (the probe's three rows are the first). */
  static final int CHECK_ROWS = 4096;

  private static final int CHECK_BATCH = 256;

  /** The option's values. */
  enum Mode {
    AUTO, ON, OFF;

    static Mode parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new EngineException("engine option '" + PyTorchEngine.FAST_PATH
            + "' must be auto, on or off, got '" + value + "'");
      }
    }
  }

  private FastPath() {}

  /**
   * The model that serves {@code files}: the fast path if {@code mode} allows and the check
   * passes (then the native model is closed), otherwise {@code nativeModel}.
   *
   * @throws pe.agriscore.scoring.BundleException with {@code on}, naming the file, if the network
   *     is not supported or disagrees
   */
  static ScoringModel choose(TorchScriptModel nativeModel, ModelFiles files, byte[] archive,
      Mode mode) {
    if (mode == Mode.OFF) {
      nativeModel.servedBy("libtorch (fast path off)");
      return nativeModel;
    }
    DenseNetwork network;
    try {
      network = TorchScriptNetwork.read(TorchScriptArchive.read(archive), nativeModel.parameters(),
          files.inputWidth());
    } catch (Unsupported | IOException e) {
      return fallBack(nativeModel, files, mode, "the network uses " + e.getMessage()
          + ", which the fast path does not implement", false);
    }
    boolean logit = files.outputKind() == ModelFiles.OutputKind.LOGIT;
    float[] rows = checkRows(files.inputWidth());
    double worst = 0;
    for (int start = 0; start < CHECK_ROWS; start += CHECK_BATCH) {
      float[] batch = java.util.Arrays.copyOfRange(rows, start * files.inputWidth(),
          (start + CHECK_BATCH) * files.inputWidth());
      double[] expected = nativeModel.predict(batch, CHECK_BATCH);
      double[] actual = network.predict(batch, CHECK_BATCH);
      for (int r = 0; r < CHECK_BATCH; r++) {
        double e = logit ? sigmoid(expected[r]) : expected[r];
        double a = logit ? sigmoid(actual[r]) : actual[r];
        double diff = Math.abs(e - a);
        if (!(diff <= TOLERANCE)) {
          return fallBack(nativeModel, files, mode, String.format(Locale.ROOT,
              "the fast path (%s) gives %.9g where libtorch gives %.9g for check row %d, more"
                  + " than %s apart", network.description(), a, e, start + r, TOLERANCE), true);
        }
        worst = Math.max(worst, diff);
      }
    }
    String how = String.format(Locale.ROOT, "the JVM fast path (%s; double precision, %s;"
        + " agrees with libtorch on %d rows, largest difference %.2g <= %s)",
        network.description(), network.kernel(), CHECK_ROWS, worst, TOLERANCE);
    LOG.info("{}: served by {}", files.description(), how);
    nativeModel.close();
    return new Model(network, files.inputWidth(), files.description() + ", served by " + how);
  }

  private static ScoringModel fallBack(TorchScriptModel nativeModel, ModelFiles files,
      Mode mode, String why, boolean disagrees) {
    if (mode == Mode.ON) {
      nativeModel.close();
      throw files.refusal(PyTorchEngine.FAST_PATH + " is on but " + why);
    }
    if (disagrees) {
      LOG.warn("{}: served by libtorch: {}", files.description(), why);
    } else {
      LOG.info("{}: served by libtorch: {}", files.description(), why);
    }
    nativeModel.servedBy("libtorch (" + why + ")");
    return nativeModel;
  }

  /** The check's rows: the probe's (0, +1, -1), then seeded random ones. */
  static float[] checkRows(int width) {
    float[] rows = new float[CHECK_ROWS * width];
    float[] probe = {0f, 1f, -1f};
    SplittableRandom random = new SplittableRandom(20261202L);
    for (int r = 0; r < CHECK_ROWS; r++) {
      for (int c = 0; c < width; c++) {
        float v;
        if (r < probe.length) {
          v = probe[r];
        } else {
          v = switch (r % 4) {
            case 0 -> (float) (random.nextGaussian() * 3);
            case 1 -> random.nextBoolean() ? 1f : 0f;
            default -> (float) random.nextGaussian();
          };
        }
        rows[r * width + c] = v;
      }
    }
    return rows;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /** The fast path as a model: no native memory, nothing to free. */
  private record Model(DenseNetwork network, int inputWidth, String description)
      implements ScoringModel {

    @Override
    public double[] predict(float[] rows, int rowCount) {
      return network.predict(rows, rowCount);
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return description;
    }
  }
}
