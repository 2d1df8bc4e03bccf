package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.testing.TestBundles;

/** Models that do not fit their bundle are refused at load, naming the file and the problem. */
class ModelRefusalTest {

  @TempDir Path tmp;

  private BundleException refused(Path bundle) {
    return assertThrows(BundleException.class, () -> CreditScorer.open(bundle));
  }

  private static void assertMentions(BundleException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
    }
  }

  @Test
  void aModelTakingAnotherWidthIsRefusedNamingBothWidths() throws Exception {
    BundleException e = refused(
        PtFixtures.farmerBundle(tmp, "mlp12_traced.pt", PtFixtures.golden(2)));
    assertEquals("model/mlp.pt", e.file());
    assertMentions(e, "does not take the 11 inputs", "takes 12 inputs", "(3x11 and 12x32)");
  }

  @Test
  void aModelReturningTwoValuesPerRowIsRefused() throws Exception {
    BundleException e = refused(
        PtFixtures.farmerBundle(tmp, "two_outputs_traced.pt", PtFixtures.golden(2)));
    assertEquals("model/mlp.pt", e.file());
    assertMentions(e, "returned shape (3, 2)", "one probability of default per row");
  }

  @Test
  void aModelReturningLogitsIsRefused() throws Exception {
    BundleException e = refused(
        PtFixtures.farmerBundle(tmp, "logits_traced.pt", PtFixtures.golden(2)));
    assertEquals("model/mlp.pt", e.file());
    assertMentions(e, "not a probability in [0, 1]", "torch.sigmoid");
  }

  @Test
  void aFileThatIsNotTorchScriptIsRefused() throws Exception {
    Path notTorch = tmp.resolve("model.pt");
    Files.writeString(notTorch, "{\"intercept\": 1}");
    BundleException e = refused(PtFixtures.farmerBundle(tmp, notTorch, PtFixtures.golden(2), 11));
    assertEquals("model/mlp.pt", e.file());
    assertMentions(e, "not a TorchScript model that libtorch 2.7.1");
  }

  @Test
  void aDeclaredInputWidthThatContradictsTheSchemaIsRefused() throws Exception {
    BundleException e = refused(PtFixtures.farmerBundle(tmp,
        PtFixtures.fixture(PtFixtures.SCRIPTED), PtFixtures.golden(2), 12));
    assertEquals(ModelBundle.MANIFEST, e.file());
    assertMentions(e, "[-1, 12]", "encode 11 columns");
  }

  @Test
  void anotherModelFormatIsRefused() throws Exception {
    Path dir = tmp.resolve("onnx");
    BundleWriter.builder()
        .name("farmer-mlp").version("1.0.0")
        .engine(PyTorchEngine.NAME).modelFormat("onnx")
        .model(PtFixtures.fixture(PtFixtures.SCRIPTED), "model/mlp.onnx")
        .input("features", 11).output("probability")
        .createdAt(Instant.parse("2026-11-01T00:00:00Z"))
        .schema(TestBundles.schema()).preprocessing(TestBundles.standardPreprocessing())
        .scoreScale(TestBundles.scale()).reference(TestBundles.reference())
        .golden(PtFixtures.golden(1), 1e-5)
        .writeTo(dir);
    BundleException e = refused(dir);
    assertEquals(ModelBundle.MANIFEST, e.file());
    assertMentions(e, "reads modelFormat 'torchscript', not 'onnx'");
  }

  @Test
  void invalidOptionsAreRefusedNamingTheKey() throws Exception {
    Path dir = PtFixtures.farmerBundle(tmp, PtFixtures.SCRIPTED, PtFixtures.golden(1));
    try (ModelBundle bundle = ModelBundle.open(dir)) {
      IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
          () -> new PyTorchEngine().load(bundle,
              EngineOptions.builder().set(PyTorchEngine.POOL_SIZE, "0").build()));
      assertTrue(zero.getMessage().contains("'pytorch.predictor_pool_size' must be >= 1"),
          zero.getMessage());
      IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
          () -> new PyTorchEngine().load(bundle,
              EngineOptions.builder().set(PyTorchEngine.GRAPH_OPTIMIZER, "yes").build()));
      assertTrue(word.getMessage().contains("'pytorch.graph_optimizer' must be true or false"),
          word.getMessage());
      IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
          () -> new PyTorchEngine().load(bundle,
              EngineOptions.builder().set(PyTorchEngine.NUM_THREADS, "two").build()));
      assertTrue(threads.getMessage().contains("'pytorch.num_threads' must be an integer"),
          threads.getMessage());
    }
  }
}
