package pe.agriscore.engine.pt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleEncryption;
import pe.agriscore.scoring.CreditScore;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.scoring.ScoringRequest;
import pe.agriscore.testing.TestBundles;
import pe.agriscore.trust.KeyProvider;
import pe.agriscore.trust.KeyProviders;

/**
 * An encrypted PyTorch bundle is decrypted in memory only: libtorch and the fast path both read
 * the model's bytes, so no plaintext directory (the private one {@code ModelFiles.path()} makes)
 * and no DJL {@code pt-model*} directory is left, and the scores are the clear bundle's.
 */
class EncryptedBundleTest {

  private static final Path REFERENCE = Path.of(System.getProperty("agriscore.repo.root"),
      "samples", "models", "farmer-mlp-pt");
  private static final Path REQUEST = Path.of(System.getProperty("agriscore.repo.root"),
      "samples", "requests", "cusco-coffee-thin-file.json");

  @TempDir Path tmp;

  @Test
  void anEncryptedTorchScriptBundleLoadsFromMemoryAndScoresAsTheClearOne() throws Exception {
    Path clear = TestBundles.copyWithoutSignatures(REFERENCE, tmp.resolve("clear"));
    Path encrypted = TestBundles.copyWithoutSignatures(REFERENCE, tmp.resolve("encrypted"));
    Path secret = Files.createDirectories(tmp.resolve("secret"));
    byte[] kek = new byte[32];
    new SecureRandom().nextBytes(kek);
    Files.write(secret.resolve("kek-1"), kek);
    KeyProvider keys = KeyProviders.mountedSecret(secret);
    BundleEncryption.encrypt(encrypted, keys, "kek-1", BundleEncryption.Scope.ALL);
    ScoringRequest request = ScoringJson.readRequest(Files.readAllBytes(REQUEST));

    List<Path> plainBefore = plaintextDirectories();
    List<Path> djlBefore = djlModelDirectories();
    CreditScore expected;
    try (CreditScorer scorer = CreditScorer.builder(clear).build()) {
      expected = scorer.score(request);
    }
    try (CreditScorer scorer = CreditScorer.builder(encrypted).keys(keys).build()) {
      CreditScore actual = scorer.score(request);
      assertEquals(expected.probabilityOfDefault(), actual.probabilityOfDefault());
      assertEquals(expected.points(), actual.points());
      assertEquals(expected.reasons(), actual.reasons());
      assertEquals(plainBefore, plaintextDirectories(),
          "a plaintext directory was made for a model libtorch can load from memory");
    }
    assertEquals(djlBefore, djlModelDirectories(), "DJL's empty pt-model directories were left");
    assertFalse(new String(Files.readAllBytes(encrypted.resolve("schema.json")),
        java.nio.charset.StandardCharsets.ISO_8859_1).contains("\"features\""),
        "the test's bundle is not encrypted");
  }

  private static List<Path> plaintextDirectories() throws IOException {
    return list(Path.of("/dev/shm"), "agriscore-plain-", true)
        .stream().sorted().collect(Collectors.toList());
  }

  private static List<Path> djlModelDirectories() throws IOException {
    return list(Path.of(System.getProperty("java.io.tmpdir")), "pt-model", false);
  }

  private static List<Path> list(Path dir, String prefix, boolean alsoTmp) throws IOException {
    Stream<Path> dirs = Stream.of(dir);
    if (alsoTmp) {
      dirs = Stream.concat(dirs, Stream.of(Path.of(System.getProperty("java.io.tmpdir"))));
    }
    List<Path> found = new java.util.ArrayList<>();
    for (Path d : dirs.filter(Files::isDirectory).collect(Collectors.toList())) {
      try (Stream<Path> entries = Files.list(d)) {
        entries.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted()
            .forEach(found::add);
      }
    }
    return found;
  }
}
