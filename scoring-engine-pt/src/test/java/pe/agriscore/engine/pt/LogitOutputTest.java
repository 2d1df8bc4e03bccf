package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.testing.TestBundles;

/**
 * {@code logits_traced.pt}, a network exported without its final sigmoid, scores through a
 * manifest that declares {@code "output": {"kind": "logit"}}: the probabilities are the sigmoid
 * of the raw TorchScript outputs, computed here.
 */
class LogitOutputTest {

  @TempDir Path tmp;

  private static Path bundle(Path dir, List<GoldenCase> golden) throws Exception {
    return BundleWriter.builder()
        .name("farmer-logits").version("1.0.0")
        .engine(PyTorchEngine.NAME).modelFormat(PyTorchEngine.FORMAT)
        .model(PtFixtures.fixture("logits_traced.pt"), "model/mlp.pt")
        .input("features", 11).logitOutput("logits")
        .createdAt(Instant.parse("2026-11-01T00:00:00Z"))
        .schema(TestBundles.schema()).preprocessing(TestBundles.standardPreprocessing())
        .scoreScale(TestBundles.scale()).reference(TestBundles.reference())
        .golden(golden, 1e-6)
        .writeTo(dir);
  }

  @Test
  void aDeclaredLogitModelScoresTheSigmoidOfItsOutput() throws Exception {
    List<PtFixtures.PythonCase> cases = PtFixtures.pythonCases();
    float[] rows = new float[cases.size() * 11];
    for (int i = 0; i < cases.size(); i++) {
      System.arraycopy(cases.get(i).row(), 0, rows, i * 11, 11);
    }
    List<GoldenCase> placeholder = List.of(
        new GoldenCase("placeholder", cases.get(0).request(), 0.5));
    double[] logits;
    try (ModelBundle raw = ModelBundle.open(bundle(tmp.resolve("raw"), placeholder));
        ScoringModel engineModel = new PyTorchEngine().load(raw, EngineOptions.defaults())) {
      logits = engineModel.predict(rows, cases.size());
    }
    boolean outsideUnitInterval = false;
    List<GoldenCase> golden = new ArrayList<>();
    double[] expected = new double[cases.size()];
    for (int i = 0; i < cases.size(); i++) {
      outsideUnitInterval |= logits[i] < 0 || logits[i] > 1;
      expected[i] = 1 / (1 + Math.exp(-logits[i]));
      golden.add(new GoldenCase("c" + i, cases.get(i).request(), expected[i]));
    }
    assertTrue(outsideUnitInterval, "the fixture's raw outputs must not all be probabilities");
    Path dir = bundle(Files.createDirectories(tmp.resolve("sealed")).resolve("b"), golden);
    try (CreditScorer scorer = CreditScorer.open(dir)) {
      for (int i = 0; i < cases.size(); i++) {
        CreditScore s = scorer.score(cases.get(i).request());
        assertEquals(expected[i], s.probabilityOfDefault(), 1e-6, "case " + i);
      }
    }
  }
}
