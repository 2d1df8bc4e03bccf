package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.schema.FeatureSchema;
import pe.agriscore.schema.FeatureTransform;
import pe.agriscore.schema.GoldenCase;
import pe.agriscore.schema.NumericFeature;
import pe.agriscore.schema.Preprocessing;
import pe.agriscore.schema.ReferenceProfile;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;

/**
 * A TorchScript saved by PyTorch 2.11 (newer than the engine's libtorch 2.7.1) loads and scores
 * as PyTorch 2.11 did. The fixture lives in {@code <repo>/../shared/fixtures/torch-2.11}; the
 * test is skipped where that folder is absent, and fails there in CI ({@code CI=true}).
 */
class NewerPyTorchTest {

  @TempDir Path tmp;

  @Test
  void aModelSavedByPyTorch211ScoresAsPyTorch211Did() throws Exception {
    Path dir = PtFixtures.sharedFixture("fixtures/torch-2.11", "expected.json");
    JsonNode expected = PtFixtures.JSON.readTree(dir.resolve("expected.json").toFile());
    int width = expected.path("features").asInt();
    assertEquals(12, width);

    // Twelve raw numeric features: the encoded row is the input row itself.
    FeatureSchema.Builder schema = FeatureSchema.builder("torch-2.11-fixture", "1");
    List<FeatureTransform> transforms = new ArrayList<>();
    Map<String, ReferenceProfile.FeatureProfile> profiles = new LinkedHashMap<>();
    for (int i = 0; i < width; i++) {
      String name = "x" + i;
      schema.add(NumericFeature.of(name, "", -100, 100));
      transforms.add(new FeatureTransform.Raw(name));
      profiles.put(name, new ReferenceProfile.FeatureProfile(0.0, 0.0, 0.0, null, null));
    }
    List<GoldenCase> golden = new ArrayList<>();
    List<ScoringRequest> requests = new ArrayList<>();
    float[] rows = new float[expected.path("inputs").size() * width];
    for (int r = 0; r < expected.path("inputs").size(); r++) {
      JsonNode input = expected.path("inputs").get(r);
      ScoringRequest.Builder request = ScoringRequest.builder("T211-" + r, LocalDate.of(2026, 11, 1));
      for (int i = 0; i < width; i++) {
        request.set("x" + i, input.get(i).asDouble());
        rows[r * width + i] = (float) input.get(i).asDouble();
      }
      requests.add(request.build());
      golden.add(new GoldenCase("T211-" + r, requests.get(r),
          expected.path("outputs").get(r).asDouble()));
    }
    Path bundleDir = BundleWriter.builder()
        .name("mlp12-torch-2.11").version("1").engine(PyTorchEngine.NAME)
        .modelFormat(PyTorchEngine.FORMAT)
        .model(dir.resolve(expected.path("file").asText()), "model/mlp12_scripted.pt")
        .input("x", width).output("probability")
        .createdAt(Instant.parse("2026-11-01T00:00:00Z"))
        .schema(schema.build()).preprocessing(new Preprocessing(transforms))
        .scoreScale(TestBundles.scale())
        .reference(new ReferenceProfile(16, profiles, null))
        .golden(golden, PtFixtures.TOLERANCE)
        .writeTo(tmp.resolve("bundle"));

    try (ModelBundle bundle = ModelBundle.open(bundleDir);
        ScoringModel model = new PyTorchEngine().load(bundle, EngineOptions.defaults())) {
      double[] p = model.predict(rows, requests.size());
      for (int r = 0; r < requests.size(); r++) {
        assertEquals(expected.path("outputs").get(r).asDouble(), p[r], PtFixtures.TOLERANCE,
            "row " + r);
      }
    }
    // Through CreditScorer too: its golden check runs the same 16 rows.
    try (CreditScorer scorer = CreditScorer.builder(bundleDir).maxReasonCodes(0).build()) {
      assertEquals(expected.path("outputs").get(3).asDouble(),
          scorer.score(requests.get(3)).probabilityOfDefault(), PtFixtures.TOLERANCE);
    }
  }
}
