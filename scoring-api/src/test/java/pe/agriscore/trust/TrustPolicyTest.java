package pe.agriscore.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.authoring.BundleSigner;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.CreditScorer;
import pe.agriscore.ModelDescription;
import pe.agriscore.testing.TestBundles;

/**
 * Every refusal of a trust policy, each through {@code CreditScorer.builder(path).trust(policy)}
 * on a real signed scorecard bundle, and what a scorer describes after a verified load.
 */
class TrustPolicyTest {

  private static final Instant NOW = Instant.parse("2026-12-02T02:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static KeyPair trainer;
  private static KeyPair approver;
  private static KeyPair stranger;

  @TempDir Path tmp;

  @BeforeAll
  static void keys() {
    trainer = TestKeys.p256();
    approver = TestKeys.p256();
    stranger = TestKeys.p256();
  }

  private static TrustStore store() {
    return TrustStore.builder()
        .add(TrustedKey.of(trainer.getPublic(), "data-science", TrustPolicy.TRAINER))
        .add(TrustedKey.of(approver.getPublic(), "model-risk", TrustPolicy.APPROVER))
        .build();
  }

  private static BundleSigner signer(KeyPair k, String role) {
    return BundleSigner.of(k.getPrivate(), k.getPublic()).role(role).clock(CLOCK);
  }

  private Path bundle() throws IOException {
    return TestBundles.writeScorecardBundle(tmp);
  }

  private Path signedBundle() throws IOException {
    Path b = bundle();
    signer(trainer, TrustPolicy.TRAINER).sign(b);
    return b;
  }

  private static ModelDescription open(Path b, TrustPolicy policy) {
    try (CreditScorer s = CreditScorer.builder(b).trust(policy.withClock(CLOCK)).build()) {
      return s.model();
    }
  }

  private static TrustException refused(Path b, TrustPolicy policy, TrustRule rule) {
    TrustException e = assertThrows(TrustException.class, () -> open(b, policy));
    assertEquals(rule, e.rule(), e::getMessage);
    assertTrue(e.getMessage().endsWith("(trust rule: " + rule.id() + ")"), e::getMessage);
    return e;
  }

  private static String sigFile(KeyPair k) {
    return SignatureFiles.forKey(Pem.keyId(k.getPublic()));
  }

  @Test
  void unsignedV1BundleOpensUnderTheDefaultDevelopmentPolicy() throws IOException {
    Path b = bundle();
    try (CreditScorer s = CreditScorer.open(b)) {
      assertEquals(TrustPolicy.UNSIGNED_ALLOWED, s.model().trust().policy());
      assertEquals(List.of(), s.model().trust().signatures());
    }
  }

  @Test
  void signedBundleOpensAndTheDescriptionSaysWhoSigned() throws IOException {
    Path b = signedBundle();
    ModelDescription m = open(b, TrustPolicy.anyTrustedKey(store()));
    assertEquals(TrustPolicy.ANY_TRUSTED_KEY, m.trust().policy());
    VerifiedSignature s = m.trust().signatures().get(0);
    assertEquals(1, m.trust().signatures().size());
    assertEquals(sigFile(trainer), s.file());
    assertEquals(Pem.keyId(trainer.getPublic()), s.keyId());
    assertEquals("data-science", s.owner());
    assertEquals(TrustPolicy.TRAINER, s.role());
    assertEquals(NOW, s.signedAt());
  }

  @Test
  void unsignedIsRefusedByAVerifyingPolicy() throws IOException {
    refused(bundle(), TrustPolicy.anyTrustedKey(store()), TrustRule.UNSIGNED);
  }

  @Test
  void alteredSignatureValueDoesNotVerify() throws IOException {
    Path b = signedBundle();
    Path sig = b.resolve(sigFile(trainer));
    ObjectNode root = (ObjectNode) JSON.readTree(sig.toFile());
    ObjectNode s = (ObjectNode) root.path("dsseEnvelope").path("signatures").get(0);
    byte[] der = Base64.getDecoder().decode(s.path("sig").asText());
    der[der.length - 1] ^= 1;
    s.put("sig", Base64.getEncoder().encodeToString(der));
    JSON.writeValue(sig.toFile(), root);
    TrustException e = refused(b, TrustPolicy.anyTrustedKey(store()), TrustRule.BAD_SIGNATURE);
    assertEquals(sigFile(trainer), e.file());
  }

  @Test
  void alteredStatementDoesNotVerify() throws IOException {
    Path b = signedBundle();
    Path sig = b.resolve(sigFile(trainer));
    ObjectNode root = (ObjectNode) JSON.readTree(sig.toFile());
    ObjectNode env = (ObjectNode) root.path("dsseEnvelope");
    String statement = new String(Base64.getDecoder().decode(env.path("payload").asText()),
        StandardCharsets.UTF_8).replace("\"trainer\"", "\"approver\"");
    env.put("payload", Base64.getEncoder().encodeToString(
        statement.getBytes(StandardCharsets.UTF_8)));
    JSON.writeValue(sig.toFile(), root);
    refused(b, TrustPolicy.anyTrustedKey(store()), TrustRule.BAD_SIGNATURE);
  }

  @Test
  void aFileChangedAfterSigningIsNamed() throws IOException {
    Path b = signedBundle();
    Files.writeString(b.resolve("scorecard.json"), "\n", java.nio.file.StandardOpenOption.APPEND);
    BundleWriter.seal(b);
    TrustException e = refused(b, TrustPolicy.anyTrustedKey(store()), TrustRule.FILE_CHANGED);
    assertEquals("scorecard.json", e.file());
    assertTrue(e.getMessage().contains("also changed: manifest.json"), e::getMessage);
  }

  @Test
  void aFileChangedWithoutResealingIsRefusedByItsChecksum() throws IOException {
    Path b = signedBundle();
    Files.writeString(b.resolve("scorecard.json"), "\n", java.nio.file.StandardOpenOption.APPEND);
    pe.agriscore.scoring.BundleException e = assertThrows(
        pe.agriscore.scoring.BundleException.class,
        () -> open(b, TrustPolicy.anyTrustedKey(store())));
    assertEquals("scorecard.json", e.file());
  }

  @Test
  void aFileAddedAfterSigningIsNamed() throws IOException {
    Path b = signedBundle();
    Files.writeString(b.resolve("notes.txt"), "added later");
    BundleWriter.seal(b);
    TrustException e = refused(b, TrustPolicy.anyTrustedKey(store()), TrustRule.FILE_ADDED);
    assertEquals("notes.txt", e.file());
  }

  @Test
  void aFileRemovedAfterSigningIsNamed() throws IOException {
    Path b = bundle();
    Files.writeString(b.resolve("notes.txt"), "signed, then removed");
    BundleWriter.seal(b);
    signer(trainer, TrustPolicy.TRAINER).sign(b);
    Files.delete(b.resolve("notes.txt"));
    BundleWriter.seal(b);
    TrustException e = refused(b, TrustPolicy.anyTrustedKey(store()), TrustRule.FILE_MISSING);
    assertEquals("notes.txt", e.file());
  }

  @Test
  void aStatementListingAFileTheBundleLacksIsRefused() throws IOException {
    Path b = bundle();
    Map<String, String> digests = new TreeMap<>(TestKeys.digests(b));
    digests.put("model/weights.bin", "ab".repeat(32));
    Files.createDirectories(b.resolve("signatures"));
    Files.write(b.resolve(sigFile(trainer)), TestKeys.signRaw(trainer,
        TestKeys.statement("b", digests, null, NOW)));
    TrustException e = refused(b, TrustPolicy.anyTrustedKey(store()), TrustRule.FILE_MISSING);
    assertEquals("model/weights.bin", e.file());
  }

  @Test
  void unknownKeyIsRefused() throws IOException {
    Path b = bundle();
    signer(stranger, null).sign(b);
    TrustException e = refused(b, TrustPolicy.anyTrustedKey(store()), TrustRule.UNKNOWN_KEY);
    assertTrue(e.getMessage().contains(Pem.keyId(stranger.getPublic())), e::getMessage);
  }

  @Test
  void everySignatureMustVerifyNotJustOne() throws IOException {
    Path b = signedBundle();
    signer(stranger, null).sign(b);
    TrustException e = refused(b, TrustPolicy.anyTrustedKey(store()), TrustRule.UNKNOWN_KEY);
    assertEquals(sigFile(stranger), e.file());
  }

  @Test
  void expiredKeyIsRefused() throws IOException {
    Path b = signedBundle();
    TrustStore s = TrustStore.builder().add(TrustedKey.of(trainer.getPublic(), "data-science",
        Set.of(TrustPolicy.TRAINER), NOW.minusSeconds(86400 * 365), NOW.minusSeconds(1))).build();
    refused(b, TrustPolicy.anyTrustedKey(s), TrustRule.EXPIRED_KEY);
  }

  @Test
  void keyNotYetValidIsRefused() throws IOException {
    Path b = signedBundle();
    TrustStore s = TrustStore.builder().add(TrustedKey.of(trainer.getPublic(), "data-science",
        Set.of(TrustPolicy.TRAINER), NOW.plusSeconds(60), null)).build();
    refused(b, TrustPolicy.anyTrustedKey(s), TrustRule.NOT_YET_VALID_KEY);
  }

  @Test
  void keyValidNowOpens() throws IOException {
    Path b = signedBundle();
    TrustStore s = TrustStore.builder().add(TrustedKey.of(trainer.getPublic(), "data-science",
        Set.of(TrustPolicy.TRAINER), NOW.minusSeconds(60), NOW.plusSeconds(60))).build();
    assertEquals(1, open(b, TrustPolicy.anyTrustedKey(s)).trust().signatures().size());
  }

  @Test
  void revokedKeyIsRefused() throws IOException {
    Path b = signedBundle();
    TrustStore s = TrustStore.builder()
        .add(TrustedKey.of(trainer.getPublic(), "data-science", TrustPolicy.TRAINER))
        .revoke(Pem.keyId(trainer.getPublic())).build();
    refused(b, TrustPolicy.anyTrustedKey(s), TrustRule.REVOKED_KEY);
  }

  @Test
  void fourEyesOpensWithATrainerAndADifferentApprover() throws IOException {
    Path b = signedBundle();
    signer(approver, TrustPolicy.APPROVER).sign(b);
    ModelDescription m = open(b, TrustPolicy.fourEyes(store()));
    assertEquals(TrustPolicy.FOUR_EYES, m.trust().policy());
    Map<String, String> roles = new TreeMap<>();
    m.trust().signatures().forEach(s -> roles.put(s.owner(), s.role()));
    assertEquals(Map.of("data-science", "trainer", "model-risk", "approver"), roles);
  }

  @Test
  void fourEyesRefusesATrainerAlone() throws IOException {
    TrustException e = refused(signedBundle(), TrustPolicy.fourEyes(store()),
        TrustRule.ROLE_MISSING);
    assertTrue(e.getMessage().contains("'approver'"), e::getMessage);
  }

  @Test
  void fourEyesRefusesTheSameKeyInTwoRoles() throws IOException {
    Path b = bundle();
    KeyPair both = TestKeys.p256();
    TrustStore s = TrustStore.builder().add(TrustedKey.of(both.getPublic(), "one-person",
        TrustPolicy.TRAINER, TrustPolicy.APPROVER)).build();
    signer(both, TrustPolicy.TRAINER).sign(b, SignatureFiles.MODEL_SIG);
    signer(both, TrustPolicy.APPROVER).sign(b);
    TrustException e = refused(b, TrustPolicy.fourEyes(s), TrustRule.SAME_SIGNER_TWO_ROLES);
    assertTrue(e.getMessage().contains("one key may not serve in two roles"), e::getMessage);
  }

  @Test
  void fourEyesRefusesTwoKeysOfOneOwner() throws IOException {
    Path b = signedBundle();
    signer(approver, TrustPolicy.APPROVER).sign(b);
    TrustStore s = TrustStore.builder()
        .add(TrustedKey.of(trainer.getPublic(), "same-person", TrustPolicy.TRAINER))
        .add(TrustedKey.of(approver.getPublic(), "same-person", TrustPolicy.APPROVER)).build();
    TrustException e = refused(b, TrustPolicy.fourEyes(s), TrustRule.SAME_SIGNER_TWO_ROLES);
    assertTrue(e.getMessage().contains("two different people"), e::getMessage);
  }

  @Test
  void aRoleClaimTheKeyDoesNotHoldIsRefused() throws IOException {
    Path b = bundle();
    signer(trainer, TrustPolicy.APPROVER).sign(b);
    refused(b, TrustPolicy.anyTrustedKey(store()), TrustRule.ROLE_NOT_HELD);
  }

  @Test
  void signedZipBundleOpens() throws IOException {
    Path dir = bundle();
    Path zip = tmp.resolve("signed.zip");
    signer(trainer, TrustPolicy.TRAINER).sign(dir);
    signer(approver, TrustPolicy.APPROVER).sign(dir);
    BundleWriter.zip(dir, zip);
    assertEquals(2, open(zip, TrustPolicy.fourEyes(store())).trust().signatures().size());
  }

  @Test
  void bundleWriterSignsWithEverySigner() throws IOException {
    Path b = TestBundles.writeScorecardBundle(tmp, "scorecard", w -> w
        .signedBy(signer(trainer, TrustPolicy.TRAINER))
        .signedBy(signer(approver, TrustPolicy.APPROVER)));
    assertTrue(Files.exists(b.resolve(sigFile(trainer))));
    assertTrue(Files.exists(b.resolve(sigFile(approver))));
    assertEquals(2, open(b, TrustPolicy.fourEyes(store())).trust().signatures().size());
  }

  @Test
  void signaturesByP384AndP521KeysVerify() throws IOException {
    for (String curve : List.of("secp384r1", "secp521r1")) {
      Path b = TestBundles.writeScorecardBundle(Files.createDirectories(tmp.resolve(curve)));
      KeyPair k = TestKeys.generate(curve);
      signer(k, null).sign(b);
      TrustStore s = TrustStore.builder().add(TrustedKey.of(k.getPublic(), "x", "trainer")).build();
      assertEquals(Pem.keyId(k.getPublic()),
          open(b, TrustPolicy.anyTrustedKey(s)).trust().signatures().get(0).keyId());
    }
  }

  @Test
  void theSignatureFileIsTheOmsLayout() throws IOException {
    Path b = signedBundle();
    JsonNode root = JSON.readTree(b.resolve(sigFile(trainer)).toFile());
    assertEquals("application/vnd.dev.sigstore.bundle.v0.3+json", root.path("mediaType").asText());
    assertEquals(Pem.keyId(trainer.getPublic()),
        root.path("verificationMaterial").path("publicKey").path("hint").asText());
    assertEquals("application/vnd.in-toto+json",
        root.path("dsseEnvelope").path("payloadType").asText());
    JsonNode st = JSON.readTree(Base64.getDecoder().decode(
        root.path("dsseEnvelope").path("payload").asText()));
    assertEquals("https://in-toto.io/Statement/v1", st.path("_type").asText());
    assertEquals("https://model_signing/signature/v1.0", st.path("predicateType").asText());
    assertEquals("files", st.path("predicate").path("serialization").path("method").asText());
    Map<String, String> signed = new TreeMap<>();
    st.path("predicate").path("resources").forEach(r -> signed.put(r.path("name").asText(),
        r.path("digest").asText()));
    assertEquals(TestKeys.digests(b), signed);
  }
}
