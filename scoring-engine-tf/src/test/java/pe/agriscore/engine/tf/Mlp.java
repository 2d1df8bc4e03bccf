package pe.agriscore.engine.tf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;

/**
 * A small MLP (width -> hidden ReLU -> 1 sigmoid) with weights stated here, exported as a
 * SavedModel with the org.tensorflow graph API, and the same network evaluated in plain Java:
 * the independent reference the engine's results are checked against.
 */
final class Mlp {

  static final int HIDDEN = 8;

  final int width;
  final float[][] w1;
  final float[] b1;
  final float[][] w2;
  final float[] b2;

  /** Weights drawn from a fixed seed, so every run and every check uses the same network. */
  Mlp(int width, long seed) {
    this.width = width;
    Random rnd = new Random(seed);
    w1 = new float[width][HIDDEN];
    b1 = new float[HIDDEN];
    w2 = new float[HIDDEN][1];
    b2 = new float[] {-1.5f};
    for (float[] row : w1) {
      for (int j = 0; j < HIDDEN; j++) {
        row[j] = (float) (rnd.nextGaussian() * 0.6);
      }
    }
    for (int j = 0; j < HIDDEN; j++) {
      b1[j] = (float) (rnd.nextGaussian() * 0.1);
      w2[j][0] = (float) (rnd.nextGaussian() * 0.8);
    }
  }

  /** The probability of default for one encoded row, in double precision. */
  double forward(float[] x, int offset) {
    return 1 / (1 + Math.exp(-logOdds(x, offset)));
  }

  /** The log-odds of default for one encoded row, in double precision. */
  double logOdds(float[] x, int offset) {
    double z = b2[0];
    for (int j = 0; j < HIDDEN; j++) {
      double h = b1[j];
      for (int i = 0; i < width; i++) {
        h += (double) x[offset + i] * w1[i][j];
      }
      z += Math.max(0, h) * w2[j][0];
    }
    return z;
  }

  double forward(ScoringRequest request) {
    return forward(encoder().encode(request), 0);
  }

  static Encoder encoder() {
    return Encoder.compile(TestBundles.schema(), TestBundles.standardPreprocessing());
  }

  /**
   * A random request the schema accepts. TestBundles draws drought_index from a Gaussian, which
   * leaves the schema's [-4, 4] about once in 16,000 draws: such draws are redrawn.
   */
  static ScoringRequest validRequest(Random rnd, String id) {
    while (true) {
      ScoringRequest r = TestBundles.randomRequest(rnd, id);
      double drought = ((Number) r.values().get("drought_index")).doubleValue();
      if (drought >= -4 && drought <= 4) {
        return r;
      }
    }
  }

  /** {@code n} valid requests, deterministic for a seed, ids {@code PE-0}, {@code PE-1}... */
  static List<ScoringRequest> validRequests(long seed, int n) {
    Random rnd = new Random(seed);
    List<ScoringRequest> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(validRequest(rnd, "PE-" + i));
    }
    return list;
  }

  /** How the exported graph deviates from the plain network, to provoke failures. */
  enum Variant {
    /** The network as stated. */
    PLAIN,
    /** Fails in TensorFlow (CheckNumerics) when an input is NaN. */
    CHECK_NUMERICS,
    /** Returns every probability twice: 2n rows for n, under a static shape of [-1, 1]. */
    DOUBLED_ROWS,
    /** Returns the probabilities as float64, shape [-1] (a flattened output). */
    FLOAT64_VECTOR
  }

  /**
   * Exports the network as a SavedModel: a float placeholder {@code [-1, width]}, weights as
   * variables (saved under {@code variables/}), one signature with input {@code features} and
   * output {@code probability}.
   */
  void exportTo(Path dir, String signatureKey, Variant variant) throws IOException {
    TensorFlowNatives.ensureLoaded(EngineOptions.defaults());
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.withName("features").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, width)));
      Operand<TFloat32> in = variant == Variant.CHECK_NUMERICS
          ? tf.debugging.checkNumerics(x, "features must be finite") : x;
      Operand<TFloat32> hidden = tf.nn.relu(tf.math.add(
          tf.linalg.matMul(in, tf.variable(tf.constant(w1))), tf.variable(tf.constant(b1))));
      Operand<TFloat32> p = tf.math.sigmoid(tf.math.add(
          tf.linalg.matMul(hidden, tf.variable(tf.constant(w2))), tf.variable(tf.constant(b2))));
      if (variant == Variant.DOUBLED_ROWS) {
        p = tf.concat(List.of(p, p), tf.constant(0));
      }
      Operand<?> out = variant == Variant.FLOAT64_VECTOR
          ? tf.dtypes.cast(tf.reshape(p, tf.constant(new int[] {-1})), TFloat64.class) : p;
      session.initialize();
      SavedModelBundle.exporter(dir.toString())
          .withSession(session)
          .withSignature(Signature.builder(signatureKey).input("features", x)
              .output("probability", out).build())
          .export();
    }
  }

  /** Exports the plain network with the default signature into a new directory under parent. */
  Path export(Path parent) throws IOException {
    return export(parent, TensorFlowEngine.DEFAULT_SIGNATURE, Variant.PLAIN);
  }

  /** Exports into a new directory under parent. */
  Path export(Path parent, String signatureKey, Variant variant) throws IOException {
    Path dir = Files.createTempDirectory(parent, "savedmodel-");
    Files.delete(dir);
    exportTo(dir, signatureKey, variant);
    return dir;
  }

  /**
   * A bundle of TestBundles' schema around {@code savedModel}, with {@code goldenCount} golden
   * cases computed by {@link #forward}: add properties, then write it.
   */
  BundleWriter bundle(Path savedModel, int goldenCount) {
    List<GoldenCase> golden = new ArrayList<>();
    for (ScoringRequest r : validRequests(11, goldenCount)) {
      golden.add(new GoldenCase("case-" + r.applicantId(), r, forward(r)));
    }
    return BundleWriter.builder()
        .name("test-mlp").version("1.0.0")
        .engine(TensorFlowEngine.NAME).modelFormat(TensorFlowEngine.FORMAT)
        .model(savedModel, "model/")
        .input("features", encoder().width())
        .output("probability")
        .createdAt(Instant.parse("2026-11-01T00:00:00Z"))
        .schema(TestBundles.schema()).preprocessing(TestBundles.standardPreprocessing())
        .scoreScale(TestBundles.scale()).reference(TestBundles.reference())
        .golden(golden, 1e-5);
  }

  /** A sealed bundle directory {@code parent/name} with the plain network and 8 golden cases. */
  Path writeBundle(Path parent, String name) throws IOException {
    return bundle(export(parent), 8).writeTo(parent.resolve(name));
  }
}
