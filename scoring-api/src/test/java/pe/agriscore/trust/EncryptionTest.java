package pe.agriscore.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.CreditScorer;
import pe.agriscore.authoring.BundleEncryption;
import pe.agriscore.authoring.BundleSigner;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.internal.bundle.ModelBundle;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.BundleLimits;
import pe.agriscore.testing.TestBundles;

/**
 * Encryption at rest on a real scorecard bundle: no plaintext model bytes on disk before, during
 * or after scoring; refusals name the file; KEK rotation touches no signed byte.
 */
class EncryptionTest {

  private static final String MODEL = "model/scorecard.json";
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path tmp;

  private Path kekDir(String... ids) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("secret-" + String.join("-", ids)));
    for (String id : ids) {
      Path f = tmp.resolve("kek-bytes-" + id);
      if (!Files.exists(f)) {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        Files.write(f, k);
      }
      Files.copy(f, dir.resolve(id));
    }
    return dir;
  }

  private static boolean contains(Path file, byte[] needle) {
    try {
      byte[] hay = Files.readAllBytes(file);
      outer:
      for (int i = 0; i + needle.length <= hay.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (hay[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    } catch (IOException e) {
      return false; // deleted or unreadable while walking: holds nothing now
    }
  }

  /** Files under {@code dir} (not following links) holding {@code plaintext}, with exceptions. */
  private static List<Path> holders(Path dir, byte[] plaintext, long since, Set<Path> skip)
      throws IOException {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> skip.stream().noneMatch(p::startsWith)).filter(Files::isRegularFile)
          .filter(p -> p.toFile().lastModified() >= since && p.toFile().length() < (64 << 20))
          .filter(p -> contains(p, plaintext)).forEach(found::add);
    } catch (java.io.UncheckedIOException gone) {
      // a directory of another process vanished while walking
    }
    return found;
  }

  @Test
  void anEncryptedBundleScoresAndNoPlaintextModelBytesAreLeftOnDisk() throws Exception {
    long since = System.currentTimeMillis() - 2000;
    Path b = TestBundles.writeScorecardBundle(tmp);
    byte[] plaintext = Files.readAllBytes(b.resolve(MODEL));
    // The search finds plaintext where it is.
    assertEquals(List.of(b.resolve(MODEL)), holders(b, plaintext, 0, Set.of()));
    KeyProvider keys = KeyProviders.mountedSecret(kekDir("kek-1"));
    BundleEncryption.encrypt(b, keys, "kek-1");
    assertEquals(List.of(), holders(b, plaintext, 0, Set.of()), "plaintext in the bundle");
    assertTrue(Files.exists(b.resolve("encryption-keys/kek-1.key")));

    Path tmpdir = Path.of(System.getProperty("java.io.tmpdir"));
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "agriscore");
    Path plainRoot;
    try (ModelBundle opened = ModelBundle.open(b, BundleLimits.defaults(),
        TrustPolicy.unsignedAllowed(), keys);
        CreditScorer scorer = CreditScorer.builder(b).keys(keys).build()) {
      plainRoot = opened.root();
      assertEquals(List.of(plainRoot.resolve(MODEL)), holders(plainRoot, plaintext, 0, Set.of()));
      if (Files.isDirectory(Path.of("/dev/shm"))) {
        assertEquals(Path.of("/dev/shm"), plainRoot.getParent());
      }
      assertEquals("rwx------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(plainRoot)));
      assertEquals(8, scorer.model().goldenCaseCount());
      // While scoring: the plaintext is only in the private memory-backed directories.
      Set<Path> skip = Set.of(tmp, Path.of("/dev/shm"));
      assertEquals(List.of(), holders(tmpdir, plaintext, since, skip), "plaintext in tmpdir");
      assertEquals(List.of(), holders(cache, plaintext, since, skip), "plaintext in the cache");
      assertEquals(List.of(), holders(b, plaintext, 0, Set.of()), "plaintext in the bundle");
    }
    assertFalse(Files.exists(plainRoot), "the plaintext directory outlived close");
    assertEquals(List.of(), holders(Path.of("/dev/shm"), plaintext, since, Set.of()),
        "plaintext left in /dev/shm after close");
  }

  @Test
  void aFlippedCiphertextByteIsRefusedNamingTheFileAndNothingIsLeft() throws Exception {
    long since = System.currentTimeMillis() - 2000;
    Path b = TestBundles.writeScorecardBundle(tmp);
    byte[] plaintext = Files.readAllBytes(b.resolve(MODEL));
    KeyProvider keys = KeyProviders.mountedSecret(kekDir("kek-1"));
    BundleEncryption.encrypt(b, keys, "kek-1");
    byte[] c = Files.readAllBytes(b.resolve(MODEL));
    c[c.length / 2] ^= 1;
    Files.write(b.resolve(MODEL), c);
    BundleWriter.seal(b);
    BundleException e = assertThrows(BundleException.class,
        () -> CreditScorer.builder(b).keys(keys).build().close());
    assertEquals(MODEL, e.file());
    assertTrue(e.getMessage().contains("does not decrypt"), e.getMessage());
    assertEquals(List.of(), holders(Path.of("/dev/shm"), plaintext, since, Set.of()));
  }

  @Test
  void withoutItsKekAnEncryptedBundleIsRefused() throws Exception {
    Path b = TestBundles.writeScorecardBundle(tmp);
    BundleEncryption.encrypt(b, KeyProviders.mountedSecret(kekDir("kek-1")), "kek-1");
    BundleException none = assertThrows(BundleException.class,
        () -> CreditScorer.builder(b).build().close());
    assertEquals("encryption-keys/", none.file());
    BundleException other = assertThrows(BundleException.class,
        () -> CreditScorer.builder(b).keys(KeyProviders.mountedSecret(kekDir("kek-9"))).build()
            .close());
    assertTrue(other.getMessage().contains("none of its key-encryption keys [kek-1]"),
        other.getMessage());
  }

  @Test
  void aChangedWrappedKeyDoesNotUnwrap() throws Exception {
    Path b = TestBundles.writeScorecardBundle(tmp);
    KeyProvider keys = KeyProviders.mountedSecret(kekDir("kek-1"));
    BundleEncryption.encrypt(b, keys, "kek-1");
    Path wrapped = b.resolve("encryption-keys/kek-1.key");
    byte[] w = Files.readAllBytes(wrapped);
    w[20] ^= 1;
    Files.write(wrapped, w);
    BundleException e = assertThrows(BundleException.class,
        () -> CreditScorer.builder(b).keys(keys).build().close());
    assertEquals("encryption-keys/kek-1.key", e.file());
    assertTrue(e.getMessage().contains("does not unwrap with KEK 'kek-1'"), e.getMessage());
  }

  @Test
  void rotatingTheKekRewrapsWithoutTouchingASignedByte() throws Exception {
    Path b = TestBundles.writeScorecardBundle(tmp);
    KeyProvider both = KeyProviders.mountedSecret(kekDir("kek-1", "kek-2"));
    BundleEncryption.encrypt(b, both, "kek-1");
    KeyPair signer = TestKeys.p256();
    BundleSigner.of(signer.getPrivate(), signer.getPublic()).sign(b);
    TrustPolicy policy = TrustPolicy.anyTrustedKey(TrustStore.builder()
        .add(TrustedKey.of(signer.getPublic(), "data-science", "trainer")).build());
    // Signatures cover the ciphertext: they verify without any key.
    assertEquals(1, BundleSigner.verify(b, policy).signatures().size());
    Map<String, String> before = TestKeys.digests(b);
    byte[] signature = Files.readAllBytes(b.resolve(SignatureFiles.forKey(
        Pem.keyId(signer.getPublic()))));

    BundleEncryption.rotate(b, both, "kek-1", "kek-2");
    Map<String, String> after = TestKeys.digests(b);
    after.remove("encryption-keys/kek-2.key");
    before.remove("encryption-keys/kek-1.key");
    assertEquals(before, after, "rotation changed a model or bundle file");
    assertArrayEquals(signature, Files.readAllBytes(b.resolve(SignatureFiles.forKey(
        Pem.keyId(signer.getPublic())))));
    try (CreditScorer s = CreditScorer.builder(b).trust(policy)
        .keys(KeyProviders.mountedSecret(kekDir("kek-2"))).build()) {
      assertEquals(1, s.model().trust().signatures().size());
    }
    assertThrows(BundleException.class, () -> CreditScorer.builder(b).trust(policy)
        .keys(KeyProviders.mountedSecret(kekDir("kek-1"))).build().close());
  }

  @Test
  void decryptRestoresThePlaintextBundleAndAPkcs12KekWorks() throws Exception {
    Path b = TestBundles.writeScorecardBundle(tmp);
    byte[] plaintext = Files.readAllBytes(b.resolve(MODEL));
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] password = "p12-test".toCharArray();
    ks.setEntry("bank-kek", new KeyStore.SecretKeyEntry(new SecretKeySpec(k, "AES")),
        new KeyStore.PasswordProtection(password));
    Path p12 = tmp.resolve("kek.p12");
    try (OutputStream out = Files.newOutputStream(p12)) {
      ks.store(out, password);
    }
    KeyProvider keys = KeyProviders.pkcs12(p12, password);
    BundleEncryption.encrypt(b, keys, "bank-kek");
    try (CreditScorer s = CreditScorer.builder(b).keys(keys).build()) {
      assertEquals(8, s.model().goldenCaseCount());
    }
    BundleEncryption.decrypt(b, keys);
    assertArrayEquals(plaintext, Files.readAllBytes(b.resolve(MODEL)));
    assertFalse(Files.exists(b.resolve("encryption.json")));
    assertFalse(Files.exists(b.resolve("encryption-keys")));
    try (CreditScorer s = CreditScorer.open(b)) {
      assertEquals(new TreeMap<>(s.model().fileChecksums()).keySet(),
          Set.of("golden.json", MODEL, "preprocessing.json", "reference.json", "schema.json",
              "scorecard.json"));
    }
  }
}
