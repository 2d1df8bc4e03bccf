package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import pe.agriscore.CreditScorer;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.engine.internal.FastPaths;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.ScoringRequest;

/**
 * The JVM fast path serves exactly the SavedModel graphs it implements, agreeing with TensorFlow
 * within {@link FastPaths#TOLERANCE}; anything else is left to TensorFlow. The expected values
 * come from TensorFlow scoring the same bundle with the fast path off, never from the fast path.
 */
class FastPathTest {

  /** The reference TensorFlow bundle the training pipeline commits. */
  private static final Path REFERENCE = Path.of(System.getProperty("agriscore.repo.root"),
      "samples", "models", "farmer-mlp-tf");

  @TempDir Path tmp;

  private static EngineOptions mode(String mode) {
    return EngineOptions.builder().set(TensorFlowEngine.FAST_PATH, mode).build();
  }

  private static ScoringModel load(ModelBundle bundle, String mode) {
    return Engines.load(new TensorFlowEngine(), bundle, mode(mode));
  }

  /** Rows unlike the load check's: another seed, uniform and wide values, exact zeros. */
  private static float[] rows(int count, int width, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[count * width];
    for (int i = 0; i < x.length; i++) {
      x[i] = switch (i % 5) {
        case 0 -> random.nextBoolean() ? 1f : 0f;
        case 1 -> (float) random.nextDouble(-4, 4);
        case 2 -> 0f;
        default -> (float) (random.nextGaussian() * (1 + (i / width) % 3));
      };
    }
    return x;
  }

  /** Fast and TensorFlow agree within the tolerance; each row alone gives the batch's bits. */
  private static void assertAgree(ScoringModel fast, ScoringModel native_, float[] x, int n) {
    int width = fast.inputWidth();
    double[] f = fast.predict(x, n);
    double[] t = native_.predict(x, n);
    for (int r = 0; r < n; r++) {
      assertEquals(t[r], f[r], FastPaths.TOLERANCE, "row " + r);
      float[] one = Arrays.copyOfRange(x, r * width, (r + 1) * width);
      assertEquals(Double.doubleToLongBits(f[r]),
          Double.doubleToLongBits(fast.predict(one, 1)[0]), "row " + r + " alone");
    }
  }

  @ParameterizedTest
  @EnumSource(value = TfNetworks.Kind.class, names = {"DENSE_OPS", "CONCAT_INPUT_FIRST",
      "CONCAT_INPUT_LAST", "BARE_MATMUL"})
  void everySupportedGraphServesOnTheFastPathAsTensorFlowComputesIt(TfNetworks.Kind kind)
      throws Exception {
    try (ModelBundle bundle = ModelBundle.open(TfNetworks.bundle(tmp, kind));
        ScoringModel fast = load(bundle, "on");
        ScoringModel tensorflow = load(bundle, "off")) {
      assertTrue(fast.toString().contains(", served by the JVM fast path ("), fast.toString());
      assertTrue(fast.toString().contains("agrees with TensorFlow on 4096 rows"),
          fast.toString());
      assertTrue(tensorflow.toString().contains(", served by TensorFlow (fast path off)"),
          tensorflow.toString());
      String ops = switch (kind) {
        case DENSE_OPS -> "linear(11->24), batch_norm, leaky_relu(0.05000000074505806),"
            + " linear(24->16), tanh, linear(16->8), relu, linear(8->4), batch_norm, sigmoid,"
            + " linear(4->1), sigmoid;";
        case CONCAT_INPUT_FIRST -> "linear(11->6), relu, concat(input, 6), linear(17->1),"
            + " sigmoid;";
        case CONCAT_INPUT_LAST -> "linear(11->6), relu, concat(6, input), linear(17->1),"
            + " sigmoid;";
        default -> "linear(11->5), relu, batch_norm, batch_norm, linear(5->1), sigmoid;";
      };
      assertTrue(fast.toString().contains("(" + ops), fast.toString());
      assertAgree(fast, tensorflow, rows(2000, TfNetworks.WIDTH, kind.ordinal()), 2000);
    }
  }

  @ParameterizedTest
  @EnumSource(value = TfNetworks.Kind.class, names = {"SOFTMAX", "RESIDUAL"})
  void anUnsupportedGraphIsLeftToTensorFlowAndRefusedWhenTheFastPathIsForced(
      TfNetworks.Kind kind) throws Exception {
    try (ModelBundle bundle = ModelBundle.open(TfNetworks.bundle(tmp, kind));
        ScoringModel auto = load(bundle, "auto");
        ScoringModel tensorflow = load(bundle, "off")) {
      String op = kind == TfNetworks.Kind.SOFTMAX ? "(Slice)" : "(Add) of two values";
      assertTrue(auto.toString().contains(", served by TensorFlow (the network uses the op '"),
          auto.toString());
      assertTrue(auto.toString().contains(op + ", which the fast path does not implement)"),
          auto.toString());
      float[] x = rows(300, TfNetworks.WIDTH, 3);
      double[] a = auto.predict(x, 300);
      double[] t = tensorflow.predict(x, 300);
      for (int r = 0; r < 300; r++) {
        assertEquals(Double.doubleToLongBits(t[r]), Double.doubleToLongBits(a[r]), "row " + r);
      }
      BundleException e = assertThrows(BundleException.class, () -> load(bundle, "on"));
      assertTrue(e.getMessage().contains("model/"), e.getMessage());
      assertTrue(e.getMessage().contains("tensorflow.fast_path is on but the network uses the op"),
          e.getMessage());
    }
  }

