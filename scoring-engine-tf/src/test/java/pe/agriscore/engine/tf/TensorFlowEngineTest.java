package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.engine.EngineException;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.Engines;
import pe.agriscore.engine.ScoringEngine;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.scoring.ScoringResult;

/** Real TensorFlow: SavedModels exported by the graph API, scored through CreditScorer. */
class TensorFlowEngineTest {

  @TempDir static Path tmp;
  static Mlp mlp;
  static Path bundle;

  @BeforeAll
  static void exportModel() throws Exception {
    mlp = new Mlp(11, 42);
    bundle = mlp.writeBundle(tmp, "mlp");
  }

  @Test
  void theNameBundlesCarryFindsThisEngineAndNoOtherProviderClaimsIt() throws Exception {
    // "tensorflow" as manifests spell it, not the constant: renaming the engine breaks bundles.
    assertInstanceOf(TensorFlowEngine.class, Engines.find("tensorflow"));
    List<String> claimants = ServiceLoader.load(ScoringEngine.class).stream()
        .map(ServiceLoader.Provider::get).filter(e -> e.name().equals("tensorflow"))
        .map(e -> e.getClass().getName()).toList();
    assertEquals(List.of(TensorFlowEngine.class.getName()), claimants);
    // The registration ships in this module's own jar, not only somewhere on the test classpath.
    String services = "META-INF/services/" + ScoringEngine.class.getName();
    Path own = Path.of(TensorFlowEngine.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI()).resolve(services);
    assertEquals(List.of(TensorFlowEngine.class.getName()), Files.readAllLines(own).stream()
        .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
  }

  @Test
  void scoresLikeTheJavaForwardPass() {
    List<ScoringRequest> requests = Mlp.validRequests(2024, 500);
    try (CreditScorer scorer = CreditScorer.open(bundle)) {
      for (ScoringRequest r : requests.subList(0, 100)) {
        assertEquals(mlp.forward(r), scorer.score(r).probabilityOfDefault(), 1e-5,
            r.applicantId());
      }
      List<ScoringResult> all = scorer.scoreAll(requests);
      for (int i = 0; i < requests.size(); i++) {
        CreditScore s = assertInstanceOf(CreditScore.class, all.get(i));
        assertEquals(mlp.forward(requests.get(i)), s.probabilityOfDefault(), 1e-5);
      }
    }
  }

  @Test
  void scoresAZipBundleWithoutReasonCodes() throws Exception {
    Path zip = tmp.resolve("mlp.zip");
    BundleWriter.zip(bundle, zip);
    try (CreditScorer scorer = CreditScorer.builder(zip).maxReasonCodes(0).build()) {
      for (ScoringRequest r : Mlp.validRequests(5, 20)) {
        CreditScore s = scorer.score(r);
        assertEquals(mlp.forward(r), s.probabilityOfDefault(), 1e-5);
        assertTrue(s.reasons().isEmpty());
      }
    }
  }

  @Test
  void refusesAGoldenMismatchNamingTheCase() throws Exception {
    Path copy = copyBundle("golden-mismatch");
    Path golden = copy.resolve(ModelBundle.GOLDEN);
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(golden.toFile());
    ObjectNode third = (ObjectNode) root.withArray("cases").get(2);
    String id = third.get("id").asText();
    third.put("probability", third.get("probability").asDouble() + 0.01);
    json.writeValue(golden.toFile(), root);
    BundleWriter.seal(copy);

    BundleException e = assertThrows(BundleException.class, () -> CreditScorer.open(copy));
    assertEquals(ModelBundle.GOLDEN, e.file());
    assertTrue(e.getMessage().contains("golden case '" + id + "' failed"), e.getMessage());
  }

  @Test
  void refusesAModelOfAnotherWidth() throws Exception {
    Mlp narrow = new Mlp(10, 42);
    Path dir = narrow.bundle(narrow.export(tmp), 3).writeTo(tmp.resolve("narrow"));

    BundleException e = assertThrows(BundleException.class, () -> CreditScorer.open(dir));
    assertEquals("model/", e.file());
    assertTrue(e.getMessage().contains("takes 10 columns")
        && e.getMessage().contains("encode 11"), e.getMessage());
  }

  @Test
  void refusesAManifestInputOfAnotherWidth() throws Exception {
    Path dir = mlp.bundle(mlp.export(tmp), 3).input("features", 12)
        .writeTo(tmp.resolve("manifest-12"));

    BundleException e = assertThrows(BundleException.class, () -> CreditScorer.open(dir));
    assertEquals(ModelBundle.MANIFEST, e.file());
    assertTrue(e.getMessage().contains("[-1, 12]"), e.getMessage());
  }

  @Test
  void usesTheSignatureTheManifestNames() throws Exception {
    Path model = mlp.export(tmp, "scoring", Mlp.Variant.PLAIN);
    Path named = mlp.bundle(model, 4).property("signature", "scoring")
        .writeTo(tmp.resolve("named-signature"));
    try (CreditScorer scorer = CreditScorer.open(named)) {
      ScoringRequest r = Mlp.validRequests(9, 1).get(0);
      assertEquals(mlp.forward(r), scorer.score(r).probabilityOfDefault(), 1e-5);
    }

    Path unnamed = mlp.bundle(model, 4).writeTo(tmp.resolve("default-signature"));
    BundleException e = assertThrows(BundleException.class, () -> CreditScorer.open(unnamed));
    assertTrue(e.getMessage().contains("no signature 'serving_default'")
        && e.getMessage().contains("[scoring]"), e.getMessage());
  }

  @Test
  void readsAFloat64VectorOutput() throws Exception {
    Path model = mlp.export(tmp, "serving_default", Mlp.Variant.FLOAT64_VECTOR);
    try (CreditScorer scorer = CreditScorer.open(mlp.bundle(model, 4)
        .writeTo(tmp.resolve("float64")))) {
      for (ScoringRequest r : Mlp.validRequests(13, 20)) {
        assertEquals(mlp.forward(r), scorer.score(r).probabilityOfDefault(), 1e-5);
      }
    }
  }

  @Test
  void refusesUnknownTensorNames() throws Exception {
    Path model = mlp.export(tmp);
    Path badInput = mlp.bundle(model, 2).input("x", 11).writeTo(tmp.resolve("bad-input"));
    BundleException in = assertThrows(BundleException.class, () -> CreditScorer.open(badInput));
    assertTrue(in.getMessage().contains("input 'x'"), in.getMessage());

    Path badOutput = mlp.bundle(model, 2).output("pd").writeTo(tmp.resolve("bad-output"));
    BundleException out = assertThrows(BundleException.class, () -> CreditScorer.open(badOutput));
    assertTrue(out.getMessage().contains("no output 'pd'"), out.getMessage());
  }

  @Test
  void refusesAnotherModelFormat() throws Exception {
    Path dir = mlp.bundle(mlp.export(tmp), 2).modelFormat("torchscript")
        .writeTo(tmp.resolve("wrong-format"));
    BundleException e = assertThrows(BundleException.class, () -> CreditScorer.open(dir));
    assertEquals(ModelBundle.MANIFEST, e.file());
    assertTrue(e.getMessage().contains("'tf-savedmodel'"), e.getMessage());
  }

  @Test
  void refusesAnOutputOfTheWrongShapeAtLoad() throws Exception {
    Path model = mlp.export(tmp, "serving_default", Mlp.Variant.DOUBLED_ROWS);
    try (ModelBundle b = ModelBundle.open(mlp.bundle(model, 2).writeTo(tmp.resolve("doubled")))) {
      BundleException e = assertThrows(BundleException.class,
          () -> new TensorFlowEngine().load(b, EngineOptions.defaults()));
      assertEquals("model/", e.file());
      assertTrue(e.getMessage().contains("has shape (2, 1), expected (1, 1)"), e.getMessage());
    }
  }

  @Test
  void wrapsTensorFlowErrorsWithContext() throws Exception {
    Path model = mlp.export(tmp, "serving_default", Mlp.Variant.CHECK_NUMERICS);
    try (ModelBundle b = ModelBundle.open(mlp.bundle(model, 2).writeTo(tmp.resolve("checked")));
        ScoringModel m = new TensorFlowEngine().load(b, EngineOptions.defaults())) {
      float[] rows = new float[3 * 11];
      rows[20] = Float.NaN;
      EngineException e = assertThrows(EngineException.class, () -> m.predict(rows, 3));
      assertTrue(e.getMessage().contains("3 rows") && e.getMessage().contains("test-mlp")
          && e.getMessage().contains("features must be finite"), e.getMessage());
      assertTrue(e.getCause() != null);
      // The failure leaves the model usable.
      float[] row = new float[11];
      assertEquals(mlp.forward(row, 0), m.predict(row, 1)[0], 1e-5);
    }
  }

  @Test
  void checksRowCountsAndRefusesCallsAfterClose() {
    try (ModelBundle b = ModelBundle.open(bundle)) {
      ScoringModel m = new TensorFlowEngine().load(b, EngineOptions.defaults());
      assertEquals(11, m.inputWidth());
      assertEquals(0, m.predict(new float[0], 0).length);
      EngineException shortRows = assertThrows(EngineException.class,
          () -> m.predict(new float[21], 2));
      assertTrue(shortRows.getMessage().contains("need 22 floats, got 21"),
          shortRows.getMessage());
      // Extra floats after the rows are ignored, as the ScoringModel contract says.
      float[] rows = new float[2 * 11 + 5];
      rows[3] = 1.5f;
      rows[14] = -2f;
      double[] p = m.predict(rows, 2);
      assertEquals(mlp.forward(rows, 0), p[0], 1e-5);
      assertEquals(mlp.forward(rows, 11), p[1], 1e-5);
      m.close();
      m.close();
      EngineException closed = assertThrows(EngineException.class, () -> m.predict(rows, 1));
      assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }
  }

  @Test
  void refusesInvalidOptionsNamingTheKey() {
    try (ModelBundle b = ModelBundle.open(bundle)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new TensorFlowEngine().load(b,
              EngineOptions.builder().set("tensorflow.predictor_pool_size", "0").build()));
      assertTrue(e.getMessage().contains("'tensorflow.predictor_pool_size' must be >= 1"),
          e.getMessage());
      IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
          () -> new TensorFlowEngine().load(b,
              EngineOptions.builder().set("tensorflow.log_level", "5").build()));
      assertTrue(level.getMessage().contains("between 0 and 3"), level.getMessage());
    }
  }

  private static Path copyBundle(String name) throws Exception {
    Path target = tmp.resolve(name);
    try (var paths = Files.walk(bundle)) {
      for (Path p : paths.toList()) {
        Files.copy(p, target.resolve(bundle.relativize(p).toString()));
      }
    }
    return target;
  }
}
