package pe.agriscore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;

/**
 * A model exported without its final sigmoid, declared {@code "kind": "logit"} in the manifest:
 * the core applies the sigmoid, so scores, golden checks and reason codes see probabilities.
 * The expected probabilities come from {@link TestBundles#expectedProbability}, computed from the
 * stated coefficients, never by the code under test.
 */
class LogitOutputTest {

  @TempDir Path tmp;

  private Path logitBundle(boolean declared) throws IOException {
    Path dir = TestBundles.writeScorecardBundle(Files.createDirectories(
        tmp.resolve(declared ? "declared" : "undeclared")), "test-logit");
    if (declared) {
      Path manifest = dir.resolve("manifest.json");
      Files.writeString(manifest, Files.readString(manifest).replace(
          "\"name\" : \"probability\",", "\"name\" : \"probability\",\n    \"kind\" : \"logit\","));
      BundleWriter.seal(dir);
    }
    return dir;
  }

  @Test
  void aLogitOutputIsTurnedIntoProbabilities() throws IOException {
    Path plain = TestBundles.writeScorecardBundle(Files.createDirectories(tmp.resolve("plain")),
        "test-opaque");
    Path logitDir = logitBundle(true);
    try (ModelBundle bundle = ModelBundle.open(logitDir)) {
      assertTrue(bundle.manifest().outputIsLogit());
    }
    try (CreditScorer logit = CreditScorer.open(logitDir);
        CreditScorer reference = CreditScorer.open(plain)) {
      for (ScoringRequest r : TestBundles.randomRequests(31, 40)) {
        CreditScore s = logit.score(r);
        assertEquals(TestBundles.expectedProbability(r), s.probabilityOfDefault(), 1e-12);
        CreditScore same = reference.score(r);
        assertEquals(same.points(), s.points());
        assertEquals(same.grade(), s.grade());
        assertEquals(same.reasons().size(), s.reasons().size());
        for (int i = 0; i < s.reasons().size(); i++) {
          assertEquals(same.reasons().get(i).feature(), s.reasons().get(i).feature());
          assertEquals(same.reasons().get(i).points(), s.reasons().get(i).points(), 0.011);
        }
      }
    }
  }

  @Test
  void anUndeclaredLogitOutputFailsTheGoldenCases() throws IOException {
    BundleException e = assertThrows(BundleException.class,
        () -> CreditScorer.open(logitBundle(false)));
    assertEquals("golden.json", e.file());
    assertTrue(e.getMessage().contains("golden case 'case-PE-0' failed"), e::getMessage);
  }

  @Test
  void theWriterDeclaresALogitOutput() throws IOException {
    Path model = Files.writeString(tmp.resolve("m.json"), "{}");
    Path dir = BundleWriter.builder().name("n").version("1").engine("test-logit")
        .modelFormat("none").model(model, "model/m.json").input("x", 11).logitOutput("logits")
        .schema(TestBundles.schema()).preprocessing(TestBundles.standardPreprocessing())
        .scoreScale(TestBundles.scale()).reference(TestBundles.reference())
        .golden(List.of(), 0).writeTo(tmp.resolve("written"));
    String manifest = Files.readString(dir.resolve("manifest.json"));
    assertTrue(manifest.contains("\"kind\" : \"logit\""), manifest);
  }
}
