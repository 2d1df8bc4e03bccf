package pe.agriscore.samples.bundlecli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.trust.Pem;

/**
 * The runnable jar, run as a user would in child JVMs, on copies of the reference bundles in
 * {@code samples/models/}: keygen, sign (PEM, PKCS#12, PKCS#11 on a SoftHSM2 token made in a
 * temporary directory), verify under both policies, inspect, and refusals.
 */
class BundleCliIT {

  private static final Path JAR = Path.of("target/agriscore-bundle.jar").toAbsolutePath();
  private static final Path MODELS = Path.of("../models").toAbsolutePath().normalize();
  private static final String SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so";

  @TempDir Path tmp;

  private record Result(int code, String out) {}

  private static Result run(Map<String, String> env, Path dir, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + List.of(command));
      return new Result(p.exitValue(), out.strip());
    } finally {
      p.destroyForcibly();
    }
  }

  private Result cli(Map<String, String> env, String... args) throws Exception {
    List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-jar", JAR.toString()));
    c.addAll(List.of(args));
    return run(env, tmp, c.toArray(String[]::new));
  }

  private Result cli(String... args) throws Exception {
    return cli(Map.of(), args);
  }

  /** A copy of a reference bundle without its (demo) signatures. */
  private Path copy(String model) throws IOException {
    Path target = tmp.resolve(model);
    try (Stream<Path> s = Files.walk(MODELS.resolve(model))) {
      for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
        String rel = MODELS.resolve(model).relativize(p).toString();
        if (rel.equals("signatures") || rel.startsWith("signatures/")) {
          continue;
        }
        Path t = target.resolve(rel);
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return target;
  }

  private static String storeEntry(Path pub, String owner, String role) throws IOException {
    return "{\"owner\":\"" + owner + "\",\"roles\":[\"" + role + "\"],\"publicKey\":"
        + jsonString(Files.readString(pub)) + "}";
  }

  private static String jsonString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private Path keygen(String name) throws Exception {
    Result r = cli("keygen", "--private", name + ".key.pem", "--public", name + ".pub.pem");
    assertEquals(0, r.code, r.out);
    String id = Pem.keyId(Pem.readPublicKey(Files.readString(tmp.resolve(name + ".pub.pem"))));
    assertEquals("key id " + id, r.out);
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(tmp.resolve(name + ".key.pem")));
    return tmp.resolve(name + ".pub.pem");
  }

  @Test
  void keygenSignVerifyInspectRoundTripOnEveryReferenceBundle() throws Exception {
    Path trainerPub = keygen("trainer");
    Path approverPub = keygen("approver");
    Files.writeString(tmp.resolve("trust.json"), "{\"keys\":[" + storeEntry(trainerPub,
        "data-science", "trainer") + "," + storeEntry(approverPub, "model-risk", "approver")
        + "]}");
    for (String model : List.of("farmer-scorecard", "farmer-mlp-tf", "farmer-mlp-pt")) {
      Path b = copy(model);
      Result unsigned = cli("verify", b.toString(), "--trust-store", "trust.json");
      assertEquals(1, unsigned.code, unsigned.out);
      assertTrue(unsigned.out.contains("(trust rule: unsigned)"), unsigned.out);

      assertEquals(0, cli("sign", b.toString(), "--key", "trainer.key.pem", "--public-key",
          "trainer.pub.pem", "--role", "trainer").code);
      Result one = cli("verify", b.toString(), "--trust-store", "trust.json");
      assertEquals(1, one.code, one.out);
      assertTrue(one.out.contains("(trust rule: role-missing)"), one.out);
      assertEquals(0, cli("verify", b.toString(), "--trust-store", "trust.json", "--policy",
          "any-trusted-key").code);

      assertEquals(0, cli("sign", b.toString(), "--key", "approver.key.pem", "--public-key",
          "approver.pub.pem", "--role", "approver").code);
      Result both = cli("verify", b.toString(), "--trust-store", "trust.json");
      assertEquals(0, both.code, both.out);
      assertTrue(both.out.startsWith("verified under four-eyes:"), both.out);
      assertTrue(both.out.contains("owner data-science  role trainer"), both.out);
      assertTrue(both.out.contains("owner model-risk  role approver"), both.out);

      Result inspect = cli("inspect", b.toString());
      assertEquals(0, inspect.code, inspect.out);
      assertTrue(inspect.out.contains("2 signature file(s)"), inspect.out);

      Files.writeString(b.resolve("golden.json"), " ", StandardOpenOption.APPEND);
      Result tampered = cli("verify", b.toString(), "--trust-store", "trust.json");
      assertEquals(1, tampered.code, tampered.out);
      assertTrue(tampered.out.startsWith("refused: golden.json: SHA-256 mismatch"), tampered.out);
    }
  }

  @Test
  void theCommittedReferenceBundlesVerifyUnderFourEyesWithTheDemoTrustStore() throws Exception {
    for (String model : List.of("farmer-scorecard", "farmer-mlp-tf", "farmer-mlp-pt")) {
      Result r = cli("verify", MODELS.resolve(model).toString(), "--trust-store",
          MODELS.resolve("../keys/demo-trust-store.json").normalize().toString());
      assertEquals(0, r.code, r.out);
      assertTrue(r.out.contains("owner DEMO data-science (never for production)  role trainer"),
          r.out);
      assertTrue(r.out.contains("owner DEMO model-risk (never for production)  role approver"),
          r.out);
    }
  }

  @Test
  void theWorkedExampleOfBundleFormatMdVerifiesWithOpensslAsWritten() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/xxd")),
        "xxd is missing: the worked example's last step needs it");
    String doc = Files.readString(MODELS.resolve("../../docs/bundle-format.md").normalize());
    int from = doc.indexOf("```sh\ncd samples/models/farmer-scorecard") + "```sh\n".length();
    String script = doc.substring(from, doc.indexOf("```", from));
    Path file = Files.writeString(tmp.resolve("worked-example.sh"), script);
    Result r = run(Map.of(), MODELS.resolve("../..").normalize(), "bash", "-e", file.toString());
    assertEquals(0, r.code, r.out);
    assertTrue(r.out.contains("Verified OK"), r.out);
    assertTrue(r.out.contains("same files"), r.out);
    assertEquals(7, r.out.split(": OK").length - 1, r.out);
  }

  @Test
  void encryptSignRotateVerifyDecryptRoundTripOnAReferenceBundle() throws Exception {
    String model = "farmer-mlp-pt";
    Path b = copy(model);
    Path secrets = Files.createDirectories(tmp.resolve("secrets"));
    byte[] k1 = new byte[32];
    byte[] k2 = new byte[32];
    new java.security.SecureRandom().nextBytes(k1);
    new java.security.SecureRandom().nextBytes(k2);
    Files.write(secrets.resolve("kek-2026"), k1);
    Files.write(secrets.resolve("kek-2027"), k2);
    Path trainerPub = keygen("trainer");
    Files.writeString(tmp.resolve("trust.json"), "{\"keys\":[" + storeEntry(trainerPub,
        "data-science", "trainer") + "]}");

    Result enc = cli("encrypt", b.toString(), "--kek", "kek-2026", "--kek-secret-dir",
        secrets.toString());
    assertEquals(0, enc.code, enc.out);
    byte[] plainModel = Files.readAllBytes(MODELS.resolve(model).resolve("model/mlp.pt"));
    byte[] stored = Files.readAllBytes(b.resolve("model/mlp.pt"));
    assertEquals(plainModel.length + 16, stored.length);
    assertFalse(java.util.Arrays.equals(plainModel, java.util.Arrays.copyOf(stored,
        plainModel.length)));
    assertEquals(0, cli("sign", b.toString(), "--key", "trainer.key.pem", "--public-key",
        "trainer.pub.pem", "--role", "trainer").code);
    assertEquals(0, cli("verify", b.toString(), "--trust-store", "trust.json", "--policy",
        "any-trusted-key").code, "signatures verify without any key");

    Result rot = cli("rotate", b.toString(), "--kek", "kek-2026", "--to-kek", "kek-2027",
        "--kek-secret-dir", secrets.toString());
    assertEquals(0, rot.code, rot.out);
    assertTrue(Files.exists(b.resolve("encryption-keys/kek-2027.key")));
    assertFalse(Files.exists(b.resolve("encryption-keys/kek-2026.key")));
    assertEquals(0, cli("verify", b.toString(), "--trust-store", "trust.json", "--policy",
        "any-trusted-key").code, "rotation left the signature valid");

    Result dec = cli("decrypt", b.toString(), "--kek-secret-dir", secrets.toString());
    assertEquals(0, dec.code, dec.out);
    try (Stream<Path> files = Files.walk(MODELS.resolve(model))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String rel = MODELS.resolve(model).relativize(f).toString();
        if (!rel.startsWith("signatures/") && !rel.equals("manifest.json")) {
          assertTrue(java.util.Arrays.equals(Files.readAllBytes(f),
              Files.readAllBytes(b.resolve(rel))), rel + " differs after decrypt");
        }
      }
    }
  }

  @Test
  void encryptAllSignVerifyDecryptRoundTripOnAReferenceBundle() throws Exception {
    String model = "farmer-scorecard";
    Path b = copy(model);
    Path secrets = Files.createDirectories(tmp.resolve("secrets"));
    byte[] k = new byte[32];
    new java.security.SecureRandom().nextBytes(k);
    Files.write(secrets.resolve("kek-2026"), k);
    Path trainerPub = keygen("trainer");
    Files.writeString(tmp.resolve("trust.json"), "{\"keys\":[" + storeEntry(trainerPub,
        "data-science", "trainer") + "]}");

    Result enc = cli("encrypt", b.toString(), "--all", "--kek", "kek-2026", "--kek-secret-dir",
        secrets.toString());
    assertEquals(0, enc.code, enc.out);
    assertTrue(enc.out.contains("encrypted every file of"), enc.out);
    for (String rel : List.of("schema.json", "preprocessing.json", "scorecard.json",
        "reference.json", "golden.json", "model/scorecard.json")) {
      byte[] plain = Files.readAllBytes(MODELS.resolve(model).resolve(rel));
      byte[] stored = Files.readAllBytes(b.resolve(rel));
      assertEquals(plain.length + 16, stored.length, rel + " is not AES-GCM ciphertext");
      assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("\"features\"")
          || new String(stored, StandardCharsets.ISO_8859_1).contains("\"cases\""), rel);
    }
    assertTrue(Files.readString(b.resolve("manifest.json")).contains("\"encryption.json\""));
    assertEquals(0, cli("sign", b.toString(), "--key", "trainer.key.pem", "--public-key",
        "trainer.pub.pem", "--role", "trainer").code);
    Result verified = cli("verify", b.toString(), "--trust-store", "trust.json", "--policy",
        "any-trusted-key");
    assertEquals(0, verified.code, "signatures over an all-encrypted bundle verify without"
        + " any key: " + verified.out);

    Result dec = cli("decrypt", b.toString(), "--kek-secret-dir", secrets.toString());
    assertEquals(0, dec.code, dec.out);
    assertFalse(Files.exists(b.resolve("encryption.json")));
    try (Stream<Path> files = Files.walk(MODELS.resolve(model))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String rel = MODELS.resolve(model).relativize(f).toString();
        if (!rel.startsWith("signatures/") && !rel.equals("manifest.json")) {
          assertTrue(java.util.Arrays.equals(Files.readAllBytes(f),
              Files.readAllBytes(b.resolve(rel))), rel + " differs after decrypt");
        }
      }
    }
  }

  @Test
  void signsWithAPkcs12KeystoreKey() throws Exception {
    Path b = copy("farmer-scorecard");
    Result gen = run(Map.of(), tmp, "keytool", "-genkeypair", "-keyalg", "EC", "-groupname",
        "secp256r1", "-alias", "approver", "-dname", "CN=model-risk", "-validity", "30",
        "-storetype", "PKCS12", "-keystore", "approver.p12", "-storepass", "changeit-p12");
    assertEquals(0, gen.code, gen.out);
    Map<String, String> env = Map.of("P12_PASSWORD", "changeit-p12");
    Result signed = cli(env, "sign", b.toString(), "--pkcs12", "approver.p12", "--alias",
        "approver", "--password-env", "P12_PASSWORD", "--role", "approver");
    assertEquals(0, signed.code, signed.out);
    String keyId = signed.out.substring(signed.out.lastIndexOf(' ') + 1);
    assertTrue(Files.exists(b.resolve("signatures/" + keyId + ".sig")), signed.out);

    Result wrong = cli(Map.of("P12_PASSWORD", "wrong"), "sign", b.toString(), "--pkcs12",
        "approver.p12", "--alias", "approver", "--password-env", "P12_PASSWORD");
    assertEquals(1, wrong.code, wrong.out);
    assertTrue(wrong.out.startsWith("refused: "), wrong.out);
  }

  /**
   * A fresh SoftHSM2 token in the temp dir (PIN 4321): the environment that points the token
   * library at it, with the PIN in TOKEN_PIN. Skips loudly without SoftHSM2, fails under CI.
   */
  private Map<String, String> softHsmToken() throws Exception {
    boolean present = Files.exists(Path.of(SOFTHSM_LIB))
        && Files.isExecutable(Path.of("/usr/bin/softhsm2-util"));
    if (!present) {
      String message = "BundleCliIT: SoftHSM2 is missing (apt-get install softhsm2): the PKCS#11"
          + " tests did not run";
      if (System.getenv("CI") != null) {
        throw new AssertionError(message);
      }
      System.err.println("\n*** SKIPPED " + message + " ***\n");
      Assumptions.abort(message);
    }
    Path tokens = Files.createDirectories(tmp.resolve("tokens"));
    Path conf = Files.writeString(tmp.resolve("softhsm2.conf"), "directories.tokendir = "
        + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    Map<String, String> env = new HashMap<>(Map.of("SOFTHSM2_CONF", conf.toString(),
        "TOKEN_PIN", "4321"));
    Result init = run(env, tmp, "softhsm2-util", "--init-token", "--free", "--label",
        "agriscore-test", "--pin", "4321", "--so-pin", "87654321");
    assertEquals(0, init.code, init.out);
    Files.writeString(tmp.resolve("pkcs11.cfg"), "name = SoftHSM\nlibrary = " + SOFTHSM_LIB
        + "\nslotListIndex = 0\n");
    return env;
  }

  @Test
  void encryptsAndDecryptsWithAKekOnAPkcs11Token() throws Exception {
    Map<String, String> env = softHsmToken();
    Path p11 = tmp.resolve("pkcs11.cfg");
    Result gen = run(env, tmp, "keytool", "-genseckey", "-keyalg", "AES", "-keysize", "256",
        "-alias", "kek-hsm", "-keystore", "NONE", "-storetype", "PKCS11", "-providerClass",
        "sun.security.pkcs11.SunPKCS11", "-providerArg", p11.toString(), "-storepass", "4321");
    assertEquals(0, gen.code, gen.out);
    Path b = copy("farmer-scorecard");
    Result enc = cli(env, "encrypt", b.toString(), "--kek", "kek-hsm", "--kek-pkcs11-config",
        p11.toString(), "--password-env", "TOKEN_PIN");
    assertEquals(0, enc.code, enc.out);
    assertEquals(60, Files.size(b.resolve("encryption-keys/kek-hsm.key")));
    byte[] plain = Files.readAllBytes(MODELS.resolve("farmer-scorecard/model/scorecard.json"));
    assertFalse(java.util.Arrays.equals(plain, Files.readAllBytes(
        b.resolve("model/scorecard.json"))));
    Result wrongPin = cli(Map.of("SOFTHSM2_CONF", env.get("SOFTHSM2_CONF"), "TOKEN_PIN", "0000"),
        "decrypt", b.toString(), "--kek-pkcs11-config", p11.toString(), "--password-env",
        "TOKEN_PIN");
    assertEquals(1, wrongPin.code, wrongPin.out);
    Result dec = cli(env, "decrypt", b.toString(), "--kek-pkcs11-config", p11.toString(),
        "--password-env", "TOKEN_PIN");
    assertEquals(0, dec.code, dec.out);
    assertTrue(java.util.Arrays.equals(plain, Files.readAllBytes(
        b.resolve("model/scorecard.json"))));
  }

  @Test
  void signsWithAKeyOnAPkcs11TokenAndTheSignatureVerifies() throws Exception {
    Map<String, String> env = softHsmToken();
    Path p11 = tmp.resolve("pkcs11.cfg");
    Result gen = run(env, tmp, "keytool", "-genkeypair", "-keyalg", "EC", "-groupname",
        "secp256r1", "-alias", "approver", "-dname", "CN=model-risk", "-keystore", "NONE",
        "-storetype", "PKCS11", "-providerClass", "sun.security.pkcs11.SunPKCS11",
        "-providerArg", p11.toString(), "-storepass", "4321");
    assertEquals(0, gen.code, gen.out);
    Result export = run(env, tmp, "keytool", "-exportcert", "-rfc", "-alias", "approver",
        "-keystore", "NONE", "-storetype", "PKCS11", "-providerClass",
        "sun.security.pkcs11.SunPKCS11", "-providerArg", p11.toString(), "-storepass", "4321",
        "-file", "approver.cert.pem");
    assertEquals(0, export.code, export.out);
    String pub = Pem.publicKey(java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(Files.newInputStream(tmp.resolve("approver.cert.pem")))
        .getPublicKey());
    Files.writeString(tmp.resolve("approver.pub.pem"), pub);

    Path b = copy("farmer-scorecard");
    Result signed = cli(env, "sign", b.toString(), "--pkcs11-config", p11.toString(),
        "--token-alias", "approver", "--pin-env", "TOKEN_PIN", "--role", "approver");
    assertEquals(0, signed.code, signed.out);
    Files.writeString(tmp.resolve("trust.json"), "{\"keys\":[" + storeEntry(
        tmp.resolve("approver.pub.pem"), "model-risk", "approver") + "]}");
    Result verified = cli("verify", b.toString(), "--trust-store", "trust.json", "--policy",
        "any-trusted-key");
    assertEquals(0, verified.code, verified.out);
    assertTrue(verified.out.contains("key " + Pem.keyId(Pem.readPublicKey(pub))
        + "  owner model-risk  role approver"), verified.out);
  }
}
