package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.Encoder;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;

/** The Python-made TorchScript fixture scores as Python scored it. */
class PythonFixtureTest {

  @TempDir Path tmp;

  @Test
  void theEngineIsFoundByName() {
    assertInstanceOf(PyTorchEngine.class, Engines.find("pytorch"));
  }

  @Test
  void javaEncodesTheGoldenRequestsExactlyAsPythonDid() {
    Encoder encoder = Encoder.compile(pe.agriscore.testing.TestBundles.schema(),
        pe.agriscore.testing.TestBundles.standardPreprocessing());
    List<PtFixtures.PythonCase> cases = PtFixtures.pythonCases();
    assertEquals(24, cases.size());
    for (PtFixtures.PythonCase c : cases) {
      assertArrayEquals(c.row(), encoder.encode(c.request()), c.request().applicantId());
    }
    List<String> columns = new ArrayList<>();
    PtFixtures.expected().path("columns").forEach(n -> columns.add(n.asText()));
    assertEquals(encoder.columnNames(), columns);
  }

  @ParameterizedTest
  @ValueSource(strings = {PtFixtures.SCRIPTED, PtFixtures.TRACED})
  void theScoringModelReproducesPythonWithin1e5(String fixture) throws Exception {
    Path dir = PtFixtures.farmerBundle(tmp, fixture, PtFixtures.golden(4));
    List<PtFixtures.PythonCase> cases = PtFixtures.pythonCases();
    float[] rows = new float[cases.size() * 11];
    for (int i = 0; i < cases.size(); i++) {
      System.arraycopy(cases.get(i).row(), 0, rows, i * 11, 11);
    }
    try (ModelBundle bundle = ModelBundle.open(dir);
        ScoringModel model = new PyTorchEngine().load(bundle, EngineOptions.defaults())) {
      assertEquals(11, model.inputWidth());
      double[] batch = model.predict(rows, cases.size());
      for (int i = 0; i < cases.size(); i++) {
        PtFixtures.PythonCase c = cases.get(i);
        assertEquals(c.probability(), batch[i], PtFixtures.TOLERANCE, c.request().applicantId());
        float[] one = c.row();
        assertEquals(c.probability(), model.predict(one, 1)[0], PtFixtures.TOLERANCE,
            c.request().applicantId() + " alone");
      }
    }
  }

  @Test
  void aBundleScoresThroughCreditScorerAsPythonDid() throws Exception {
    Path dir = PtFixtures.farmerBundle(tmp, PtFixtures.SCRIPTED, PtFixtures.golden(8));
    List<PtFixtures.PythonCase> cases = PtFixtures.pythonCases();
    List<ScoringRequest> requests = cases.stream().map(PtFixtures.PythonCase::request).toList();
    try (CreditScorer scorer = CreditScorer.open(dir)) {
      List<ScoringResult> results = scorer.scoreAll(requests);
      for (int i = 0; i < cases.size(); i++) {
        CreditScore score = assertInstanceOf(CreditScore.class, results.get(i));
        assertEquals(cases.get(i).probability(), score.probabilityOfDefault(),
            PtFixtures.TOLERANCE, requests.get(i).applicantId());
        assertEquals("farmer-mlp", score.modelName());
      }
      CreditScore single = scorer.score(requests.get(5));
      assertEquals(cases.get(5).probability(), single.probabilityOfDefault(),
          PtFixtures.TOLERANCE);
    }
  }

  @Test
  void aZipBundleScoresToo() throws Exception {
    Path dir = PtFixtures.farmerBundle(tmp, PtFixtures.TRACED, PtFixtures.golden(6));
    Path zip = tmp.resolve("farmer-mlp.zip");
    BundleWriter.zip(dir, zip);
    PtFixtures.PythonCase c = PtFixtures.pythonCases().get(20);
    try (CreditScorer scorer = CreditScorer.open(zip)) {
      assertEquals(c.probability(), scorer.score(c.request()).probabilityOfDefault(),
          PtFixtures.TOLERANCE);
    }
  }

  @Test
  void aGoldenMismatchIsRefusedNamingTheCase() throws Exception {
    Path dir = PtFixtures.farmerBundle(tmp, PtFixtures.SCRIPTED, PtFixtures.golden(8));
    Path golden = dir.resolve(ModelBundle.GOLDEN);
    ObjectNode root = (ObjectNode) PtFixtures.JSON.readTree(golden.toFile());
    ObjectNode third = (ObjectNode) root.path("cases").get(3);
    third.put("probability", third.path("probability").asDouble() + 0.01);
    Files.writeString(golden, PtFixtures.JSON.writeValueAsString(root), StandardCharsets.UTF_8);
    BundleWriter.seal(dir);

    BundleException e = assertThrows(BundleException.class, () -> CreditScorer.open(dir));
    assertEquals(ModelBundle.GOLDEN, e.file());
    assertTrue(e.getMessage().contains("'PE-PT-003'"), e.getMessage());
    assertTrue(e.getMessage().contains("engine 'pytorch'"), e.getMessage());
  }
}