  @Test
  void aGraphWhoseFloat32RoundingExceedsTheToleranceIsLeftToTensorFlow() throws Exception {
    try (ModelBundle bundle = ModelBundle.open(TfNetworks.bundle(tmp,
        TfNetworks.Kind.CANCELLING)); ScoringModel auto = load(bundle, "auto")) {
      assertTrue(auto.toString().contains(", served by TensorFlow (the fast path (linear(11->2),"
          + " linear(2->1), sigmoid) gives "), auto.toString());
      assertTrue(auto.toString().contains(" where TensorFlow gives "), auto.toString());
      assertTrue(auto.toString().endsWith(", more than 1.0E-6 apart)"), auto.toString());
      BundleException e = assertThrows(BundleException.class, () -> load(bundle, "on"));
      assertTrue(e.getMessage().contains("tensorflow.fast_path is on but the fast path ("),
          e.getMessage());
    }
  }

  @Test
  void theReferenceBundleAgreesWithTensorFlowOn100000RandomRows() throws Exception {
    try (ModelBundle bundle = ModelBundle.open(REFERENCE);
        ScoringModel fast = load(bundle, "on");
        ScoringModel tensorflow = load(bundle, "off")) {
      assertTrue(fast.toString().contains("served by the JVM fast path (linear(69->"),
          fast.toString());
      int width = fast.inputWidth();
      int batch = 1000;
      double worst = 0;
      for (int start = 0; start < 100_000; start += batch) {
        float[] x = rows(batch, width, start);
        double[] f = fast.predict(x, batch);
        double[] t = tensorflow.predict(x, batch);
        for (int r = 0; r < batch; r++) {
          worst = Math.max(worst, Math.abs(f[r] - t[r]));
          assertEquals(t[r], f[r], FastPaths.TOLERANCE, "row " + (start + r));
        }
      }
      System.out.println("farmer-mlp-tf, 100000 random rows: largest |fast - TensorFlow| = "
          + worst);
    }
  }

  /** CreditScorer reproduces the bundle's golden cases at open, here through the fast path. */
  @Test
  void theReferenceBundleOpensOnTheFastPathWithItsGoldenCases() {
    try (CreditScorer scorer = CreditScorer.builder(REFERENCE).engineOptions(mode("on"))
        .build()) {
      assertTrue(scorer.toString().length() > 0);
    }
  }

  @Test
  void eightThreadsGetTheBitsOneThreadGets() throws Exception {
    try (ModelBundle bundle = ModelBundle.open(REFERENCE); ScoringModel fast = load(bundle, "on")) {
      int width = fast.inputWidth();
      int n = 64;
      float[] x = rows(n, width, 99);
      double[] expected = fast.predict(x, n);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int offset = t;
          results.add(pool.submit(() -> {
            for (int round = 0; round < 500; round++) {
              int r = (round + offset) % n;
              double[] one = fast.predict(Arrays.copyOfRange(x, r * width, (r + 1) * width), 1);
              double[] all = fast.predict(x, n);
              if (Double.doubleToLongBits(one[0]) != Double.doubleToLongBits(expected[r])
                  || !Arrays.equals(all, expected)) {
                return false;
              }
            }
            return true;
          }));
        }
        for (Future<Boolean> f : results) {
          assertTrue(f.get(), "a thread saw other bits");
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void theFastPathOffLeavesEveryCallToTensorFlow() throws Exception {
    try (ModelBundle bundle = ModelBundle.open(REFERENCE); ScoringModel off = load(bundle, "off")) {
      assertTrue(off.toString().endsWith(", served by TensorFlow (fast path off)"),
          off.toString());
      assertFalse(off.toString().contains("JVM fast path"), off.toString());
    }
  }

  @Test
  void anUnknownModeIsRefusedNamingTheOption() throws Exception {
    try (ModelBundle bundle = ModelBundle.open(REFERENCE)) {
      EngineException e = assertThrows(EngineException.class, () -> load(bundle, "fast"));
      assertEquals("engine option 'tensorflow.fast_path' must be auto, on or off, got 'fast'",
          e.getMessage());
    }
  }

  /** Requests scored end to end agree, fast path on and off, through the public API. */
  @Test
  void aScorerOnTheFastPathScoresAsOneOnTensorFlow() throws Exception {
    Path dir = new Mlp(TfNetworks.WIDTH, 42).writeBundle(tmp, "mlp");
    try (CreditScorer fast = CreditScorer.builder(dir).engineOptions(mode("on")).build();
        CreditScorer tensorflow = CreditScorer.builder(dir).engineOptions(mode("off")).build()) {
      for (ScoringRequest r : Mlp.validRequests(5, 200)) {
        assertEquals(tensorflow.score(r).probabilityOfDefault(),
            fast.score(r).probabilityOfDefault(), FastPaths.TOLERANCE, r.applicantId());
      }
    }
  }
}
