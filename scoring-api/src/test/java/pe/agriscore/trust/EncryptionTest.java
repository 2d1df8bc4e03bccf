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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
  private static final List<String> ALL_FILES = List.of("golden.json", MODEL,
      "preprocessing.json", "reference.json", "schema.json", "scorecard.json");
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

  /**
   * The test scorecard bundle with a model file no other test on the machine writes: the
   * intercept's text gets digits far below a double's precision (the same double, so the same
   * golden probabilities), so that the plaintext search cannot find another test JVM's copy.
   */
  private Path uniqueScorecardBundle() throws IOException {
    Path b = TestBundles.writeScorecardBundle(tmp);
    String unique = String.format("%012d", Math.floorMod(RANDOM.nextLong(), 1_000_000_000_000L));
    String model = Files.readString(b.resolve(MODEL));
    String intercept = "\"intercept\": " + TestBundles.INTERCEPT;
    assertTrue(model.contains(intercept), model);
    Files.writeString(b.resolve(MODEL), model.replace(intercept,
        intercept + "00000000000000000000" + unique));
    BundleWriter.seal(b);
    return b;
  }

  @Test
  void anEncryptedBundleScoresAndNoPlaintextModelBytesAreLeftOnDisk() throws Exception {
    long since = System.currentTimeMillis() - 2000;
    Path b = uniqueScorecardBundle();
    byte[] plaintext = Files.readAllBytes(b.resolve(MODEL));
    // The search finds plaintext where it is.
    assertEquals(List.of(b.resolve(MODEL)), holders(b, plaintext, 0, Set.of()));
    KeyProvider keys = KeyProviders.mountedSecret(kekDir("kek-1"));
    BundleEncryption.encrypt(b, keys, "kek-1");
    assertEquals(List.of(), holders(b, plaintext, 0, Set.of()), "plaintext in the bundle");
    assertTrue(Files.exists(b.resolve("encryption-keys/kek-1.key")));

    assertNoPlaintextWhileScoringOrAfter(b, keys, Map.of(MODEL, plaintext),
        Map.of(MODEL, plaintext), since);
  }

  /**
   * Opens the encrypted bundle {@code b} as a scorer does (the scorecard engine reads its model
   * through {@code ModelFiles.open}) and checks that no plaintext directory is created at all,
   * that none of {@code plain}'s bytes are in the bundle and none of {@code unique}'s (plaintext
   * no other test on the machine writes) in java.io.tmpdir, the native cache or /dev/shm while
   * scoring or after close; then that
   * an engine that asks for the model's path gets a private directory holding the model files
   * only, deleted on close.
   */
  private void assertNoPlaintextWhileScoringOrAfter(Path b, KeyProvider keys,
      Map<String, byte[]> plain, Map<String, byte[]> unique, long since) throws Exception {
    Path tmpdir = Path.of(System.getProperty("java.io.tmpdir"));
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "agriscore");
    Path shm = Path.of("/dev/shm");
    Set<Path> skip = Set.of(tmp);
    try (ModelBundle opened = ModelBundle.open(b, BundleLimits.defaults(),
        TrustPolicy.unsignedAllowed(), keys);
        var model = pe.agriscore.engine.Engines.load(opened,
            pe.agriscore.engine.EngineOptions.defaults());
        CreditScorer scorer = CreditScorer.builder(b).keys(keys).build()) {
      assertEquals(8, scorer.model().goldenCaseCount());
      double pd = model.predict(opened.encoder().encode(opened.goldenCases().get(0).request()),
          1)[0];
      assertEquals(opened.goldenCases().get(0).probability(), pd, opened.goldenTolerance());
      assertEquals(java.util.Optional.empty(), opened.plaintextDirectory(),
          "the scorecard engine loads from memory: no plaintext directory");
      for (Map.Entry<String, byte[]> p : plain.entrySet()) {
        assertEquals(List.of(), holders(b, p.getValue(), 0, Set.of()),
            p.getKey() + "'s plaintext in the bundle");
      }
      for (Map.Entry<String, byte[]> p : unique.entrySet()) {
        String what = p.getKey() + "'s plaintext";
        assertEquals(List.of(), holders(tmpdir, p.getValue(), since, skip), what + " in tmpdir");
        assertEquals(List.of(), holders(cache, p.getValue(), since, skip), what + " in the cache");
        assertEquals(List.of(), holders(shm, p.getValue(), since, skip), what + " in /dev/shm");
      }
    }
    Path plainRoot;
    try (ModelBundle opened = ModelBundle.open(b, BundleLimits.defaults(),
        TrustPolicy.unsignedAllowed(), keys)) {
      // An engine that needs files (TensorFlow, PyTorch) asks for the path: only the model
      // files are written, into an owner-only directory on the memory-backed filesystem.
      Path modelPath = opened.modelPath();
      plainRoot = opened.plaintextDirectory().orElseThrow();
      assertEquals(plainRoot.resolve(MODEL), modelPath);
      assertArrayEquals(plain.get(MODEL), Files.readAllBytes(modelPath));
      try (Stream<Path> s = Files.walk(plainRoot)) {
        assertEquals(List.of(modelPath), s.filter(Files::isRegularFile).toList());
      }
      if (Files.isDirectory(shm)) {
        assertEquals(shm, plainRoot.getParent());
      }
      assertEquals("rwx------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(plainRoot)));
    }
    assertFalse(Files.exists(plainRoot), "the plaintext directory outlived close");
    for (Map.Entry<String, byte[]> p : unique.entrySet()) {
      assertEquals(List.of(), holders(shm, p.getValue(), since, skip),
          p.getKey() + "'s plaintext left in /dev/shm after close");
    }
  }

  @Test
  void anAllEncryptedBundleScoresFromMemoryAndNoPlaintextOfAnyFileIsOnDisk() throws Exception {
    long since = System.currentTimeMillis() - 2000;
    Path b = uniqueScorecardBundle();
    Map<String, byte[]> plain = new TreeMap<>();
    for (String f : ALL_FILES) {
      plain.put(f, Files.readAllBytes(b.resolve(f)));
    }
    // golden.json holds applicant data: a case id unique to this run marks it.
    String marker = "applicant-" + java.util.UUID.randomUUID();
    Files.writeString(b.resolve("golden.json"), Files.readString(b.resolve("golden.json"))
        .replaceFirst("\"id\"\\s*:\\s*\"[^\"]*\"", "\"id\": \"" + marker + "\""));
    BundleWriter.seal(b);
    plain.put("golden.json", Files.readAllBytes(b.resolve("golden.json")));
    byte[] applicant = marker.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(List.of(b.resolve("golden.json")), holders(b, applicant, 0, Set.of()));
    KeyProvider keys = KeyProviders.mountedSecret(kekDir("kek-1"));
    BundleEncryption.encrypt(b, keys, "kek-1", BundleEncryption.Scope.ALL);
    assertEquals(new java.util.TreeSet<>(ALL_FILES), BundleCrypto.encryptedFiles(b).keySet());
    for (Map.Entry<String, byte[]> p : plain.entrySet()) {
      assertEquals(p.getValue().length + 16, Files.size(b.resolve(p.getKey())), p.getKey());
    }
    assertEquals(List.of(), holders(b, applicant, 0, Set.of()), "applicant data in the bundle");
    assertNoPlaintextWhileScoringOrAfter(b, keys, plain, Map.of(MODEL, plain.get(MODEL),
        "golden.json", plain.get("golden.json"), "golden.json's applicant marker", applicant),
        since);
  }

  @Test
  void anAllEncryptedBundleVerifiesWithoutAKeyButOpensOnlyWithIt() throws Exception {
    Path b = TestBundles.writeScorecardBundle(tmp);
    KeyProvider keys = KeyProviders.mountedSecret(kekDir("kek-1"));
    BundleEncryption.encrypt(b, keys, "kek-1", BundleEncryption.Scope.ALL);
    KeyPair signer = TestKeys.p256();
    BundleSigner.of(signer.getPrivate(), signer.getPublic()).sign(b);
    TrustPolicy policy = TrustPolicy.anyTrustedKey(TrustStore.builder()
        .add(TrustedKey.of(signer.getPublic(), "data-science", "trainer")).build());
    assertEquals(1, BundleSigner.verify(b, policy).signatures().size());
    // The statement lists every file's ciphertext digest: the JSON files are covered too.
    assertEquals(TestKeys.digests(b).get("golden.json"),
        ModelBundle.verify(b, BundleLimits.defaults(), policy).manifest().files()
            .get("golden.json"));
    BundleException noKey = assertThrows(BundleException.class,
        () -> CreditScorer.builder(b).trust(policy).build().close());
    assertEquals("encryption-keys/", noKey.file());
    BundleException keyless = assertThrows(BundleException.class,
        () -> ModelBundle.open(b, BundleLimits.defaults(), policy).close());
    assertEquals("schema.json", keyless.file());
    assertTrue(keyless.getMessage().contains("is encrypted"), keyless.getMessage());
    try (CreditScorer s = CreditScorer.builder(b).trust(policy).keys(keys).build()) {
      assertEquals(8, s.model().goldenCaseCount());
    }
  }

  @Test
  void aFlippedByteInAnyEncryptedJsonFileIsRefusedNamingTheFile() throws Exception {
    KeyProvider keys = KeyProviders.mountedSecret(kekDir("kek-1"));
    for (String file : ALL_FILES) {
      Path b = TestBundles.writeScorecardBundle(Files.createDirectories(tmp.resolve(
          file.replace('/', '-'))));
      BundleEncryption.encrypt(b, keys, "kek-1", BundleEncryption.Scope.ALL);
      byte[] c = Files.readAllBytes(b.resolve(file));
      c[c.length / 3] ^= 0x10;
      Files.write(b.resolve(file), c);
      BundleWriter.seal(b);
      BundleException e = assertThrows(BundleException.class,
          () -> CreditScorer.builder(b).keys(keys).build().close(), file);
      assertEquals(file, e.file(), e.getMessage());
      assertTrue(e.getMessage().contains("does not decrypt"), e.getMessage());
    }
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

  @ParameterizedTest
  @EnumSource(BundleEncryption.Scope.class)
  void rotatingTheKekRewrapsWithoutTouchingASignedByte(BundleEncryption.Scope scope)
      throws Exception {
    Path b = TestBundles.writeScorecardBundle(tmp);
    KeyProvider both = KeyProviders.mountedSecret(kekDir("kek-1", "kek-2"));
    BundleEncryption.encrypt(b, both, "kek-1", scope);
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
    assertEquals(scope == BundleEncryption.Scope.ALL ? 6 : 1,
        BundleCrypto.encryptedFiles(b).size(), "files still encrypted after rotation");
    assertArrayEquals(signature, Files.readAllBytes(b.resolve(SignatureFiles.forKey(
        Pem.keyId(signer.getPublic())))));
    try (CreditScorer s = CreditScorer.builder(b).trust(policy)
        .keys(KeyProviders.mountedSecret(kekDir("kek-2"))).build()) {
      assertEquals(1, s.model().trust().signatures().size());
    }
    assertThrows(BundleException.class, () -> CreditScorer.builder(b).trust(policy)
        .keys(KeyProviders.mountedSecret(kekDir("kek-1"))).build().close());
  }

  @ParameterizedTest
  @EnumSource(BundleEncryption.Scope.class)
  void decryptRestoresThePlaintextBundleAndAPkcs12KekWorks(BundleEncryption.Scope scope)
      throws Exception {
    Path b = TestBundles.writeScorecardBundle(tmp);
    Map<String, byte[]> plain = new TreeMap<>();
    for (String f : ALL_FILES) {
      plain.put(f, Files.readAllBytes(b.resolve(f)));
    }
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
    BundleEncryption.encrypt(b, keys, "bank-kek", scope);
    try (CreditScorer s = CreditScorer.builder(b).keys(keys).build()) {
      assertEquals(8, s.model().goldenCaseCount());
    }
    BundleEncryption.decrypt(b, keys);
    for (Map.Entry<String, byte[]> p : plain.entrySet()) {
      assertArrayEquals(p.getValue(), Files.readAllBytes(b.resolve(p.getKey())),
          p.getKey() + " differs after decrypt");
    }
    assertFalse(Files.exists(b.resolve("encryption.json")));
    assertFalse(Files.exists(b.resolve("encryption-keys")));
    try (CreditScorer s = CreditScorer.open(b)) {
      assertEquals(new TreeMap<>(s.model().fileChecksums()).keySet(),
          Set.of("golden.json", MODEL, "preprocessing.json", "reference.json", "schema.json",
              "scorecard.json"));
    }
  }
}
