package pe.agriscore.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pe.agriscore.authoring.BundleSigner;
import pe.agriscore.authoring.BundleWriter;
import pe.agriscore.CreditScorer;
import pe.agriscore.testing.TestBundles;

/**
 * Interoperability with an independent OMS implementation: {@code src/test/python/oms_interop.py},
 * written from the OMS v1.0 and DSSE specifications only, on Debian's python3-cryptography. An
 * AgriScore signature verifies there, and one made there verifies in AgriScore. Where
 * python3-cryptography is missing the tests are skipped with a message, except under CI, where
 * they fail ({@code .ci/run} installs it).
 */
class OmsInteropTest {

  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path SCRIPT = Path.of("src/test/python/oms_interop.py").toAbsolutePath();

  @TempDir Path tmp;

  @BeforeAll
  static void needsPythonCryptography() throws Exception {
    boolean present = Files.isExecutable(PYTHON)
        && run(List.of(PYTHON.toString(), "-c", "import cryptography")).code == 0;
    if (!present) {
      String message = "OmsInteropTest: SKIPPED, /usr/bin/python3 with python3-cryptography is"
          + " missing (apt-get install python3-cryptography): the OMS interoperability proof did"
          + " not run";
      if (System.getenv("CI") != null) {
        throw new AssertionError(message.replace("SKIPPED", "FAILED under CI"));
      }
      System.err.println("\n*** " + message + " ***\n");
      Assumptions.abort(message);
    }
  }

  private record Result(int code, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("python did not finish: " + command);
      }
      return new Result(p.exitValue(), out.strip());
    } finally {
      p.destroyForcibly();
    }
  }

  private static Result python(String verb, Path bundle, Path sig, Path key) throws Exception {
    List<String> c = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), verb,
        bundle.toString(), sig.toString(), key.toString()));
    return run(c);
  }

  @Test
  void anAgriScoreSignatureVerifiesInTheIndependentImplementation() throws Exception {
    Path b = TestBundles.writeScorecardBundle(tmp);
    KeyPair k = TestKeys.p256();
    Path pub = Files.writeString(tmp.resolve("pub.pem"), Pem.publicKey(k.getPublic()));
    Path sig = BundleSigner.of(k.getPrivate(), k.getPublic()).role("trainer").sign(b);
    Result ok = python("verify", b, sig, pub);
    assertEquals(0, ok.code, ok.output);
    assertEquals("verified 7 files", ok.output);

    // A second signature by another key does not disturb the first (both ignore signatures/).
    KeyPair other = TestKeys.p256();
    BundleSigner.of(other.getPrivate(), other.getPublic()).sign(b);
    assertEquals(0, python("verify", b, sig, pub).code);

    Files.writeString(b.resolve("scorecard.json"), "\n", StandardOpenOption.APPEND);
    Result changed = python("verify", b, sig, pub);
    assertEquals(1, changed.code, changed.output);
    assertEquals("refused: changed file scorecard.json", changed.output);
  }

  @Test
  void aSignatureMadeByTheIndependentImplementationVerifiesInAgriScore() throws Exception {
    Path b = TestBundles.writeScorecardBundle(tmp);
    KeyPair k = TestKeys.p256();
    Path key = Files.writeString(tmp.resolve("key.pem"), Pem.privateKey(k.getPrivate()));
    Result signed = python("sign", b, b.resolve("model.sig"), key);
    assertEquals(0, signed.code, signed.output);
    TrustPolicy policy = TrustPolicy.anyTrustedKey(TrustStore.builder()
        .add(TrustedKey.of(k.getPublic(), "data-science", "trainer")).build());
    try (CreditScorer s = CreditScorer.builder(b).trust(policy).build()) {
      VerifiedSignature v = s.model().trust().signatures().get(0);
      assertEquals("model.sig", v.file());
      assertEquals(Pem.keyId(k.getPublic()), v.keyId());
      assertEquals("trainer", v.role());
      assertEquals(null, v.signedAt());
    }

    Files.writeString(b.resolve("notes.txt"), "added after signing");
    BundleWriter.seal(b);
    TrustException e = assertThrows(TrustException.class,
        () -> CreditScorer.builder(b).trust(policy).build().close());
    assertEquals(TrustRule.FILE_ADDED, e.rule());
    assertTrue(e.getMessage().startsWith("notes.txt: "), e.getMessage());
  }
}
