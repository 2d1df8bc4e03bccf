package pe.agriscore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;

class ReferenceBundlesTest {

  @Test
  void findsTheBundleOfAnEngineInSamplesModels(@TempDir Path repo) throws Exception {
    Path models = Files.createDirectories(repo.resolve("samples/models"));
    Path scorecard = TestBundles.writeScorecardBundle(models);
    Files.createDirectories(repo.resolve("benchmarks"));

    // From the repository root, and from the benchmarks module (its parent holds samples/).
    assertEquals(scorecard, ReferenceBundles.locate("scorecard", new Properties(), repo,
        Optional.empty()));
    assertEquals(scorecard, ReferenceBundles.locate("scorecard", new Properties(),
        repo.resolve("benchmarks"), Optional.empty()));
    // From anywhere, through the jar's location (benchmarks/target/benchmarks.jar).
    assertEquals(scorecard, ReferenceBundles.locate("scorecard", new Properties(),
        Files.createDirectories(repo.resolve("elsewhere/deep")),
        Optional.of(repo.resolve("benchmarks/target/benchmarks.jar"))));
  }

  @Test
  void namesWhatIsMissing(@TempDir Path repo) throws Exception {
    Path models = Files.createDirectories(repo.resolve("samples/models"));
    TestBundles.writeScorecardBundle(models);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ReferenceBundles.locate("pytorch", new Properties(), repo, Optional.empty()));
    assertTrue(e.getMessage().contains("no bundle with engine 'pytorch' in " + models),
        e.getMessage());
    assertTrue(e.getMessage().contains("-Dagriscore.bench.bundle.pytorch="), e.getMessage());

    Path empty = Files.createDirectories(repo.resolve("nothing/here"));
    IllegalStateException none = assertThrows(IllegalStateException.class,
        () -> ReferenceBundles.locate("scorecard", new Properties(), empty, Optional.empty()));
    assertTrue(none.getMessage().contains("no models directory"), none.getMessage());
  }

  @Test
  void refusesToGuessBetweenTwoBundlesOfOneEngine(@TempDir Path dir) throws Exception {
    Path first = TestBundles.writeScorecardBundle(dir);
    Path second = dir.resolve("another-scorecard");
    Files.move(first, second);
    TestBundles.writeScorecardBundle(dir);
    Properties props = new Properties();
    props.setProperty(ReferenceBundles.MODELS_DIR, dir.toString());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ReferenceBundles.locate("scorecard", props, dir, Optional.empty()));
    assertTrue(e.getMessage().contains("several bundles with engine 'scorecard'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("another-scorecard"), e.getMessage());

    props.setProperty(ReferenceBundles.BUNDLE_PREFIX + "scorecard", second.toString());
    assertEquals(second, ReferenceBundles.locate("scorecard", props, dir, Optional.empty()));
  }

  @Test
  void readsTheEngineOfZipBundles(@TempDir Path dir) throws Exception {
    Path unpacked = TestBundles.writeScorecardBundle(Files.createDirectories(dir.resolve("src")));
    Path models = Files.createDirectories(dir.resolve("models"));
    Path zip = models.resolve("scorecard.zip");
    try (ModelBundle b = ModelBundle.open(unpacked)) {
      BundleWriter.builder()
          .name("zipped").version("1").engine("scorecard").modelFormat("agriscore-logistic")
          .model(b.modelPath(), "model/scorecard.json")
          .input("features", 11).output("probability")
          .schema(b.schema()).preprocessing(b.preprocessing()).scoreScale(b.scoreScale())
          .reference(b.reference()).golden(b.goldenCases(), 1e-9)
          .writeZip(zip);
    }
    Properties props = new Properties();
    props.setProperty(ReferenceBundles.MODELS_DIR, models.toString());
    assertEquals(zip, ReferenceBundles.locate("scorecard", props, dir, Optional.empty()));
  }

  @Test
  void explicitBundleMustExist(@TempDir Path dir) {
    Properties props = new Properties();
    props.setProperty(ReferenceBundles.BUNDLE_PREFIX + "tensorflow", "no/such/bundle");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> ReferenceBundles.locate("tensorflow", props, dir, Optional.empty()));
    assertTrue(e.getMessage().startsWith("agriscore.bench.bundle.tensorflow=no/such/bundle"),
        e.getMessage());
  }

  @Test
  void requestsCycleTheGoldenCasesWithFreshIds(@TempDir Path dir) throws Exception {
    try (ModelBundle b = ModelBundle.open(TestBundles.writeScorecardBundle(dir))) {
      int golden = b.goldenCases().size();
      ScoringRequest[] r = Fixtures.requests(b, golden + 3);
      assertEquals(golden + 3, r.length);
      assertEquals("BENCH-0", r[0].applicantId());
      assertEquals("BENCH-" + golden, r[golden].applicantId());
      assertEquals(b.goldenCases().get(0).request().values(), r[golden].values());
      assertEquals(b.goldenCases().get(2).request().values(), r[golden + 2].values());
      // Each request is valid for the bundle's schema.
      for (ScoringRequest request : r) {
        assertEquals(11, b.encoder().encode(request).length);
      }
    }
  }
}
