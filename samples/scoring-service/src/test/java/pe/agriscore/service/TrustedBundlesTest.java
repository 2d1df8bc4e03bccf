package pe.agriscore.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pe.agriscore.authoring.BundleEncryption;
import pe.agriscore.authoring.BundleSigner;
import pe.agriscore.scoring.ScoringJson;
import pe.agriscore.testing.TestBundles;
import pe.agriscore.trust.KeyProviders;
import pe.agriscore.trust.Pem;

/**
 * The shipped trust policy, four eyes, with the DEMO trust store: the three signed reference
 * bundles load and their verified signatures are published; a bundle carrying only the
 * trainer's signature is refused naming the trust rule, and the service stays not ready; an
 * encrypted (and signed) bundle opens with its key-encryption key from a mounted secret
 * directory.
 */
class TrustedBundlesTest {

  /** The demo keys' ids, as samples/keys/README.md documents them. */
  private static final String TRAINER =
      "1c7c0cdfb668975d48d36dde4edffb8729e1a2d545caefb722f9718cdbb5fc05";
  private static final String APPROVER =
      "3868b4cafeb69744e97f18e6c62b71f3c0cf9512cf9f74bdc3bbb45d8bdede8d";

  private static Path temp;
  private static TestService service;

  @BeforeAll
  static void start() throws Exception {
    temp = Files.createTempDirectory("trusted-bundles-test");
    Path trainerOnly = temp.resolve("trainer-only");
    copy(TestService.MODELS.resolve("farmer-scorecard"), trainerOnly);
    Files.delete(trainerOnly.resolve("signatures/" + APPROVER + ".sig"));

    // A Kubernetes secret mounted as files: one per KEK id, 32 raw bytes.
    Path secrets = Files.createDirectory(temp.resolve("kek"));
    byte[] kek = new byte[32];
    new SecureRandom().nextBytes(kek);
    Files.write(secrets.resolve("kek-test"), kek);
    Path encrypted = TestBundles.writeScorecardBundle(Files.createDirectory(temp.resolve("enc")));
    BundleEncryption.encrypt(encrypted, KeyProviders.mountedSecret(secrets), "kek-test");
    sign(encrypted, "demo-trainer", "trainer");
    sign(encrypted, "demo-approver", "approver");

    Map<String, Object> p = TestService.properties(List.of(
        TestService.MODELS.resolve("farmer-scorecard"), TestService.MODELS.resolve("farmer-mlp-tf"),
        TestService.MODELS.resolve("farmer-mlp-pt"), trainerOnly, encrypted));
    p.put("agriscore.trust.policy", "four-eyes");
    p.put("agriscore.trust.store",
        TestService.DEMO_KEYS.resolve("demo-trust-store.json").toAbsolutePath());
    p.put("agriscore.trust.key-secret-dir", secrets.toAbsolutePath());
    service = TestService.start(p, false, null, false);
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (true) {
      JsonNode models = TestService.json(service.get("/v1/models", TestService.ALL_ROLES_KEY));
      if (models.path("models").size() + models.path("refused").size() == 5) {
        break;
      }
      assertTrue(System.nanoTime() < deadline, "all five bundles judged within 3 minutes");
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null) {
      service.close();
    }
    TestService.delete(temp);
  }

  @Test
  void aBundleSignedOnlyByTheTrainerIsRefusedNamingTheRuleAndTheServiceIsNotReady()
      throws Exception {
    JsonNode models = TestService.json(service.get("/v1/models", TestService.ALL_ROLES_KEY));
    assertFalse(models.path("ready").asBoolean(), models.toString());
    assertEquals(1, models.path("refused").size(), models.toString());
    JsonNode refused = models.path("refused").get(0);
    assertEquals("trainer-only", refused.path("bundle").asText());
    assertTrue(refused.path("problem").asText().contains("(trust rule: role-missing)"),
        refused.toString());
    assertTrue(refused.path("problem").asText().contains("approver"), refused.toString());
    assertEquals(503, service.get("/actuator/health/readiness", null).statusCode());
  }

  @Test
  void theSignedReferenceBundlesLoadUnderFourEyesAndShowWhatWasVerified() throws Exception {
    for (String name : List.of("farmer-scorecard", "farmer-mlp-tf", "farmer-mlp-pt")) {
      JsonNode trust = TestService.json(service.get("/v1/models/" + name,
          TestService.ALL_ROLES_KEY)).path("trust");
      assertEquals("four-eyes", trust.path("policy").asText(), name + ": " + trust);
      Map<String, String> roleByKey = new HashMap<>();
      for (JsonNode s : trust.path("signatures")) {
        roleByKey.put(s.path("keyId").asText(), s.path("role").asText());
        assertEquals("signatures/" + s.path("keyId").asText() + ".sig", s.path("file").asText());
        assertTrue(s.path("owner").asText().startsWith("DEMO"), s.toString());
        assertEquals(s.path("role").asText(), s.path("keyRoles").get(0).asText(), s.toString());
        assertTrue(s.path("signedAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), s.toString());
      }
      assertEquals(Map.of(TRAINER, "trainer", APPROVER, "approver"), roleByKey, name);
    }
  }

  @Test
  void anEncryptedBundleOpensWithItsKeyFromAMountedSecretAndScores() throws Exception {
    JsonNode doc = TestService.json(service.get("/v1/models/test-scorecard",
        TestService.ALL_ROLES_KEY));
    assertEquals(2, doc.path("trust").path("signatures").size(), doc.toString());
    assertTrue(doc.path("fileChecksums").has("encryption.json"), doc.toString());
    byte[] request = ScoringJson.writeRequest(TestBundles.randomRequests(11, 1).get(0));
    var r = service.score("test-scorecard", request);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(TestBundles.expectedProbability(TestBundles.randomRequests(11, 1).get(0)),
        TestService.json(r).path("probabilityOfDefault").asDouble(), 1e-9);
  }

  private static void sign(Path bundle, String key, String role) throws Exception {
    Path keys = TestService.DEMO_KEYS;
    BundleSigner.of(Pem.readPrivateKey(Files.readString(keys.resolve(key + ".key.pem"))),
        Pem.readPublicKey(Files.readString(keys.resolve(key + ".pub.pem")))).role(role)
        .sign(bundle);
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
