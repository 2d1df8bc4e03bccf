package pe.agriscore.engine.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.ModelFiles;
import pe.agriscore.engine.ScoringModel;

/**
 * The engines' JVM fast path, engine-neutral: the choice between a native model and a {@link
 * DenseNetwork} read from the same model file, and the check that decides it. Each engine reads
 * its own format ({@link NetworkReader}); the rules here are the same for all of them. Not a
 * public API: exported only to the engine modules.
 *
 * <pre>{@code
 * ScoringModel serving = FastPaths.choose(FastPaths.Engine.of("libtorch", "pytorch.fast_path"),
 *     nativeModel, files, FastPaths.Mode.parse("pytorch.fast_path", value),
 *     () -> TorchScriptNetwork.read(...));
 * }</pre>
 *
 * <p>With {@link Mode#AUTO} (the default) or {@link Mode#ON}, the network is read and {@value
 * #CHECK_ROWS} rows (the engines' load probe rows 0, +1 and -1, then seeded random rows: standard
 * normal, wide, and 0/1 values, like encoded one-hot columns) are scored by the native model and
 * by the network; the network serves only if every probability agrees within {@value #TOLERANCE}
 * (absolute; for a {@code logit} output, on the sigmoid of both), and the native model is then
 * closed. Otherwise the native model serves and one log line says why: INFO when the network uses
 * something the fast path does not implement, WARN when it disagrees or the reader fails. With
 * {@code on} any of these refuses the model instead; {@link Mode#OFF} never reads the network.
 * Which path serves is in the returned model's {@code toString()}.
 */
public final class FastPaths {

  private static final Logger LOG = LoggerFactory.getLogger(FastPaths.class);

  /** The largest absolute difference in probability the check accepts. */
  public static final double TOLERANCE = 1e-6;

  /** Rows the check scores both ways (the probe's three rows are the first). */
  public static final int CHECK_ROWS = 4096;

  private static final int CHECK_BATCH = 256;

  private FastPaths() {}

  /** The option's values. */
  public enum Mode {
    /** The fast path serves if it implements the network and agrees; else the native engine. */
    AUTO,
    /** The fast path serves, or the model is refused. */
    ON,
    /** The native engine serves; the network is never read. */
    OFF;

