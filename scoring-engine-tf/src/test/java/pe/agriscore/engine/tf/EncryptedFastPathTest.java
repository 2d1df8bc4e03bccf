package pe.agriscore.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleEncryption;
import pe.agriscore.engine.EngineOptions;
import pe.agriscore.engine.internal.FastPaths;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;
import pe.agriscore.trust.KeyProvider;
import pe.agriscore.trust.KeyProviders;

/**
 * An encrypted TensorFlow bundle: TensorFlow loads the SavedModel from the private directory
 * {@code ModelFiles.path()} decrypts it into, and the fast path reads its graph and weights from
 * the same directory, so it serves (forced {@code on}) and scores as the clear bundle does.
 */
class EncryptedFastPathTest {

  private static final Path ROOT = Path.of(System.getProperty("agriscore.repo.root"));
  private static final Path REFERENCE = ROOT.resolve("samples/models/farmer-mlp-tf");
  private static final Path REQUEST = ROOT.resolve("samples/requests/cusco-coffee-thin-file.json");

  @TempDir Path tmp;

  @Test
  void anEncryptedSavedModelServesOnTheFastPathAsTheClearOneOnTensorFlow() throws Exception {
    Path encrypted = TestBundles.copyWithoutSignatures(REFERENCE, tmp.resolve("encrypted"));
    Path secret = Files.createDirectories(tmp.resolve("secret"));
    byte[] kek = new byte[32];
    new SecureRandom().nextBytes(kek);
    Files.write(secret.resolve("kek-1"), kek);
    KeyProvider keys = KeyProviders.mountedSecret(secret);
    BundleEncryption.encrypt(encrypted, keys, "kek-1", BundleEncryption.Scope.ALL);
    ScoringRequest request = ScoringJson.readRequest(Files.readAllBytes(REQUEST));
    CreditScore expected;
    try (CreditScorer scorer = CreditScorer.builder(REFERENCE).engineOptions(mode("off"))
        .build()) {
      expected = scorer.score(request);
    }
    try (CreditScorer scorer = CreditScorer.builder(encrypted).keys(keys)
        .engineOptions(mode("on")).build()) {
      CreditScore actual = scorer.score(request);
      assertEquals(expected.probabilityOfDefault(), actual.probabilityOfDefault(),
          FastPaths.TOLERANCE);
      assertEquals(expected.reasons().size(), actual.reasons().size());
    }
    assertTrue(!new String(Files.readAllBytes(encrypted.resolve("schema.json")),
        java.nio.charset.StandardCharsets.ISO_8859_1).contains("\"features\""),
        "the test's bundle is not encrypted");
  }

  private static EngineOptions mode(String mode) {
    return EngineOptions.builder().set(TensorFlowEngine.FAST_PATH, mode).build();
  }

}
