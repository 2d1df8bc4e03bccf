package pe.agriscore.trust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Keys and hand-made signatures for trust tests (public: the hostile corpus uses them too). */
public final class TestKeys {

  private TestKeys() {}

  /** A new key pair on the named curve ({@code secp256r1}, {@code secp384r1}, ...). */
  public static KeyPair generate(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new P-256 key pair. */
  public static KeyPair p256() {
    return generate("secp256r1");
  }

  /** The signature file over {@code statement} (any bytes), signed by {@code key}. */
  public static byte[] signRaw(KeyPair key, byte[] statement) {
    return OmsSignatures.sign(key.getPrivate(), key.getPublic(), statement);
  }

  /** An AgriScore statement over {@code digests}. */
  public static byte[] statement(String name, Map<String, String> digests, String role,
      Instant signedAt) {
    return OmsSignatures.statement(name, digests, role, signedAt);
  }

  /**
   * SHA-256 of every regular file under {@code bundle} but the signature files, computed here
   * rather than by the code under test.
   */
  public static Map<String, String> digests(Path bundle) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(bundle)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String rel = bundle.relativize(p).toString().replace('\\', '/');
        if (Files.isRegularFile(p) && !rel.equals("model.sig") && !rel.startsWith("signatures/")) {
          out.put(rel, HexFormat.of().formatHex(
              MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