    /**
     * The mode {@code value} names, case-insensitively.
     *
     * @throws EngineException naming {@code option} if it is not auto, on or off
     */
    public static Mode parse(String option, String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new EngineException("engine option '" + option + "' must be auto, on or off, got '"
            + value + "'");
      }
    }
  }

  /**
   * The engine as messages name it and the option that forces a path.
   *
   * @param name the native engine, e.g. {@code libtorch}, {@code TensorFlow}
   * @param option the option key, e.g. {@code pytorch.fast_path}
   */
  public record Engine(String name, String option) {
    /** The engine {@code name}, forced by {@code option}. */
    public static Engine of(String name, String option) {
      return new Engine(name, option);
    }
  }

  /** Thrown by a reader when the network uses something the fast path does not implement. */
  public static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param what what is not implemented, read after "the network uses", e.g. {@code the op
     *     'p' (Softmax)}
     */
    public Unsupported(String what) {
      super(what);
    }
  }

  /** Reads the model's network, from the model itself. */
  @FunctionalInterface
  public interface NetworkReader {
    /**
     * The network.
     *
     * @throws Unsupported naming the first thing the fast path does not implement
     */
    DenseNetwork read() throws Unsupported;
  }

  /**
   * The model that serves {@code files}: the fast path if {@code mode} allows and the check
   * passes (the native model is then closed), otherwise {@code nativeModel}, described as served
   * by {@code engine} and why.
   *
   * @throws pe.agriscore.scoring.BundleException with {@code on}, naming the file, if the network
   *     is not supported or disagrees (the native model is then closed)
   */
  public static ScoringModel choose(Engine engine, ScoringModel nativeModel, ModelFiles files,
      Mode mode, NetworkReader reader) {
    if (mode == Mode.OFF) {
      return new Native(nativeModel, nativeModel + ", served by " + engine.name()
          + " (fast path off)");
    }
    DenseNetwork network;
    try {
      network = reader.read();
    } catch (Unsupported e) {
      return fallBack(engine, nativeModel, files, mode, "the network uses " + e.getMessage()
          + ", which the fast path does not implement", false);
    } catch (RuntimeException e) {
      // The native engine serves this model; a reader's failure must not take that away.
      return fallBack(engine, nativeModel, files, mode, "the fast path could not read the"
          + " network: " + e, true);
    }
    Optional<String> disagreement;
    double[] worst = {0};
    try {
      disagreement = compare(engine, nativeModel, network, files, worst);
    } catch (RuntimeException e) {
      nativeModel.close();
      throw e;
    }
    if (disagreement.isPresent()) {
      return fallBack(engine, nativeModel, files, mode, disagreement.get(), true);
    }
    String how = String.format(Locale.ROOT, "the JVM fast path (%s; double precision, %s;"
        + " agrees with %s on %d rows, largest difference %.2g <= %s)", network.description(),
        network.kernel(), engine.name(), CHECK_ROWS, worst[0], TOLERANCE);
    LOG.info("{}: served by {}", files.description(), how);
    nativeModel.close();
    return new Fast(network, files.inputWidth(), files.description() + ", served by " + how);
  }

  /** The first check row on which the two disagree, said in a sentence; worst[0] the largest. */
  private static Optional<String> compare(Engine engine, ScoringModel nativeModel,
      DenseNetwork network, ModelFiles files, double[] worst) {
    int width = files.inputWidth();
    boolean logit = files.outputKind() == ModelFiles.OutputKind.LOGIT;
    float[] rows = checkRows(width);
    for (int start = 0; start < CHECK_ROWS; start += CHECK_BATCH) {
      float[] batch = Arrays.copyOfRange(rows, start * width, (start + CHECK_BATCH) * width);
      double[] expected = nativeModel.predict(batch, CHECK_BATCH);
      double[] actual = network.predict(batch, CHECK_BATCH);
      for (int r = 0; r < CHECK_BATCH; r++) {
        double e = logit ? sigmoid(expected[r]) : expected[r];
        double a = logit ? sigmoid(actual[r]) : actual[r];
        double diff = Math.abs(e - a);
        if (!(diff <= TOLERANCE)) {
          return Optional.of(String.format(Locale.ROOT, "the fast path (%s) gives %.9g where %s"
              + " gives %.9g for check row %d, more than %s apart", network.description(), a,
              engine.name(), e, start + r, TOLERANCE));
        }
        worst[0] = Math.max(worst[0], diff);
      }
    }
    return Optional.empty();
  }

  private static ScoringModel fallBack(Engine engine, ScoringModel nativeModel, ModelFiles files,
      Mode mode, String why, boolean disagrees) {
    if (mode == Mode.ON) {
      nativeModel.close();
      throw files.refusal(engine.option() + " is on but " + why);
    }
    if (disagrees) {
      LOG.warn("{}: served by {}: {}", files.description(), engine.name(), why);
    } else {
      LOG.info("{}: served by {}: {}", files.description(), engine.name(), why);
    }
    return new Native(nativeModel, nativeModel + ", served by " + engine.name() + " (" + why
        + ")");
  }

  /** The check's rows: the probe's (0, +1, -1), then seeded random ones. */
  public static float[] checkRows(int width) {
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
  private record Fast(DenseNetwork network, int inputWidth, String description)
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

  /** The native model, saying which path serves and why. */
  private record Native(ScoringModel model, String description) implements ScoringModel {

    @Override
    public int inputWidth() {
      return model.inputWidth();
    }

    @Override
    public double[] predict(float[] rows, int rowCount) {
      return model.predict(rows, rowCount);
    }

    @Override
    public Optional<double[]> logOddsCoefficients() {
      return model.logOddsCoefficients();
    }

    @Override
    public void close() {
      model.close();
    }

    @Override
    public String toString() {
      return description;
    }
  }
}
