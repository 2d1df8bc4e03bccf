package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;

/**
 * The JVM fast path serves exactly the networks it implements, agreeing with libtorch within
 * {@link FastPath#TOLERANCE} and with Python within the fixtures' tolerance; anything else is
 * left to libtorch. The expected probabilities come from Python ({@code
 * make_fast_path_fixtures.py}, {@code make_fixture.py}) or from libtorch, never from the fast path.
 */
class FastPathTest {

  /** The reference PyTorch bundle the training pipeline commits. */
  private static final Path REFERENCE = Path.of(System.getProperty("agriscore.repo.root"),
      "samples", "models", "farmer-mlp-pt");

  @TempDir Path tmp;

  private static EngineOptions mode(String mode) {
    return EngineOptions.builder().set(PyTorchEngine.FAST_PATH, mode).build();
  }

  private static ScoringModel load(ModelBundle bundle, String mode) {
    return Engines.load(new PyTorchEngine(), bundle, mode(mode));
  }

  private static float[] pythonRows(JsonNode fixture) {
    JsonNode rows = fixture.path("rows");
    float[] flat = new float[rows.size() * 11];
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < 11; c++) {
        flat[r * 11 + c] = (float) rows.get(r).get(c).asDouble();
      }
    }
    return flat;
  }

  private static JsonNode fastPathFixture() throws Exception {
    return PtFixtures.JSON.readTree(PtFixtures.fixture("fast_path_expected.json").toFile());
  }

  /** Linear, BatchNorm1d, LeakyReLU, Dropout, Tanh, ReLU, Sigmoid (module and torch.sigmoid). */
  @ParameterizedTest
  @ValueSource(strings = {"dense_ops_traced.pt", "dense_ops_scripted.pt"})
  void everySupportedOperationServesOnTheFastPathAsPythonAndLibtorchComputeIt(String fixture)
      throws Exception {
    assertServesAsPythonAndLibtorch(fixture, "linear(11->24), batch_norm, leaky_relu(0.05),"
        + " linear(24->16), tanh, linear(16->8), relu, linear(8->4), sigmoid, linear(4->1),"
        + " sigmoid;");
  }

  /** {@code torch.cat} of the forward's input and a chain, either order, scripted and traced. */
  @ParameterizedTest
  @ValueSource(strings = {"concat_first_traced.pt", "concat_first_scripted.pt",
      "concat_last_scripted.pt"})
  void aConcatenationOfTheInputServesOnTheFastPathAsPythonAndLibtorchComputeIt(String fixture)
      throws Exception {
    assertServesAsPythonAndLibtorch(fixture, fixture.startsWith("concat_first")
        ? "linear(11->8), relu, concat(input, 8), linear(19->1), sigmoid;"
        : "linear(11->8), tanh, concat(8, input), linear(19->1), sigmoid;");
  }

  /**
   * The fixture serves on the fast path as {@code ops}, giving Python's and libtorch's
   * probabilities for the Python rows, and each row alone the bits it gets in the batch.
   */
  private void assertServesAsPythonAndLibtorch(String fixture, String ops) throws Exception {
    JsonNode expected = fastPathFixture();
    float[] rows = pythonRows(expected);
    int n = rows.length / 11;
    Path dir = PtFixtures.farmerBundle(tmp, fixture, PtFixtures.golden(1));
    try (ModelBundle bundle = ModelBundle.open(dir);
        ScoringModel fast = load(bundle, "on");
        ScoringModel libtorch = load(bundle, "off")) {
      assertTrue(fast.toString().contains("served by the JVM fast path (" + ops),
          fast.toString());
      assertTrue(libtorch.toString().contains("served by libtorch (fast path off)"));
      double[] f = fast.predict(rows, n);
      double[] t = libtorch.predict(rows, n);
      for (int r = 0; r < n; r++) {
        double python = expected.path("probabilities").path(fixture).get(r).asDouble();
        assertEquals(python, f[r], PtFixtures.TOLERANCE, "row " + r + " against Python");
        assertEquals(t[r], f[r], FastPath.TOLERANCE, "row " + r + " against libtorch");
        float[] one = java.util.Arrays.copyOfRange(rows, r * 11, r * 11 + 11);
        assertEquals(Double.doubleToLongBits(f[r]),
            Double.doubleToLongBits(fast.predict(one, 1)[0]), "row " + r + " alone");
      }
    }
  }

  /** The farmer MLP of make_fixture.py: scripted with an {@code if} on an attribute, and traced. */
  @ParameterizedTest
  @ValueSource(strings = {PtFixtures.SCRIPTED, PtFixtures.TRACED})
  void theFarmerMlpServesOnTheFastPathAsPythonComputedIt(String fixture) throws Exception {
    Path dir = PtFixtures.farmerBundle(tmp, fixture, PtFixtures.golden(1));
    try (ModelBundle bundle = ModelBundle.open(dir); ScoringModel fast = load(bundle, "auto")) {
      assertTrue(fast.toString().contains("served by the JVM fast path (linear(11->32), relu,"
          + " linear(32->16), relu, linear(16->1), sigmoid;"), fast.toString());
      for (PtFixtures.PythonCase c : PtFixtures.pythonCases()) {
        assertEquals(c.probability(), fast.predict(c.row(), 1)[0], PtFixtures.TOLERANCE,
            c.request().applicantId());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"residual_traced.pt", "concat_two_scripted.pt"})
  void anUnsupportedNetworkIsLeftToLibtorchAndRefusedWhenTheFastPathIsForced(String fixture)
      throws Exception {
    JsonNode expected = fastPathFixture();
    float[] rows = pythonRows(expected);
    Path dir = PtFixtures.farmerBundle(tmp, fixture, PtFixtures.golden(1));
    try (ModelBundle bundle = ModelBundle.open(dir); ScoringModel auto = load(bundle, "auto")) {
      String why = fixture.startsWith("residual") ? "torch.add in forward of __torch__.Residual"
          : "which joins two values neither of which is the input";
      assertTrue(auto.toString().contains("served by libtorch (the network uses"),
          auto.toString());
      assertTrue(auto.toString().contains(why), auto.toString());
      double[] p = auto.predict(rows, rows.length / 11);
      for (int r = 0; r < p.length; r++) {
        assertEquals(expected.path("probabilities").path(fixture).get(r).asDouble(),
            p[r], PtFixtures.TOLERANCE, "row " + r);
      }
      BundleException e = assertThrows(BundleException.class, () -> load(bundle, "on"));
      assertTrue(e.getMessage().contains("mlp.pt"), e.getMessage());
      assertTrue(e.getMessage().contains("pytorch.fast_path is on but the network uses"),
          e.getMessage());
    }
  }

  @Test
  void theReferenceBundleAgreesWithLibtorchOn100000RandomRows() throws Exception {
    try (ModelBundle bundle = ModelBundle.open(REFERENCE);
        ScoringModel fast = load(bundle, "on");
        ScoringModel libtorch = load(bundle, "off")) {
      int width = fast.inputWidth();
      SplittableRandom random = new SplittableRandom(7);
      int rows = 100_000;
      int batch = 1000;
      double worst = 0;
      for (int start = 0; start < rows; start += batch) {
        float[] x = new float[batch * width];
        for (int i = 0; i < x.length; i++) {
          x[i] = i % 3 == 0 ? (random.nextBoolean() ? 1f : 0f)
              : (float) (random.nextGaussian() * (1 + start % 3));
        }
        double[] f = fast.predict(x, batch);
        double[] t = libtorch.predict(x, batch);
        for (int r = 0; r < batch; r++) {
          worst = Math.max(worst, Math.abs(f[r] - t[r]));
          assertEquals(t[r], f[r], FastPath.TOLERANCE, "row " + (start + r));
        }
      }
      System.out.println("reference bundle, 100000 random rows: largest |fast - libtorch| = "
          + worst);
    }
  }

  /**
   * Reason codes' perturbation rows (the applicant's row with one feature's columns replaced)
   * reuse the first row's first-layer block sums: each must still give the bits it gives alone,
   * and libtorch's probability.
   */
  @Test
  void perturbationRowsInABatchGiveTheBitsTheyGiveAlone() throws Exception {
    try (ModelBundle bundle = ModelBundle.open(REFERENCE);
        ScoringModel fast = load(bundle, "on");
        ScoringModel libtorch = load(bundle, "off")) {
      int width = fast.inputWidth();
      SplittableRandom random = new SplittableRandom(11);
      float[] rows = new float[(width + 1) * width];
      for (int c = 0; c < width; c++) {
        rows[c] = (float) random.nextGaussian();
      }
      for (int r = 1; r <= width; r++) {
        System.arraycopy(rows, 0, rows, r * width, width);
        rows[r * width + r - 1] = (float) random.nextGaussian();
        if (r % 5 == 0) {
          rows[r * width + (r * 7) % width] = 0f;
        }
      }
      double[] batch = fast.predict(rows, width + 1);
      double[] expected = libtorch.predict(rows, width + 1);
      for (int r = 0; r <= width; r++) {
        float[] one = java.util.Arrays.copyOfRange(rows, r * width, (r + 1) * width);
        assertEquals(Double.doubleToLongBits(fast.predict(one, 1)[0]),
            Double.doubleToLongBits(batch[r]), "row " + r);
        assertEquals(expected[r], batch[r], FastPath.TOLERANCE, "row " + r);
      }
    }
  }

  @Test
  void anUnknownModeIsRefusedNamingTheOption() throws Exception {
    Path dir = PtFixtures.farmerBundle(tmp, PtFixtures.TRACED, PtFixtures.golden(1));
    try (ModelBundle bundle = ModelBundle.open(dir)) {
      EngineException e = assertThrows(EngineException.class, () -> load(bundle, "fast"));
      assertEquals("engine option 'pytorch.fast_path' must be auto, on or off, got 'fast'",
          e.getMessage());
    }
  }
}
